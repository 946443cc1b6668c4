"""When two reports are the same problem: same category, close enough for that category."""

from __future__ import annotations

from intents import Location

_PARTS = {
    "grid": (),
    "building": ("building",),
    "unit": ("building", "unit"),
    "room": ("building", "unit", "room"),
}


def same_place(scope: str, report: Location, ticket: Location) -> bool:
    """Whether a new report's place falls within an open ticket's place at a duplicate scope.

    Both are in the same grid (the caller's query). A report with no location is compared at
    grid scope. Otherwise both must name the same building, and every finer part of the scope
    that both name must agree; a part one side leaves out is not a contradiction.
    """
    if not report:
        return True
    parts = _PARTS[scope]
    if not parts:
        return True
    if report.building is None or report.building != ticket.building:
        return False
    return all(
        getattr(report, part) == getattr(ticket, part)
        for part in parts[1:]
        if getattr(report, part) is not None and getattr(ticket, part) is not None
    )

"""Scopes named in commands (G01, building:29) and who may speak for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.models import RoleGrant
from storage.repository import Store


@dataclass(frozen=True, slots=True)
class Scope:
    """A grid or a building, with the grid it belongs to."""

    kind: str  # grid | building
    id: str
    grid_id: str


async def resolve_scope(store: Store, argument: str) -> Scope | None:
    """`G01` or `grid:G01` or `building:29` as a roster scope; None when there is no such."""
    kind, _, scope_id = argument.partition(":") if ":" in argument else ("grid", "", argument)
    kind, scope_id = kind.strip().lower(), scope_id.strip()
    if kind == "grid":
        grid = await store.grid(scope_id) or await store.grid(scope_id.upper())
        return Scope("grid", grid.id, grid.id) if grid else None
    if kind == "building":
        building = await store.building(scope_id)
        return Scope("building", building.id, building.grid_id) if building else None
    return None


def may_manage(grants: Sequence[RoleGrant], scope: Scope) -> bool:
    """Staff, the grid's leader, and for a building its 楼栋长, speak for a scope."""
    return any(
        g.role == "staff"
        or (g.role == "grid_leader" and g.scope_id == scope.grid_id)
        or (g.role == "building_leader" and scope.kind == "building" and g.scope_id == scope.id)
        for g in grants
    )

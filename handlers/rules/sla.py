"""SLA deadlines and escalation: 小事不出网格, 大事不出社区; nothing waits forever."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.rules.tickets import MAX_LEVEL, State

RATING_WINDOW = timedelta(days=3)  # no rating within this closes a resolved ticket


@dataclass(frozen=True, slots=True)
class Clocked:
    """What the SLA rules need to know of a ticket."""

    state: State
    level: int
    created_at: datetime
    level_since: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    ack: timedelta
    resolve: timedelta
    has_department: bool


@dataclass(frozen=True, slots=True)
class Due:
    """A step the clock forces: escalate to `level`, remind the office, or close unrated."""

    kind: str  # "escalate", "remind" or "close_unrated"
    reason: str  # text key: why
    level: int


def due_step(ticket: Clocked, now: datetime) -> Due | None:
    """The one step the clock forces now, if any (call again after applying it)."""
    if ticket.state is State.RESOLVED:
        if ticket.resolved_at and now >= ticket.resolved_at + RATING_WINDOW:
            return Due("close_unrated", "sla.rating_timeout", ticket.level)
        return None
    if ticket.state is State.CLOSED:
        return None
    unacknowledged = ticket.state in (State.NEW, State.REOPENED)
    if ticket.level == 1 and unacknowledged and now >= ticket.level_since + ticket.ack:
        return Due("escalate", "sla.ack_overdue", 2)
    if ticket.level == 1 and now >= ticket.created_at + ticket.resolve:
        return Due("escalate", "sla.resolve_overdue", 2)
    if ticket.level == 2:
        overdue = now >= ticket.created_at + ticket.resolve
        waited = now >= ticket.level_since + ticket.ack
        if (overdue or (waited and unacknowledged)) and ticket.level < MAX_LEVEL:
            if ticket.has_department:
                return Due("escalate", "sla.resolve_overdue" if overdue else "sla.level_overdue", 3)
            return Due("remind", "sla.no_department", 2)
    return None


def next_check(ticket: Clocked) -> datetime | None:
    """When the clock may next force a step, so the scheduler can sleep until then."""
    if ticket.state is State.CLOSED:
        return None
    if ticket.state is State.RESOLVED:
        return ticket.resolved_at + RATING_WINDOW if ticket.resolved_at else None
    if ticket.level >= MAX_LEVEL:
        return None
    candidates = [ticket.created_at + ticket.resolve, ticket.level_since + ticket.ack]
    return min(candidates)

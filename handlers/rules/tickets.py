"""The ticket state machine and who may do what: 一事一记, every step a legal one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """Where a ticket stands."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"


class Action(StrEnum):
    """What people (and the clock) do to a ticket."""

    REPORT = "report"
    FOLLOW = "follow"
    ACKNOWLEDGE = "acknowledge"
    PROGRESS = "progress"
    RESOLVE = "resolve"
    ESCALATE = "escalate"
    REASSIGN = "reassign"
    RATE = "rate"
    CLOSE = "close"


class Rating(StrEnum):
    """满意度: the reporter's verdict on a resolution."""

    SATISFIED = "satisfied"
    BASICALLY = "basically"
    UNSATISFIED = "unsatisfied"


class Role(StrEnum):
    """How the actor relates to the ticket, decided by the roster."""

    ASSIGNEE = "assignee"
    GRID_LEADER = "grid_leader"
    STAFF = "staff"
    REPORTER = "reporter"
    DEPARTMENT = "department"
    SYSTEM = "system"


MAX_LEVEL = 3  # 1 grid, 2 community office, 3 functional department
OPEN_STATES = frozenset({State.NEW, State.ACKNOWLEDGED, State.IN_PROGRESS, State.REOPENED})

# action -> (states it applies to, roles allowed to take it)
_RULES: dict[Action, tuple[frozenset[State], frozenset[Role]]] = {
    Action.ACKNOWLEDGE: (
        frozenset({State.NEW, State.REOPENED}),
        frozenset({Role.ASSIGNEE, Role.STAFF, Role.DEPARTMENT}),
    ),
    Action.PROGRESS: (
        frozenset({State.ACKNOWLEDGED, State.IN_PROGRESS}),
        frozenset({Role.ASSIGNEE, Role.STAFF, Role.DEPARTMENT}),
    ),
    Action.RESOLVE: (
        frozenset({State.ACKNOWLEDGED, State.IN_PROGRESS}),
        frozenset({Role.ASSIGNEE, Role.STAFF, Role.DEPARTMENT}),
    ),
    Action.ESCALATE: (OPEN_STATES, frozenset({Role.ASSIGNEE, Role.SYSTEM})),
    Action.REASSIGN: (OPEN_STATES, frozenset({Role.GRID_LEADER, Role.STAFF})),
    Action.RATE: (frozenset({State.RESOLVED}), frozenset({Role.REPORTER})),
    Action.CLOSE: (frozenset(set(State) - {State.CLOSED}), frozenset({Role.STAFF, Role.SYSTEM})),
}


class Refusal(Exception):
    """An action that is not allowed; `reason` is a text key the front end translates."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True, slots=True)
class Step:
    """The outcome of one legal action."""

    state: State
    level: int


def decide(
    state: State, level: int, action: Action, roles: frozenset[Role], rating: Rating | None = None
) -> Step:
    """Apply an action by someone holding `roles`, or raise Refusal saying why not."""
    if action not in _RULES:
        raise Refusal("refused.unknown_action")
    states, allowed = _RULES[action]
    if not roles & allowed:
        raise Refusal("refused.not_allowed")
    if state not in states:
        raise Refusal(f"refused.state.{action.value}", state=state.value)
    if action is Action.ACKNOWLEDGE:
        return Step(State.ACKNOWLEDGED, level)
    if action is Action.PROGRESS:
        return Step(State.IN_PROGRESS, level)
    if action is Action.RESOLVE:
        return Step(State.RESOLVED, level)
    if action is Action.ESCALATE:
        if level >= MAX_LEVEL:
            raise Refusal("refused.top_level")
        return Step(state, level + 1)
    if action is Action.RATE:
        if rating is None:
            raise Refusal("refused.rating_missing")
        return Step(State.REOPENED if rating is Rating.UNSATISFIED else State.CLOSED, level)
    if action is Action.CLOSE:
        return Step(State.CLOSED, level)
    return Step(state, level)  # reassign: same state, new assignee

"""The ticket state machine, the SLA clock and the duplicate rule: pure functions, no I/O."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.rules.duplicates import same_place
from handlers.rules.sla import RATING_WINDOW, Clocked, due_step, next_check
from handlers.rules.tickets import (
    MAX_LEVEL,
    OPEN_STATES,
    Action,
    Rating,
    Refusal,
    Role,
    State,
    decide,
)
from intents import Location

ACTIONS = [a for a in Action if a not in (Action.REPORT, Action.FOLLOW)]
ROLE_SETS = st.frozensets(st.sampled_from(list(Role)), max_size=3)
STEPS = st.lists(
    st.tuples(st.sampled_from(ACTIONS), ROLE_SETS, st.none() | st.sampled_from(list(Rating))),
    max_size=40,
)


@given(STEPS)
def test_any_sequence_leaves_a_legal_state_and_a_complete_trail(steps: list) -> None:
    state, level = State.NEW, 1
    trail = [("report", State.NEW, State.NEW)]
    for action, roles, rating in steps:
        try:
            step = decide(state, level, action, roles, rating)
        except Refusal as refusal:
            assert refusal.reason.startswith("refused.")
            continue
        assert step.state in State
        assert 1 <= step.level <= MAX_LEVEL
        assert step.level in (level, level + 1)
        if state is State.CLOSED:
            pytest.fail(f"{action} applied to a closed ticket")
        trail.append((action.value, state, step.state))
        state, level = step.state, step.level
    # the trail is complete: replaying it reaches the same state
    assert trail[-1][2] == state or len(trail) == 1
    for (_, _, after), (_, before, _) in itertools.pairwise(trail):
        assert after == before


@pytest.mark.parametrize(
    ("state", "action", "roles", "expected"),
    [
        (State.NEW, Action.ACKNOWLEDGE, {Role.ASSIGNEE}, State.ACKNOWLEDGED),
        (State.REOPENED, Action.ACKNOWLEDGE, {Role.STAFF}, State.ACKNOWLEDGED),
        (State.ACKNOWLEDGED, Action.PROGRESS, {Role.ASSIGNEE}, State.IN_PROGRESS),
        (State.IN_PROGRESS, Action.RESOLVE, {Role.DEPARTMENT}, State.RESOLVED),
        (State.ACKNOWLEDGED, Action.ESCALATE, {Role.ASSIGNEE}, State.ACKNOWLEDGED),
        (State.NEW, Action.REASSIGN, {Role.GRID_LEADER}, State.NEW),
        (State.RESOLVED, Action.CLOSE, {Role.STAFF}, State.CLOSED),
    ],
)
def test_legal_actions(state: State, action: Action, roles: set[Role], expected: State) -> None:
    assert decide(state, 1, action, frozenset(roles)).state is expected


@pytest.mark.parametrize(
    ("state", "action", "roles", "reason"),
    [
        (State.NEW, Action.RESOLVE, {Role.ASSIGNEE}, "refused.state.resolve"),
        (State.NEW, Action.PROGRESS, {Role.ASSIGNEE}, "refused.state.progress"),
        (State.CLOSED, Action.ACKNOWLEDGE, {Role.ASSIGNEE}, "refused.state.acknowledge"),
        (State.NEW, Action.ACKNOWLEDGE, {Role.REPORTER}, "refused.not_allowed"),
        (State.NEW, Action.ACKNOWLEDGE, set(), "refused.not_allowed"),
        (State.NEW, Action.CLOSE, {Role.ASSIGNEE}, "refused.not_allowed"),
        (State.ACKNOWLEDGED, Action.RATE, {Role.REPORTER}, "refused.state.rate"),
        (State.RESOLVED, Action.RATE, {Role.ASSIGNEE}, "refused.not_allowed"),
        (State.CLOSED, Action.CLOSE, {Role.STAFF}, "refused.state.close"),
    ],
)
def test_illegal_actions_are_refused_with_a_reason(
    state: State, action: Action, roles: set[Role], reason: str
) -> None:
    with pytest.raises(Refusal) as refusal:
        decide(state, 1, action, frozenset(roles))
    assert refusal.value.reason == reason


def test_rating() -> None:
    reporter = frozenset({Role.REPORTER})
    assert decide(State.RESOLVED, 1, Action.RATE, reporter, Rating.SATISFIED).state is State.CLOSED
    assert decide(State.RESOLVED, 1, Action.RATE, reporter, Rating.BASICALLY).state is State.CLOSED
    assert (
        decide(State.RESOLVED, 2, Action.RATE, reporter, Rating.UNSATISFIED).state is State.REOPENED
    )
    with pytest.raises(Refusal, match="rating_missing"):
        decide(State.RESOLVED, 1, Action.RATE, reporter)


def test_escalation_stops_at_the_department() -> None:
    assignee = frozenset({Role.ASSIGNEE})
    assert decide(State.NEW, 2, Action.ESCALATE, assignee).level == 3
    with pytest.raises(Refusal, match="top_level"):
        decide(State.NEW, MAX_LEVEL, Action.ESCALATE, assignee)


START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def clocked(**changes: object) -> Clocked:
    values: dict = dict(
        state=State.NEW,
        level=1,
        created_at=START,
        level_since=START,
        acknowledged_at=None,
        resolved_at=None,
        ack=timedelta(hours=2),
        resolve=timedelta(days=1),
        has_department=True,
    )
    values.update(changes)
    return Clocked(**values)


def test_unacknowledged_ticket_goes_to_the_community_then_the_department() -> None:
    ticket = clocked()
    assert due_step(ticket, START + timedelta(hours=1)) is None
    due = due_step(ticket, START + timedelta(hours=2))
    assert due is not None and (due.kind, due.level, due.reason) == (
        "escalate",
        2,
        "sla.ack_overdue",
    )
    at_two = clocked(level=2, level_since=START + timedelta(hours=2))
    assert due_step(at_two, START + timedelta(hours=3)) is None
    due = due_step(at_two, START + timedelta(hours=4))
    assert due is not None and (due.kind, due.level) == ("escalate", 3)


def test_without_a_department_the_office_is_reminded() -> None:
    at_two = clocked(level=2, has_department=False)
    due = due_step(at_two, START + timedelta(days=2))
    assert due is not None and (due.kind, due.level) == ("remind", 2)


def test_acknowledged_ticket_escalates_only_when_not_resolved_in_time() -> None:
    ticket = clocked(state=State.ACKNOWLEDGED, acknowledged_at=START)
    assert due_step(ticket, START + timedelta(hours=23)) is None
    due = due_step(ticket, START + timedelta(days=1))
    assert due is not None and due.reason == "sla.resolve_overdue"


def test_resolved_ticket_closes_when_not_rated() -> None:
    ticket = clocked(state=State.RESOLVED, resolved_at=START)
    assert due_step(ticket, START + RATING_WINDOW - timedelta(minutes=1)) is None
    due = due_step(ticket, START + RATING_WINDOW)
    assert due is not None and due.kind == "close_unrated"
    assert next_check(ticket) == START + RATING_WINDOW
    assert next_check(clocked(state=State.CLOSED)) is None
    assert next_check(clocked()) == START + timedelta(hours=2)


def test_open_states() -> None:
    assert State.CLOSED not in OPEN_STATES and State.RESOLVED not in OPEN_STATES


@pytest.mark.parametrize(
    ("scope", "report", "ticket", "same"),
    [
        ("grid", Location("29"), Location("31"), True),
        ("building", Location("29", "1"), Location("29", "3"), True),
        ("building", Location("29"), Location("30"), False),
        ("unit", Location("29", "3"), Location("29", "3", "502"), True),
        ("unit", Location("29", "1"), Location("29", "3"), False),
        ("unit", Location("29"), Location("29", "3"), True),
        ("room", Location("29", "3", "502"), Location("29", "3", "601"), False),
        ("room", Location("29", "3", "502"), Location("29", "3", "502"), True),
        ("room", Location(), Location("29", "3", "502"), True),
        ("building", Location(unit="3"), Location("29", "3"), False),
    ],
)
def test_duplicate_scope(scope: str, report: Location, ticket: Location, same: bool) -> None:
    assert same_place(scope, report, ticket) is same

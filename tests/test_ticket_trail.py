"""Any sequence of actions by anyone, through the real desk and database, leaves a legal state
and a trail with one event per step that happened (一事一记)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.rules.tickets import MAX_LEVEL, Action, Rating, Refusal, State
from storage.repository import Database
from tests.dialog import Dialog, build_community

PEOPLE = ["吕新安", "周强", "高艳娜", "马俊", "陈培霞", "赵磊"]
ACTIONS = [
    Action.ACKNOWLEDGE,
    Action.PROGRESS,
    Action.RESOLVE,
    Action.ESCALATE,
    Action.REASSIGN,
    Action.RATE,
    Action.CLOSE,
]
STEP = st.tuples(
    st.sampled_from(PEOPLE),
    st.sampled_from(ACTIONS),
    st.sampled_from(list(Rating)),
    st.sampled_from(["", "已处理", "G02", "高艳娜"]),
)


def test_random_action_sequences_keep_state_and_trail_consistent(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    database = loop.run_until_complete(Database.open(f"sqlite:///{tmp_path / 'trail.db'}"))
    loop.run_until_complete(build_community(database))
    dialog = Dialog(database)

    async def play(steps: list[tuple[str, Action, Rating, str]]) -> None:
        async with database.unit() as store:  # the last example's ticket must not absorb this one
            for ticket in await store.tickets_in_scope(None):
                ticket.state = State.CLOSED.value
                store.add(ticket)
        await dialog.say("吕新安", "楼顶漏水了")
        async with database.unit() as store:
            number = await store.ticket_count()
        happened = 1  # the report
        for who, action, rating, note in steps:
            dialog.clock.advance(timedelta(minutes=1))
            async with database.unit() as store:
                actor = await store.person_by_identity("stub", who)
                assert actor is not None
                try:
                    await dialog.desk.act(
                        store, actor, number, action, dialog.clock.now(), note=note, rating=rating
                    )
                    happened += 1
                except Refusal:
                    pass
        async with database.unit() as store:
            ticket = await store.ticket(number)
            assert ticket is not None
            events = await store.events(number)
        assert State(ticket.state) in State
        assert 1 <= ticket.level <= MAX_LEVEL
        assert len(events) == happened
        assert events[0].action == "report"
        for before, after in itertools.pairwise(events):
            assert after.from_state == before.to_state  # no step is missing from the trail
            assert after.at >= before.at
        assert events[-1].to_state == ticket.state
        if ticket.state == "closed":
            assert ticket.closed_at is not None

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.lists(STEP, max_size=12))
    def run(steps: list[tuple[str, Action, Rating, str]]) -> None:
        loop.run_until_complete(play(steps))

    try:
        run()
    finally:
        loop.run_until_complete(database.close())
        loop.close()

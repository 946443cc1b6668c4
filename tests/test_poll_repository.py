"""The poll tables and their queries, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.models import Person, Poll, PollEvent, PollVote
from storage.repository import Database
from tests.dialog import build_community

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


async def open_poll(
    database: Database, kind: str = "building", ids: tuple[str, ...] = ("29",)
) -> int:
    """A poll over a scope with its electorate taken from the roster; its id."""
    async with database.unit() as store:
        creator = (await store.people_named("高艳娜"))[0]
        poll = Poll(
            question="是否同意加装电梯",
            options=["同意", "反对", "弃权"],
            rule="civil-code",
            approve_option=0,
            oppose_option=1,
            scope_kind=kind,
            scope_ids=list(ids),
            created_by=creator.id or 0,
            created_at=NOW,
            closes_at=NOW + timedelta(days=3),
            remind_at=NOW + timedelta(days=2),
        )
        store.add(poll)
        await store.flush()
        store.polls.add_electorate(poll.id or 0, await store.polls.households_in(kind, ids))
        return poll.id or 0


async def test_scopes_select_their_households(database: Database) -> None:
    await build_community(database)
    async with database.unit() as store:
        rooms = {
            (kind, ids): sorted(
                f"{h.building_id}-{h.room}" for h in await store.polls.households_in(kind, ids)
            )
            for kind, ids in (
                ("building", ("29",)),
                ("building", ("29", "31")),
                ("grid", ("G01",)),
                ("grid", ("G02",)),
                ("community", ()),
            )
        }
    assert rooms[("building", ("29",))] == ["29-101", "29-502", "29-601"]
    assert rooms[("building", ("29", "31"))] == ["29-101", "29-502", "29-601", "31-101"]
    assert rooms[("grid", ("G01",))] == rooms[("building", ("29",))]
    assert rooms[("grid", ("G02",))] == ["31-101"]
    assert len(rooms[("community", ())]) == 4


async def test_votes_counts_and_the_electorate(database: Database) -> None:
    await build_community(database)
    poll_id = await open_poll(database)
    async with database.unit() as store:
        electorate = await store.polls.electorate(poll_id)
        assert len(electorate) == 3
        first, second, _ = electorate
        assert await store.polls.voter_at(poll_id, "29", "3", "502") is not None
        assert await store.polls.voter_at(poll_id, "31", "1", "101") is None
        store.add(
            PollVote(poll_id=poll_id, household_id=first.household_id, option=0, at=NOW),
            PollVote(poll_id=poll_id, household_id=second.household_id, option=0, at=NOW),
            PollEvent(
                poll_id=poll_id, at=NOW, action="vote", household_id=first.household_id, option=0
            ),
        )
    async with database.unit() as store:
        assert await store.polls.counts(poll_id) == {0: 2}
        assert set((await store.polls.votes(poll_id)).values()) == {0}
        silent = await store.polls.silent_residents(poll_id, owners_only=True)
        assert [p.name for p in silent] == ["刘洋"]
        assert [e.action for e in await store.polls.events(poll_id)] == ["vote"]


async def test_a_poll_closes_and_reminds_once(database: Database) -> None:
    await build_community(database)
    poll_id = await open_poll(database)
    async with database.unit() as store:
        assert await store.polls.due_to_close(NOW) == []
        assert [p.id for p in await store.polls.due_to_close(NOW + timedelta(days=4))] == [poll_id]
        assert [p.id for p in await store.polls.due_reminders(NOW + timedelta(days=2))] == [poll_id]
        assert await store.polls.claim_reminder(poll_id)
        assert not await store.polls.claim_reminder(poll_id)
        assert await store.polls.claim_close(poll_id, "closed")
        assert not await store.polls.claim_close(poll_id, "cancelled")
    async with database.unit() as store:
        poll = await store.polls.poll(poll_id)
        assert poll is not None and poll.state == "closed"
        assert await store.polls.due_to_close(NOW + timedelta(days=4)) == []
        assert await store.polls.open_polls() == []
        assert [p.id for p in await store.polls.recent_polls(NOW)] == []


async def test_merging_a_person_carries_their_votes(database: Database) -> None:
    await build_community(database)
    poll_id = await open_poll(database)
    async with database.unit() as store:
        provisional = Person(name="临时", confirmed=False)
        store.add(provisional)
        await store.flush()
        voter = (await store.polls.electorate(poll_id))[0]
        store.add(
            PollVote(
                poll_id=poll_id,
                household_id=voter.household_id,
                option=1,
                person_id=provisional.id,
                at=NOW,
            ),
            PollEvent(poll_id=poll_id, at=NOW, actor_id=provisional.id, action="vote"),
        )
        await store.flush()
        target = (await store.people_named("吕新安"))[0]
        await store.merge_person(provisional.id or 0, target.id or 0)
    async with database.unit() as store:
        vote = await store.polls.vote(poll_id, voter.household_id)
        assert vote is not None and vote.person_id == target.id
        assert [e.actor_id for e in await store.polls.events(poll_id)] == [target.id]


async def test_a_vote_and_the_close_never_overlap(database: Database) -> None:
    """A vote holds its poll open until it commits; a close waits for it, and a vote that
    comes after the close finds the poll closed (on SQLite and PostgreSQL alike)."""
    await build_community(database)
    poll_id = await open_poll(database)
    order: list[str] = []
    voting = asyncio.Event()

    async def vote_then_commit() -> None:
        async with database.unit() as store:
            assert await store.polls.hold_open(poll_id, NOW)
            voting.set()
            await asyncio.sleep(0.3)
            order.append("vote committed")

    async def close() -> None:
        await voting.wait()
        async with database.unit() as store:
            assert await store.polls.claim_close(poll_id, "closed")
            order.append("close")

    await asyncio.gather(vote_then_commit(), close())
    assert order == ["vote committed", "close"]
    async with database.unit() as store:
        assert not await store.polls.hold_open(poll_id, NOW)
    second = await open_poll(database)
    async with database.unit() as store:
        assert not await store.polls.hold_open(second, NOW + timedelta(days=3))  # past deadline

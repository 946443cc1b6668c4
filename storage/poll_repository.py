"""Queries and writes of building decisions, inside the caller's unit of work (Store.polls)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Building,
    Household,
    Identity,
    Outbox,
    Person,
    Poll,
    PollDraft,
    PollEvent,
    PollMessage,
    PollVote,
    PollVoter,
)


class PollStore:
    """Polls, their electorates, votes, trail and posted ballots."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def poll(self, poll_id: int) -> Poll | None:
        """A poll by number."""
        return await self.session.get(Poll, poll_id)

    async def hold_open(self, poll_id: int, now: datetime) -> bool:
        """Whether a poll still takes votes, asked with a write on its row: a vote and the
        close are then taken one after the other on every backend, so no vote lands after
        the result was counted."""
        result = await self.session.exec(
            update(Poll)
            .where(col(Poll.id) == poll_id, col(Poll.state) == "open", col(Poll.closes_at) > now)
            .values(state="open")
        )
        return bool(result.rowcount)

    async def households_in(self, kind: str, ids: Sequence[str]) -> Sequence[Household]:
        """The roster's households of some buildings, a grid, or the community."""
        statement = select(Household)
        if kind == "building":
            statement = statement.where(col(Household.building_id).in_(ids))
        elif kind == "grid":
            in_grid = select(Building.id).where(col(Building.grid_id).in_(ids))
            statement = statement.where(col(Household.building_id).in_(in_grid))
        return (await self.session.exec(statement.order_by(col(Household.id)))).all()

    async def buildings_of(self, grid_id: str) -> list[str]:
        """The ids of a grid's buildings."""
        statement = (
            select(Building.id).where(Building.grid_id == grid_id).order_by(col(Building.id))
        )
        return list((await self.session.exec(statement)).all())

    def add_electorate(self, poll_id: int, households: Sequence[Household]) -> None:
        """Keep the households (and their floor areas) as the poll's electorate."""
        self.session.add_all(
            PollVoter(
                poll_id=poll_id,
                household_id=h.id or 0,
                building_id=h.building_id,
                unit=h.unit,
                room=h.room,
                area_m2=h.area_m2,
            )
            for h in households
        )

    async def electorate(self, poll_id: int) -> Sequence[PollVoter]:
        """The households that decide a poll."""
        statement = (
            select(PollVoter)
            .where(PollVoter.poll_id == poll_id)
            .order_by(col(PollVoter.household_id))
        )
        return (await self.session.exec(statement)).all()

    async def voter(self, poll_id: int, household_id: int) -> PollVoter | None:
        """A household of the electorate, or None when it is not one."""
        return await self.session.get(PollVoter, (poll_id, household_id))

    async def voter_at(self, poll_id: int, building: str, unit: str, room: str) -> PollVoter | None:
        """A household of the electorate by its address (paper ballots name it so)."""
        statement = select(PollVoter).where(
            PollVoter.poll_id == poll_id,
            PollVoter.building_id == building,
            PollVoter.unit == unit,
            PollVoter.room == room,
        )
        return (await self.session.exec(statement)).first()

    async def vote(self, poll_id: int, household_id: int) -> PollVote | None:
        """The vote that counts for a household now."""
        return await self.session.get(PollVote, (poll_id, household_id))

    async def votes(self, poll_id: int) -> dict[int, int]:
        """household -> option (0-based) for every household that has voted."""
        statement = select(PollVote.household_id, PollVote.option).where(
            PollVote.poll_id == poll_id
        )
        return dict((await self.session.exec(statement)).all())

    async def counts(self, poll_id: int) -> dict[int, int]:
        """option -> households voting for it (the live count on a ballot)."""
        statement = (
            select(PollVote.option, func.count())
            .where(PollVote.poll_id == poll_id)
            .group_by(col(PollVote.option))
        )
        return {option: int(n) for option, n in (await self.session.exec(statement)).all()}

    async def events(self, poll_id: int) -> Sequence[PollEvent]:
        """A poll's trail, in order."""
        statement = (
            select(PollEvent).where(PollEvent.poll_id == poll_id).order_by(col(PollEvent.id))
        )
        return (await self.session.exec(statement)).all()

    async def residents(self, household_id: int) -> Sequence[Person]:
        """Confirmed residents of a household."""
        statement = select(Person).where(
            Person.household_id == household_id, col(Person.confirmed).is_(True)
        )
        return (await self.session.exec(statement.order_by(col(Person.id)))).all()

    async def silent_residents(self, poll_id: int, owners_only: bool) -> Sequence[Person]:
        """Confirmed residents (owners, if only they may vote) of households yet to vote."""
        return await self.eligible_residents(poll_id, owners_only, silent=True)

    async def eligible_residents(
        self, poll_id: int, owners_only: bool, silent: bool = False, on: Collection[str] = ()
    ) -> Sequence[Person]:
        """Confirmed residents (owners, if only they may vote) of the electorate's households;
        `silent`: only of those yet to vote; `on`: only those with an account on one of these
        platforms."""
        statement = (
            select(Person)
            .join(PollVoter, col(PollVoter.household_id) == col(Person.household_id))
            .where(PollVoter.poll_id == poll_id, col(Person.confirmed).is_(True))
        )
        if silent:
            voted = select(PollVote.household_id).where(PollVote.poll_id == poll_id)
            statement = statement.where(col(PollVoter.household_id).not_in(voted))
        if on:
            with_account = select(Identity.person_id).where(col(Identity.platform).in_(on))
            statement = statement.where(col(Person.id).in_(with_account))
        if owners_only:
            statement = statement.where(col(Person.owner).is_(True))
        return (await self.session.exec(statement.order_by(col(Person.id)))).all()

    async def open_polls(self) -> Sequence[Poll]:
        """Polls still open, oldest first."""
        statement = select(Poll).where(Poll.state == "open").order_by(col(Poll.id))
        return (await self.session.exec(statement)).all()

    async def recent_polls(self, since: datetime) -> Sequence[Poll]:
        """Open polls and those closed or cancelled since a moment, newest first."""
        statement = select(Poll).where((col(Poll.state) == "open") | (col(Poll.closed_at) >= since))
        return (await self.session.exec(statement.order_by(col(Poll.id).desc()))).all()

    async def due_to_close(self, now: datetime, limit: int = 20) -> Sequence[Poll]:
        """Open polls whose closing time has come (or came while the bot was down)."""
        statement = (
            select(Poll)
            .where(Poll.state == "open", col(Poll.closes_at) <= now)
            .order_by(col(Poll.closes_at))
            .limit(limit)
        )
        return (await self.session.exec(statement)).all()

    async def due_reminders(self, now: datetime, limit: int = 20) -> Sequence[Poll]:
        """Open polls whose reminder to non-voters is due."""
        statement = (
            select(Poll)
            .where(Poll.state == "open", col(Poll.remind_at) <= now)
            .order_by(col(Poll.remind_at))
            .limit(limit)
        )
        return (await self.session.exec(statement)).all()

    async def claim_close(self, poll_id: int, state: str) -> bool:
        """Move an open poll to closed or cancelled; False when another worker already did.
        The conditional update makes the close (and its announcements) happen once."""
        result = await self.session.exec(
            update(Poll)
            .where(col(Poll.id) == poll_id, col(Poll.state) == "open")
            .values(state=state)
        )
        return bool(result.rowcount)

    async def claim_reminder(self, poll_id: int) -> bool:
        """Take a poll's reminder; False when it was sent already."""
        result = await self.session.exec(
            update(Poll)
            .where(col(Poll.id) == poll_id, col(Poll.remind_at).is_not(None))
            .values(remind_at=None)
        )
        return bool(result.rowcount)

    async def messages(self, poll_id: int) -> Sequence[PollMessage]:
        """The ballots a poll has posted in chats."""
        statement = select(PollMessage).where(PollMessage.poll_id == poll_id)
        return (await self.session.exec(statement.order_by(col(PollMessage.id)))).all()

    async def message_for_native(self, platform: str, native_poll_id: str) -> PollMessage | None:
        """The posted native poll that an answer belongs to."""
        statement = select(PollMessage).where(
            PollMessage.platform == platform, PollMessage.native_poll_id == native_poll_id
        )
        return (await self.session.exec(statement)).first()

    async def draft(
        self, person_id: int, platform: str, chat_id: str, since: datetime
    ) -> PollDraft | None:
        """A person's newest unfinished guided poll in a chat, started after `since`."""
        statement = (
            select(PollDraft)
            .where(
                PollDraft.person_id == person_id,
                PollDraft.platform == platform,
                PollDraft.chat_id == chat_id,
                col(PollDraft.step) != "done",
                col(PollDraft.created_at) > since,
            )
            .order_by(col(PollDraft.id).desc())
        )
        return (await self.session.exec(statement)).first()

    async def draft_by_id(self, draft_id: int) -> PollDraft | None:
        """A guided poll by id."""
        return await self.session.get(PollDraft, draft_id)

    async def live_messages(self) -> Sequence[tuple[PollMessage, Poll, Outbox | None]]:
        """Posted ballots not yet stopped, with their poll and their announcement."""
        statement = (
            select(PollMessage, Poll, Outbox)
            .join(Poll, col(Poll.id) == col(PollMessage.poll_id))
            .outerjoin(Outbox, col(Outbox.id) == col(PollMessage.outbox_id))
            .where(col(PollMessage.stopped).is_(False))
            .order_by(col(PollMessage.id))
        )
        return list((await self.session.exec(statement)).all())

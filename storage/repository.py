"""Repositories over one session: every handler call is one unit of work and one commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import delete, func, or_, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import (
    Building,
    Chat,
    Department,
    Follower,
    Grid,
    Household,
    Identity,
    Outbox,
    PendingRegistration,
    PendingReport,
    Person,
    Poll,
    PollDraft,
    PollEvent,
    PollVote,
    ProcessedUpdate,
    Prompt,
    RoleGrant,
    Ticket,
    TicketEvent,
    TicketPhoto,
)
from storage.poll_repository import PollStore

OPEN_STATES = ("new", "acknowledged", "in_progress", "reopened")


class Store:
    """Queries and writes the handlers need, inside one transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def polls(self) -> PollStore:
        """The building decisions' queries, in this same transaction."""
        return PollStore(self.session)

    def add(self, *rows: object) -> None:
        """Stage new or changed rows for the commit."""
        self.session.add_all(rows)

    async def flush(self) -> None:
        """Send staged rows to the database (assigns ids) without committing."""
        await self.session.flush()

    # roster -----------------------------------------------------------------------------------
    async def person(self, person_id: int) -> Person | None:
        """A person by id."""
        return await self.session.get(Person, person_id)

    async def person_by_identity(self, platform: str, external_id: str) -> Person | None:
        """The person behind a platform account."""
        statement = (
            select(Person)
            .join(Identity, col(Identity.person_id) == col(Person.id))
            .where(Identity.platform == platform, Identity.external_id == external_id)
        )
        return (await self.session.exec(statement)).first()

    async def identity(self, platform: str, external_id: str) -> Identity | None:
        """A platform account."""
        return await self.session.get(Identity, (platform, external_id))

    async def identities(self, person_id: int) -> Sequence[Identity]:
        """Every platform account of a person."""
        statement = select(Identity).where(Identity.person_id == person_id)
        return (await self.session.exec(statement)).all()

    async def people_named(self, name: str) -> Sequence[Person]:
        """People with exactly this name."""
        return (await self.session.exec(select(Person).where(Person.name == name))).all()

    async def person_by_phone(self, phone: str) -> Person | None:
        """The confirmed roster person with this phone number."""
        statement = select(Person).where(Person.phone == phone, col(Person.confirmed).is_(True))
        return (await self.session.exec(statement.order_by(col(Person.id)))).first()

    async def merge_person(self, source_id: int, target_id: int) -> None:
        """Fold a provisional person into a roster person: accounts, tickets and trail move."""
        moves = (
            (Identity, "person_id"),
            (Ticket, "reporter_id"),
            (Ticket, "assignee_id"),
            (Follower, "person_id"),
            (TicketEvent, "actor_id"),
            (TicketPhoto, "added_by"),
            (Outbox, "person_id"),
            (PendingReport, "person_id"),
            (PendingRegistration, "person_id"),
            (Poll, "created_by"),
            (Poll, "closed_by"),
            (PollVote, "person_id"),
            (PollVote, "recorded_by"),
            (PollEvent, "actor_id"),
            (PollDraft, "person_id"),
        )
        # a ticket both follow keeps one follow: the target's (the key is ticket and person)
        await self.session.exec(
            delete(Follower).where(
                col(Follower.person_id) == source_id,
                col(Follower.ticket_id).in_(
                    select(Follower.ticket_id).where(Follower.person_id == target_id)
                ),
            )
        )
        for table, column in moves:
            await self.session.exec(
                update(table).where(getattr(table, column) == source_id).values({column: target_id})
            )
        source = await self.session.get(Person, source_id)
        if source is not None:
            await self.session.flush()
            await self.session.delete(source)

    async def bind_chat(self, platform: str, chat_id: str, scope_kind: str, scope_id: str) -> None:
        """Bind (or rebind) a group chat to a grid or a building."""
        chat = await self.chat(platform, chat_id) or Chat(
            platform=platform, chat_id=chat_id, scope_kind=scope_kind, scope_id=scope_id
        )
        chat.scope_kind, chat.scope_id = scope_kind, scope_id
        self.add(chat)

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> None:
        """Carry a chat's binding and its tickets' source over to the chat's new id."""
        chat = await self.chat(platform, old_chat_id)
        if chat is not None:
            await self.session.delete(chat)
            await self.session.flush()
            await self.bind_chat(platform, new_chat_id, chat.scope_kind, chat.scope_id)
        await self.session.exec(
            update(Ticket)
            .where(
                col(Ticket.source_platform) == platform,
                col(Ticket.source_chat_id) == old_chat_id,
            )
            .values(source_chat_id=new_chat_id)
        )

    async def household(self, household_id: int) -> Household | None:
        """A household by id."""
        return await self.session.get(Household, household_id)

    async def open_registration(self, person_id: int) -> PendingRegistration | None:
        """A person's home claim that no leader has decided yet."""
        statement = select(PendingRegistration).where(
            PendingRegistration.person_id == person_id, col(PendingRegistration.decided).is_(False)
        )
        return (await self.session.exec(statement)).first()

    async def household_at(self, building: str, unit: str, room: str) -> Household | None:
        """The household at 楼号-单元-房号 (unit "" where the building has no units)."""
        statement = select(Household).where(
            Household.building_id == building, Household.unit == unit, Household.room == room
        )
        return (await self.session.exec(statement)).first()

    async def grid(self, grid_id: str) -> Grid | None:
        """A grid by id."""
        return await self.session.get(Grid, grid_id)

    async def building(self, building_id: str) -> Building | None:
        """A building by id."""
        return await self.session.get(Building, building_id)

    async def buildings(self) -> Sequence[Building]:
        """All buildings."""
        return (await self.session.exec(select(Building).order_by(col(Building.id)))).all()

    async def households_in(self, building_id: str, unit: str | None = None) -> Sequence[Household]:
        """The flats of a building (or of one of its units), in order."""
        statement = select(Household).where(Household.building_id == building_id)
        if unit is not None:
            statement = statement.where(Household.unit == unit)
        ordered = statement.order_by(col(Household.unit), col(Household.room))
        return (await self.session.exec(ordered)).all()

    async def grids(self) -> Sequence[Grid]:
        """All grids."""
        return (await self.session.exec(select(Grid).order_by(col(Grid.id)))).all()

    async def roles(self, person_id: int) -> Sequence[RoleGrant]:
        """The roles a person holds."""
        statement = select(RoleGrant).where(RoleGrant.person_id == person_id)
        return (await self.session.exec(statement)).all()

    async def holders(self, role: str, scope_kind: str, scope_id: str = "") -> Sequence[Person]:
        """People holding a role over a scope (e.g. grid_leader of G01, staff of community)."""
        statement = (
            select(Person)
            .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
            .where(
                RoleGrant.role == role,
                RoleGrant.scope_kind == scope_kind,
                RoleGrant.scope_id == scope_id,
            )
            .order_by(col(Person.id))
        )
        return (await self.session.exec(statement)).all()

    async def department_for(self, category: str) -> Department | None:
        """The department whose categories include this one (社区吹哨, 部门报到)."""
        for department in (await self.session.exec(select(Department))).all():
            if category in department.categories:
                return department
        return None

    async def department(self, department_id: int) -> Department | None:
        """A department by id."""
        return await self.session.get(Department, department_id)

    async def chat(self, platform: str, chat_id: str) -> Chat | None:
        """A bound group chat."""
        return await self.session.get(Chat, (platform, chat_id))

    async def all_chats(self) -> Sequence[Chat]:
        """Every bound group chat."""
        return (await self.session.exec(select(Chat).order_by(col(Chat.chat_id)))).all()

    async def role_holders(self, platform: str) -> list[tuple[str, str, bool]]:
        """(name, role, has opened a private chat on the platform) for everyone with a role."""
        statement = (
            select(Person, RoleGrant, Identity)
            .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
            .outerjoin(
                Identity,
                (col(Identity.person_id) == col(Person.id)) & (col(Identity.platform) == platform),
            )
            .order_by(col(Person.id))
        )
        rows = (await self.session.exec(statement)).all()
        return [
            (person.name, grant.role, bool(identity and identity.private_chat))
            for person, grant, identity in rows
        ]

    async def chats_for(self, scope_kind: str, scope_id: str) -> Sequence[Chat]:
        """The group chats bound to a grid or a building."""
        statement = select(Chat).where(Chat.scope_kind == scope_kind, Chat.scope_id == scope_id)
        return (await self.session.exec(statement)).all()

    # tickets ----------------------------------------------------------------------------------
    async def ticket(self, ticket_id: int) -> Ticket | None:
        """A ticket by number."""
        return await self.session.get(Ticket, ticket_id)

    async def open_tickets(self, grid_id: str | None, category: str) -> Sequence[Ticket]:
        """Open tickets of a category in a grid, oldest first (duplicate candidates)."""
        statement = (
            select(Ticket)
            .where(
                Ticket.category == category,
                col(Ticket.state).in_(OPEN_STATES),
                Ticket.grid_id == grid_id,
            )
            .order_by(col(Ticket.id))
        )
        return (await self.session.exec(statement)).all()

    async def tickets_in_scope(self, grid_ids: Sequence[str] | None) -> Sequence[Ticket]:
        """Open tickets of some grids (None: all), oldest first."""
        statement = select(Ticket).where(col(Ticket.state).in_(OPEN_STATES))
        if grid_ids is not None:
            statement = statement.where(col(Ticket.grid_id).in_(grid_ids))
        return (await self.session.exec(statement.order_by(col(Ticket.id)))).all()

    async def tickets_of(self, person_id: int) -> Sequence[Ticket]:
        """Tickets a person reported or follows, newest first."""
        followed = select(Follower.ticket_id).where(Follower.person_id == person_id)
        statement = select(Ticket).where(
            or_(col(Ticket.reporter_id) == person_id, col(Ticket.id).in_(followed))
        )
        return (await self.session.exec(statement.order_by(col(Ticket.id).desc()))).all()

    async def awaiting_rating(self, person_id: int) -> Ticket | None:
        """The newest resolved ticket this person reported, waiting for their rating."""
        statement = (
            select(Ticket)
            .where(Ticket.reporter_id == person_id, Ticket.state == "resolved")
            .order_by(col(Ticket.resolved_at).desc())
        )
        return (await self.session.exec(statement)).first()

    async def followers(self, ticket_id: int) -> list[int]:
        """Ids of people following a ticket."""
        statement = select(Follower.person_id).where(Follower.ticket_id == ticket_id)
        return list((await self.session.exec(statement)).all())

    async def is_follower(self, ticket_id: int, person_id: int) -> bool:
        """Whether a person follows a ticket."""
        return await self.session.get(Follower, (ticket_id, person_id)) is not None

    async def events(self, ticket_id: int) -> Sequence[TicketEvent]:
        """A ticket's trail, in order."""
        statement = (
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id)
            .order_by(col(TicketEvent.id))
        )
        return (await self.session.exec(statement)).all()

    async def photos(self, ticket_id: int) -> Sequence[TicketPhoto]:
        """A ticket's photos."""
        statement = select(TicketPhoto).where(TicketPhoto.ticket_id == ticket_id)
        return (await self.session.exec(statement.order_by(col(TicketPhoto.id)))).all()

    async def ticket_by_message(
        self, platform: str, chat_id: str, message_id: str
    ) -> Ticket | None:
        """The ticket opened by a given chat message."""
        statement = select(Ticket).where(
            Ticket.source_platform == platform,
            Ticket.source_chat_id == chat_id,
            Ticket.source_message_id == message_id,
        )
        return (await self.session.exec(statement)).first()

    async def due_tickets(self, now: datetime, limit: int = 100) -> Sequence[Ticket]:
        """Tickets whose next clock check has come."""
        statement = (
            select(Ticket)
            .where(col(Ticket.next_check_at) <= now)
            .order_by(col(Ticket.next_check_at))
            .limit(limit)
        )
        return (await self.session.exec(statement)).all()

    async def forget_updates_before(self, moment: datetime) -> None:
        """Drop the record of platform updates older than `moment`."""
        await self.session.exec(
            delete(ProcessedUpdate).where(col(ProcessedUpdate.seen_at) < moment)
        )

    async def ticket_count(self) -> int:
        """How many tickets exist."""
        return int((await self.session.exec(select(func.count()).select_from(Ticket))).one())

    # outbox -----------------------------------------------------------------------------------
    async def due_messages(self, now: datetime, limit: int = 50) -> Sequence[Outbox]:
        """Undelivered notifications whose attempt time has come, oldest first."""
        statement = (
            select(Outbox)
            .where(Outbox.status == "pending", col(Outbox.next_attempt_at) <= now)
            .order_by(col(Outbox.id))
            .limit(limit)
        )
        return (await self.session.exec(statement)).all()

    async def messages_for_ticket(self, ticket_id: int) -> Sequence[Outbox]:
        """Every notification about a ticket, for its delivery record."""
        statement = select(Outbox).where(Outbox.ticket_id == ticket_id).order_by(col(Outbox.id))
        return (await self.session.exec(statement)).all()

    async def notification_answered(
        self, person_id: int, chat_id: str, message_id: str
    ) -> Outbox | None:
        """The notification to this person that was delivered as this chat message."""
        statement = select(Outbox).where(
            Outbox.person_id == person_id,
            Outbox.sent_chat_id == chat_id,
            Outbox.sent_message_id == message_id,
        )
        return (await self.session.exec(statement)).first()

    async def ticket_cards(self, ticket_id: int) -> Sequence[Outbox]:
        """The leaders' cards of a ticket (not their edits), oldest first."""
        statement = select(Outbox).where(
            Outbox.ticket_id == ticket_id,
            col(Outbox.card).is_(True),
            col(Outbox.edit_of).is_(None),
        )
        return (await self.session.exec(statement.order_by(col(Outbox.id)))).all()

    async def forget_message(self, message_id: int) -> None:
        """Drop an outbox row that has nothing left to deliver."""
        row = await self.session.get(Outbox, message_id)
        if row is not None:
            await self.session.delete(row)

    async def outbox_message(self, message_id: int) -> Outbox | None:
        """One outbox row."""
        return await self.session.get(Outbox, message_id)

    async def release_waiting(self, person_id: int, now: datetime) -> int:
        """Notifications that waited for this person to write are due now; how many."""
        statement = (
            update(Outbox)
            .where(col(Outbox.person_id) == person_id, col(Outbox.status) == "waiting")
            .values(status="pending", next_attempt_at=now)
        )
        result = await self.session.exec(statement)
        return int(result.rowcount or 0)

    # questions asked without buttons ------------------------------------------------------------
    async def prompt(self, platform: str, chat_id: str) -> Prompt | None:
        """The newest numbered question asked in a chat."""
        return await self.session.get(Prompt, (platform, chat_id))

    async def ask(self, platform: str, chat_id: str, options: list[str], now: datetime) -> None:
        """Remember a numbered question (it replaces the one before); no options forget it."""
        prompt = await self.prompt(platform, chat_id)
        if not options:
            if prompt is not None:
                await self.session.delete(prompt)
            return
        prompt = prompt or Prompt(platform=platform, chat_id=chat_id)
        prompt.options, prompt.asked_at = options, now
        self.add(prompt)


class Database:
    """The engine and the way to open a unit of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)

    @classmethod
    async def open(cls, url: str, migrate: bool = True) -> Database:
        """Connect and (by default) apply migrations."""
        database = cls(create_engine(url))
        if migrate:
            await upgrade(database.engine)
        return database

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Store]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        async with self._sessions() as session, session.begin():
            yield Store(session)

    async def ping(self) -> bool:
        """Whether the database answers."""
        try:
            async with self._sessions() as session:
                await session.exec(select(1))
            return True
        except Exception:
            return False

    async def close(self) -> None:
        """Release connections."""
        await self.engine.dispose()

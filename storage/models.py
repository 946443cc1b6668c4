"""Tables: roster (grids, buildings, households, people, roles, chats), tickets, events, outbox.

Times are stored in UTC and come back timezone-aware; the display zone is the front ends' job.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, PostgreSQL does)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: gridbot stores aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def _time(nullable: bool = False, index: bool = False) -> Any:
    """A UTC timestamp column."""
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Community(SQLModel, table=True):
    """The deployment's community (社区); one row."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    street: str = ""
    district: str = ""


class Grid(SQLModel, table=True):
    """A grid (网格) of about 300 households; its leader is a RoleGrant."""

    id: str = Field(primary_key=True)
    name: str


class Building(SQLModel, table=True):
    """A building; ids are unique within the community. Its leader (楼栋长) is a RoleGrant."""

    id: str = Field(primary_key=True)
    grid_id: str = Field(foreign_key="grid.id", index=True)


class Household(SQLModel, table=True):
    """One flat: building, unit (may be empty) and room, with its floor area."""

    __table_args__ = (UniqueConstraint("building_id", "unit", "room"),)
    id: int | None = Field(default=None, primary_key=True)
    building_id: str = Field(foreign_key="building.id", index=True)
    unit: str = ""
    room: str
    area_m2: float = 0.0


class Person(SQLModel, table=True):
    """A resident, leader or staff member; linked to platforms through Identity rows."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    phone: str | None = Field(default=None, index=True)
    household_id: int | None = Field(default=None, foreign_key="household.id", index=True)
    owner: bool = True
    confirmed: bool = True  # imported people are confirmed; self-registered ones wait for a leader
    language: str = "zh-CN"
    last_platform: str | None = None


class Identity(SQLModel, table=True):
    """(platform, user id) -> person: Telegram id, WeChat OpenID, WeCom UserID, console name."""

    platform: str = Field(primary_key=True)
    external_id: str = Field(primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    private_chat: bool = False  # the person has opened a private chat with the bot
    last_inbound_at: datetime | None = _time(nullable=True)  # opens WeChat's 48-hour window


class RoleGrant(SQLModel, table=True):
    """A role with a scope: grid_leader of G01, building_leader of 29, staff of the community."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str  # grid_leader | building_leader | staff | liaison
    scope_kind: str  # grid | building | community | department
    scope_id: str = ""
    title: str = ""


class Department(SQLModel, table=True):
    """A functional department (level 3), with the categories it answers for and a liaison."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    liaison_id: int | None = Field(default=None, foreign_key="person.id")


class Chat(SQLModel, table=True):
    """A group chat bound to a grid or a building."""

    platform: str = Field(primary_key=True)
    chat_id: str = Field(primary_key=True)
    scope_kind: str  # grid | building
    scope_id: str


class Ticket(SQLModel, table=True):
    """A reported problem; its number (#N) is the primary key, one sequence per deployment."""

    __table_args__ = (Index("ix_ticket_open_category", "grid_id", "category", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    category: str
    text: str
    state: str = Field(default="new", index=True)
    level: int = 1
    urgent: bool = False
    grid_id: str | None = Field(default=None, foreign_key="grid.id")
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    reporter_id: int = Field(foreign_key="person.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    source_platform: str = ""
    source_chat_id: str = ""
    source_message_id: str = ""
    rating: str | None = None
    created_at: datetime = _time()
    level_since: datetime = _time()
    acknowledged_at: datetime | None = _time(nullable=True)
    resolved_at: datetime | None = _time(nullable=True)
    closed_at: datetime | None = _time(nullable=True)
    next_check_at: datetime | None = _time(nullable=True, index=True)


class TicketPhoto(SQLModel, table=True):
    """A photo of a ticket, kept in the media store (path relative to GRIDBOT_MEDIA_DIR)."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    path: str
    added_by: int | None = Field(default=None, foreign_key="person.id")
    added_at: datetime = _time()


class Follower(SQLModel, table=True):
    """A neighbour who reported the same problem and gets every update."""

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    text: str = ""
    joined_at: datetime = _time()


class TicketEvent(SQLModel, table=True):
    """One step in a ticket's trail (一事一记): append-only."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = _time()
    actor_id: int | None = Field(default=None, foreign_key="person.id")  # None: the system clock
    action: str
    note: str = ""
    from_state: str = ""
    to_state: str = ""
    level: int = 1


class Outbox(SQLModel, table=True):
    """A notification to deliver, written in the same transaction as the change it announces."""

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _time()
    person_id: int | None = Field(default=None, foreign_key="person.id")
    platform: str | None = None  # group-chat target, when person_id is None
    chat_id: str | None = None
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    poll_id: int | None = Field(default=None, foreign_key="poll.id", index=True)
    text: str
    buttons: list[list[dict[str, str]]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    group_text: str = ""  # what may be said in the group if a private message cannot be sent
    # waiting: until the person writes again (WeChat's 48-hour window had closed)
    status: str = "pending"  # pending | waiting | delivered | fell_back | failed
    attempts: int = 0
    next_attempt_at: datetime = _time()
    delivered_at: datetime | None = _time(nullable=True)
    last_error: str = ""
    sent_chat_id: str = ""  # where and as which message it was delivered: a reply to it
    sent_message_id: str = Field(default="", index=True)  # (进度 by replying) finds the ticket
    card: bool = False  # a leader's ticket card: kept showing the ticket's state by edits
    edit_of: int | None = None  # the card (an outbox row) whose message this one replaces
    pin: bool = False  # a group announcement: pinned where the bot has the right


class PendingReport(SQLModel, table=True):
    """A `maybe` message waiting for its sender to confirm it is a report."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    category: str
    text: str
    urgent: bool = False
    location: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    photos: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    platform: str = ""
    chat_id: str = ""
    chat_kind: str = "private"
    message_id: str = ""
    created_at: datetime = _time()
    answered: bool = False


class ProcessedUpdate(SQLModel, table=True):
    """A platform update already handled (webhook retries and restarts repeat updates)."""

    platform: str = Field(primary_key=True)
    update_id: str = Field(primary_key=True)
    seen_at: datetime = _time(index=True)


class Prompt(SQLModel, table=True):
    """The newest question the bot asked in a chat without buttons: what each number answers."""

    platform: str = Field(primary_key=True)
    chat_id: str = Field(primary_key=True)
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    asked_at: datetime = _time()


class PendingRegistration(SQLModel, table=True):
    """A person's claim to live in a household, waiting for a leader to confirm it."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    household_id: int = Field(foreign_key="household.id")
    created_at: datetime = _time()
    decided: bool = False


# building decisions (表决) ------------------------------------------------------------------
class Poll(SQLModel, table=True):
    """A building decision: question, options, rule and scope; its electorate is kept with it."""

    __table_args__ = (Index("ix_poll_due", "state", "closes_at"),)
    id: int | None = Field(default=None, primary_key=True)
    question: str
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rule: str  # handlers.rules.voting.Rule
    approve_option: int | None = None  # 0-based; None for plurality
    oppose_option: int | None = None
    scope_kind: str  # building | grid | community
    scope_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    native: bool = False  # a Telegram native poll rather than a keyboard ballot
    state: str = "open"  # open | closed | cancelled
    created_by: int = Field(foreign_key="person.id")
    created_at: datetime = _time()
    closes_at: datetime = _time()
    remind_at: datetime | None = _time(nullable=True, index=True)  # None once reminded
    closed_at: datetime | None = _time(nullable=True)
    closed_by: int | None = Field(default=None, foreign_key="person.id")  # None: the clock
    reason: str = ""  # why it was closed early or cancelled
    passed: bool | None = None
    origin_platform: str = ""
    origin_chat_id: str = ""


class PollVoter(SQLModel, table=True):
    """A household of a poll's electorate, as the roster had it when the poll opened."""

    poll_id: int = Field(foreign_key="poll.id", primary_key=True)
    household_id: int = Field(foreign_key="household.id", primary_key=True)
    building_id: str
    unit: str = ""
    room: str
    area_m2: float = 0.0


class PollVote(SQLModel, table=True):
    """The vote that counts for a household: the last one cast by any of its residents."""

    poll_id: int = Field(foreign_key="poll.id", primary_key=True)
    household_id: int = Field(foreign_key="household.id", primary_key=True)
    option: int
    person_id: int | None = Field(default=None, foreign_key="person.id")  # who cast it
    recorded_by: int | None = Field(default=None, foreign_key="person.id")  # paper: the leader
    at: datetime = _time()


class PollEvent(SQLModel, table=True):
    """One step in a poll's trail: opened, every vote cast or changed, reminders, the close."""

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id", index=True)
    at: datetime = _time()
    actor_id: int | None = Field(default=None, foreign_key="person.id")  # None: the clock
    action: str  # open | vote | change | paper | remind | close | cancel
    household_id: int | None = Field(default=None, foreign_key="household.id")
    option: int | None = None
    note: str = ""


class PollMessage(SQLModel, table=True):
    """A ballot posted in a chat: the message to edit with live counts, or a native poll."""

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id", index=True)
    platform: str
    chat_id: str
    kind: str = "ballot"  # ballot (buttons, counts edited in) | native (a platform poll)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")  # the announcement
    message_id: str = ""
    native_poll_id: str = Field(default="", index=True)  # Telegram's poll id, for answers
    shown: str = ""  # the counts the message shows now; an edit is due when they differ
    edited_at: datetime | None = _time(nullable=True)
    pinned: bool = False
    stopped: bool = False  # closed on the platform: buttons removed, native poll stopped


class PollDraft(SQLModel, table=True):
    """A poll being built step by step with buttons (question, options, scope, time, rule)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    platform: str
    chat_id: str
    step: str = "question"  # question | options | scope | duration | rule | confirm | done
    fields: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _time()

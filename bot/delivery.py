"""The outbox sender: the one place where notifications leave, with retries and fallbacks.

Rows are leased before sending, so a crash between the platform's acceptance and the record of
it repeats that one message after the lease; a crash anywhere else loses and repeats nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from handlers.messages import Buttons, buttons_from_json
from handlers.ports import Clock
from storage.models import Outbox
from storage.repository import Database, Store

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 10
IN_FLIGHT = 8  # recipients served at once: enough to keep up with Telegram's 30 a second
PLATFORM_ORDER = ("telegram", "wecom", "wechat", "console")


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a front end is asked to send: text and buttons to one chat."""

    chat_id: str
    text: str
    buttons: Buttons = ()
    invite: str = ""  # a start payload: the front end adds its way into a private chat
    mention: Mention | None = None  # whom the text opens with: the front end notifies them


@dataclass(frozen=True, slots=True)
class Mention:
    """A person named at the start of a group message, by their id on that platform."""

    user_id: str
    name: str


class Unreachable(Exception):
    """The person cannot be written to privately (e.g. Telegram's 403: never opened a chat)."""


class Waiting(Exception):
    """The platform takes nothing for this person until they write again (WeChat's 48-hour
    window): the row waits, and goes out when they do."""


class TemporaryFailure(Exception):
    """Try again later; `retry_after` seconds when the platform said (HTTP 429)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Frontend(Protocol):
    """A chat platform's sending side."""

    platform: str

    async def send(self, delivery: Delivery) -> str:
        """Send one message and return its id on the platform; raise Unreachable or
        TemporaryFailure (other errors are logged and retried like temporary ones)."""
        ...


@runtime_checkable
class Editor(Protocol):
    """A front end that can replace a message it sent (a leader's ticket card)."""

    async def edit(self, delivery: Delivery, message_id: str) -> str:
        """Replace the message's text and buttons; the id of the message now showing them
        (a new one when the old cannot be edited any more)."""
        ...


@runtime_checkable
class Pinner(Protocol):
    """A front end that can pin a message it sent in a group (announcements)."""

    async def pin(self, chat_id: str, message_id: str) -> bool:
        """Pin it; False when the bot may not pin there (never raises for that)."""
        ...


class Sender:
    """Delivers due outbox rows through the configured front ends."""

    def __init__(self, database: Database, frontends: Sequence[Frontend], clock: Clock) -> None:
        self.database = database
        self.frontends = {f.platform: f for f in frontends}
        self.clock = clock
        self.alive_at: datetime | None = None

    def add_frontend(self, frontend: Frontend) -> None:
        """A front end that started after the sender was built (it needs the router)."""
        self.frontends[frontend.platform] = frontend

    async def deliver_due(self, limit: int = 50) -> int:
        """One pass: lease the due rows, send each, record each outcome. Returns rows handled.

        Recipients are served side by side (the front ends' rate limiters set the pace), each
        recipient's rows one after the other, in the order they were queued."""
        now = self.clock.now()
        self.alive_at = now
        if not self.frontends:
            return 0  # nothing can deliver yet: rows wait, pending, for a platform
        async with self.database.unit() as store:
            rows = list(await store.due_messages(now, limit))
            for row in rows:
                row.next_attempt_at = now + LEASE
                store.add(row)
        by_recipient: dict[tuple[object, ...], list[Outbox]] = defaultdict(list)
        for row in rows:
            by_recipient[(row.person_id, row.platform, row.chat_id)].append(row)
        slots = asyncio.Semaphore(IN_FLIGHT)

        async def in_order(queue: list[Outbox]) -> None:
            async with slots:
                for row in queue:
                    await self._deliver(row)

        await asyncio.gather(*(in_order(queue) for queue in by_recipient.values()))
        return len(rows)

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Deliver until told to stop; an error in one pass is logged and the next pass runs."""
        while not stop.is_set():
            try:
                handled = await self.deliver_due()
            except Exception:
                log.exception("outbox pass failed")
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _deliver(self, row: Outbox) -> None:
        """Send one row and record delivered, fell back, retry later or failed."""
        buttons = buttons_from_json(row.buttons)
        status, error, retry_after = "delivered", "", None
        sent: tuple[str, str] = ("", "")
        try:
            async with self.database.unit() as store:
                target = await self._private_target(store, row)
                card = await store.outbox_message(row.edit_of) if row.edit_of else None
                if row.edit_of and not (target and isinstance(self.frontends[target[0]], Editor)):
                    # an update of a card where messages cannot be edited: nothing to send
                    await store.forget_message(row.id or 0)
                    return
            if target is not None:
                try:
                    frontend = self.frontends[target[0]]
                    delivery = Delivery(target[1], row.text, buttons)
                    if (
                        card is not None
                        and card.sent_chat_id == target[1]
                        and card.sent_message_id
                        and isinstance(frontend, Editor)
                    ):
                        message_id = await frontend.edit(delivery, card.sent_message_id)
                    else:
                        message_id = await frontend.send(delivery)
                    sent = (target[1], message_id)
                    if row.pin and row.person_id is None:
                        error = await self._pin(frontend, target[1], message_id)
                except Unreachable:
                    target = None
            if target is None:
                async with self.database.unit() as store:  # only now: most rows go privately
                    group = await self._group_target(store, row)
                    mention = await self._mention(store, row, group[0]) if group else None
                if group is None:
                    raise Unreachable("no private chat and no group chat to fall back to")
                invite = f"t{row.ticket_id}" if row.ticket_id else "start"
                await self.frontends[group[0]].send(
                    Delivery(group[1], row.group_text, invite=invite, mention=mention)
                )
                status = "fell_back" if row.person_id is not None else "delivered"
        except Waiting as exc:
            status, error = "waiting", str(exc)
        except TemporaryFailure as exc:
            status, error, retry_after = "pending", str(exc), exc.retry_after
        except Unreachable as exc:
            status, error = "failed", str(exc)
        except Exception as exc:  # a front end's unexpected error: retry, it may pass
            log.exception("delivery of outbox row %s failed", row.id)
            status, error = "pending", f"{type(exc).__name__}: {exc}"
        await self._record(row.id or 0, status, error, retry_after, sent)

    @staticmethod
    async def _pin(frontend: Frontend, chat_id: str, message_id: str) -> str:
        """Pin an announcement where the front end and the bot's rights allow; what to note."""
        if isinstance(frontend, Pinner) and await frontend.pin(chat_id, message_id):
            return ""
        return "sent, not pinned: the bot may not pin in this chat"

    async def _record(
        self,
        row_id: int,
        status: str,
        error: str,
        retry_after: float | None,
        sent: tuple[str, str] = ("", ""),
    ) -> None:
        """Store the outcome; a retry waits longer each time, up to MAX_ATTEMPTS."""
        now = self.clock.now()
        async with self.database.unit() as store:
            row = await store.outbox_message(row_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = error[:500]
            if status == "pending":
                if row.attempts >= MAX_ATTEMPTS:
                    status = "failed"
                else:
                    wait = (
                        retry_after if retry_after is not None else min(5 * 2**row.attempts, 3600)
                    )
                    row.next_attempt_at = now + timedelta(seconds=wait)
            row.status = status
            row.sent_chat_id, row.sent_message_id = sent
            if status in ("delivered", "fell_back"):
                row.delivered_at = now
            store.add(row)
            card = await store.outbox_message(row.edit_of) if row.edit_of and sent[1] else None
            if card is not None and (card.sent_chat_id, card.sent_message_id) != sent:
                card.sent_chat_id, card.sent_message_id = sent  # later edits go to the new one
                store.add(card)

    async def _private_target(self, store: Store, row: Outbox) -> tuple[str, str] | None:
        """(platform, chat id) to write a person privately: where they last wrote, else the
        first of telegram, wecom, wechat that the roster gives them."""
        if row.person_id is None:
            return (
                (row.platform, row.chat_id)
                if row.platform and row.chat_id and row.platform in self.frontends
                else None
            )
        person = await store.person(row.person_id)
        identities = {
            i.platform: i
            for i in await store.identities(row.person_id)
            if i.platform in self.frontends
        }
        order = [person.last_platform] if person and person.last_platform else []
        for platform in [*order, *PLATFORM_ORDER, *sorted(identities)]:
            identity = identities.get(platform or "")
            if identity is not None:
                return identity.platform, identity.external_id
        return None

    @staticmethod
    async def _mention(store: Store, row: Outbox, platform: str) -> Mention | None:
        """The person a group text opens with ("吕新安，工单 #1 …"), if that platform knows them."""
        person = await store.person(row.person_id) if row.person_id else None
        if person is None or not row.group_text.startswith(person.name):
            return None
        for identity in await store.identities(person.id or 0):
            if identity.platform == platform:
                return Mention(identity.external_id, person.name)
        return None

    async def _group_target(self, store: Store, row: Outbox) -> tuple[str, str] | None:
        """A group chat where a person can be told that there is news: their building's, else
        the ticket's grid's (a leader's card: the grid's first). Only rows with a group text
        may fall back (the others are private through and through); poll notices never do: the
        group gets its own count."""
        if row.person_id is None or row.poll_id is not None or not row.group_text:
            return None
        scopes: list[tuple[str, str]] = []
        person = await store.person(row.person_id)
        if person and person.household_id:
            household = await store.household(person.household_id)
            if household:
                scopes.append(("building", household.building_id))
        if row.ticket_id:
            ticket = await store.ticket(row.ticket_id)
            if ticket and ticket.building:
                scopes.append(("building", ticket.building))
            if ticket and ticket.grid_id:
                scopes.insert(0 if row.card else len(scopes), ("grid", ticket.grid_id))
        for kind, scope_id in scopes:
            for chat in await store.chats_for(kind, scope_id):
                if chat.platform in self.frontends:
                    return chat.platform, chat.chat_id
        return None

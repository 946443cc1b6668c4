"""The outbox sender: the one place where notifications leave, with retries and fallbacks.

Rows are leased before sending, so a crash between the platform's acceptance and the record of
it repeats that one message after the lease; a crash anywhere else loses and repeats nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from handlers.messages import Button
from handlers.ports import Clock
from storage.models import Outbox
from storage.repository import Database, Store

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 10
PLATFORM_ORDER = ("telegram", "wecom", "wechat", "console")


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a front end is asked to send: text and buttons to one chat."""

    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()


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
        """One pass: lease the due rows, send each, record each outcome. Returns rows handled."""
        now = self.clock.now()
        self.alive_at = now
        if not self.frontends:
            return 0  # nothing can deliver yet: rows wait, pending, for a platform
        async with self.database.unit() as store:
            rows = list(await store.due_messages(now, limit))
            for row in rows:
                row.next_attempt_at = now + LEASE
                store.add(row)
        for row in rows:
            await self._deliver(row)
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
        buttons = tuple(tuple(Button(b["label"], b["data"]) for b in line) for line in row.buttons)
        status, error, retry_after = "delivered", "", None
        sent: tuple[str, str] = ("", "")
        try:
            async with self.database.unit() as store:
                target = await self._private_target(store, row)
                group = await self._group_target(store, row)
            if target is not None:
                try:
                    message_id = await self.frontends[target[0]].send(
                        Delivery(target[1], row.text, buttons)
                    )
                    sent = (target[1], message_id)
                except Unreachable:
                    target = None
            if target is None:
                if group is None:
                    raise Unreachable("no private chat and no group chat to fall back to")
                text = row.group_text or row.text
                await self.frontends[group[0]].send(Delivery(group[1], text))
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

    async def _group_target(self, store: Store, row: Outbox) -> tuple[str, str] | None:
        """A group chat where a person can be told that there is news: their building's, else
        the ticket's grid's. Poll notices never fall back: the group gets its own count."""
        if row.person_id is None or row.poll_id is not None:
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
                scopes.append(("grid", ticket.grid_id))
        for kind, scope_id in scopes:
            for chat in await store.chats_for(kind, scope_id):
                if chat.platform in self.frontends:
                    return chat.platform, chat.chat_id
        return None

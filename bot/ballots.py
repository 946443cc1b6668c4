"""Keeps posted ballots in step with the votes: live counts edited into keyboard ballots (at
most one edit per ballot every EDIT_INTERVAL, so a busy vote stays within a group's message
limits), native polls posted after their announcement and stopped at the close, the
announcement pinned where the bot may pin.

Announcements themselves go through the outbox; this worker only edits, pins and (for native
polls) posts the poll under them. Its work is found from rows (PollMessage), so a restart
resumes it; a front end without these abilities simply keeps the ballot as it was sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Protocol, runtime_checkable

from handlers.messages import Buttons
from handlers.polls import GROUP_LANGUAGE, PollDesk
from handlers.ports import Clock
from handlers.texts import text
from storage.models import Outbox, Poll, PollMessage
from storage.repository import Database

log = logging.getLogger(__name__)
EDIT_INTERVAL = timedelta(seconds=6)  # ≤ 10 edits a minute per ballot; a group allows 20


@runtime_checkable
class BallotFrontend(Protocol):
    """A front end that can edit its messages, pin them and run native polls."""

    platform: str

    async def edit_ballot(self, chat_id: str, message_id: str, text: str, buttons: Buttons) -> None:
        """Replace a sent message's text and buttons (no buttons: remove them)."""
        ...

    async def send_native_poll(
        self, chat_id: str, question: str, options: Sequence[str]
    ) -> tuple[str, str]:
        """Post a non-anonymous poll; (message id, the platform's poll id)."""
        ...

    async def stop_native_poll(self, chat_id: str, message_id: str) -> None:
        """Close a native poll so nobody can answer any more."""
        ...

    async def pin(self, chat_id: str, message_id: str) -> bool:
        """Pin a message quietly; False when the bot may not pin there."""
        ...


class BallotBoard:
    """Edits, pins, posts and stops the ballots of every poll."""

    def __init__(self, database: Database, frontends: Mapping[str, object], clock: Clock) -> None:
        self.database = database
        self.frontends = frontends  # the sender's, so front ends added later are seen too
        self.clock = clock

    async def refresh(self) -> int:
        """One pass over every ballot not yet stopped; returns how many changed."""
        async with self.database.unit() as store:
            live = list(await store.polls.live_messages())
            counts = {poll.id: await store.polls.counts(poll.id or 0) for _, poll, _ in live}
        changed = 0
        for message, poll, announcement in live:
            frontend = self.frontends.get(message.platform)
            if not isinstance(frontend, BallotFrontend):
                continue
            try:
                changed += await self._step(frontend, message, poll, announcement, counts[poll.id])
            except Exception:  # one chat's trouble never holds the other ballots back
                log.exception("ballot of poll %s in chat %s not updated", poll.id, message.chat_id)
        return changed

    async def run(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Refresh until told to stop; a failed pass is logged and the next one runs."""
        while not stop.is_set():
            try:
                await self.refresh()
            except Exception:
                log.exception("ballot pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def _step(
        self,
        frontend: BallotFrontend,
        message: PollMessage,
        poll: Poll,
        announcement: Outbox | None,
        counts: dict[int, int],
    ) -> int:
        """Do what this ballot needs now: post, pin, edit, or stop it."""
        if announcement is None or announcement.status == "failed":
            return await self._save(message, {"stopped": True})  # nothing to keep live there
        if announcement.status != "delivered":
            return 0  # the announcement comes first; the ballot waits for it
        now = self.clock.now()
        update: dict[str, object] = {}
        if not message.message_id:
            if poll.state != "open":
                update["stopped"] = True
            elif message.kind == "native":
                message_id, native_id = await frontend.send_native_poll(
                    message.chat_id, poll.question, poll.options
                )
                update |= {"message_id": message_id, "native_poll_id": native_id}
            else:
                update["message_id"] = announcement.sent_message_id
            if update.get("message_id"):
                update["pinned"] = await frontend.pin(message.chat_id, str(update["message_id"]))
        elif poll.state != "open":
            if message.kind == "native":
                await frontend.stop_native_poll(message.chat_id, message.message_id)
            else:
                closed = text(GROUP_LANGUAGE, "poll.ballot_closed", n=poll.id)
                await frontend.edit_ballot(
                    message.chat_id, message.message_id, f"{announcement.text}\n{closed}", ()
                )
            update["stopped"] = True
        elif message.kind == "ballot":
            shown = ",".join(str(counts.get(i, 0)) for i in range(len(poll.options)))
            due = message.edited_at is None or now - message.edited_at >= EDIT_INTERVAL
            if shown != (message.shown or ",".join("0" * len(poll.options))) and due:
                await frontend.edit_ballot(
                    message.chat_id,
                    message.message_id,
                    announcement.text,
                    PollDesk.ballot(poll, GROUP_LANGUAGE, counts),
                )
                update |= {"shown": shown, "edited_at": now}
        return await self._save(message, update)

    async def _save(self, message: PollMessage, update: dict[str, object]) -> int:
        """Record what was done to a ballot; 1 if anything was."""
        if not update:
            return 0
        async with self.database.unit() as store:
            row = await store.session.get(PollMessage, message.id)
            if row is not None:
                for name, value in update.items():
                    setattr(row, name, value)
                store.add(row)
        return 1

"""Clock ticks drive the handlers: SLA escalation, reminders and unrated closes; polls'
reminders and closes.

Work is found from due rows in the database, so a restart picks up whatever came due meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from handlers.polls import PollDesk
from handlers.ports import Clock
from handlers.tickets import TicketDesk
from storage.repository import Database

log = logging.getLogger(__name__)


class Scheduler:
    """Runs the ticket desk's clock steps periodically."""

    def __init__(self, database: Database, desk: TicketDesk, clock: Clock) -> None:
        self.database = database
        self.desk = desk
        self.clock = clock
        self.polls = PollDesk(desk.zone)

    async def tick(self) -> int:
        """Apply every step that is due now; returns how many."""
        async with self.database.unit() as store:
            steps = await self.desk.tick(store, self.clock.now())
        async with self.database.unit() as store:  # a failing poll never holds tickets back
            return steps + await self.polls.tick(store, self.clock.now())

    async def run(self, stop: asyncio.Event, interval: float = 30.0) -> None:
        """Tick until told to stop; a failed tick is logged and retried at the next one."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("scheduler tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

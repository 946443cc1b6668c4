"""A rate limiter for one platform's sending limits: overall, per chat, and per group chat.

Telegram's limits, for example: about 30 messages a second overall, one a second per chat and
twenty a minute per group. Waiting, never dropping: a send that would break a limit sleeps.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Minimum spacing and window limits, in seconds and counts."""

    overall_per_second: float = 30.0
    per_chat_interval: float = 1.0
    group_per_minute: int = 20


class RateLimiter:
    """Reserves a sending slot for a chat, waiting as long as the limits require."""

    def __init__(
        self,
        limits: Limits,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        self._gate = asyncio.Lock()  # senders pass one at a time, each taking its slot
        self._in_chat: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)  # keeps chat order
        self._last_overall = float("-inf")
        self._last_in_chat: dict[str, float] = defaultdict(lambda: float("-inf"))
        self._group_sends: dict[str, deque[float]] = defaultdict(deque)

    def _ready(self, chat_id: str, group: bool, now: float) -> float:
        """When the chat's own limits let the next message go, from the real sends so far."""
        ready = self._last_in_chat[chat_id] + self.limits.per_chat_interval
        if group:
            sent = self._group_sends[chat_id]
            while sent and sent[0] <= now - 60:
                sent.popleft()
            if len(sent) >= self.limits.group_per_minute:
                ready = max(ready, sent[0] + 60)
        return ready

    async def wait(self, chat_id: str, group: bool) -> None:
        """Return when a message to `chat_id` may be sent; the slot is then taken.

        Every limit counts from the moments senders really went (not from planned ones), so
        an event loop that stalled never releases a burst of catch-up sends, which Telegram
        would answer with 429. A chat that must wait does so outside the gate; messages to one
        chat leave in the order they asked."""
        async with self._in_chat[chat_id]:
            while True:
                async with self._gate:
                    ready = self._ready(chat_id, group, self.clock())
                    if ready <= self.clock():
                        await self._until(self._last_overall + 1 / self.limits.overall_per_second)
                        now = self.clock()
                        self._last_overall = self._last_in_chat[chat_id] = now
                        if group:
                            self._group_sends[chat_id].append(now)
                        return
                await self._until(ready)

    async def _until(self, moment: float) -> None:
        """Sleep until a moment of the clock (not at all when it has passed)."""
        delay = moment - self.clock()
        if delay > 0:
            await self.sleep(delay)

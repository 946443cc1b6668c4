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
        self._lock = asyncio.Lock()
        self._next_overall = 0.0
        self._next_in_chat: dict[str, float] = defaultdict(float)
        self._group_sends: dict[str, deque[float]] = defaultdict(deque)

    def _slot(self, chat_id: str, group: bool, now: float) -> float:
        """The earliest moment a message to this chat may leave."""
        moment = max(now, self._next_overall, self._next_in_chat[chat_id])
        if group:
            sent = self._group_sends[chat_id]
            while sent and sent[0] <= moment - 60:
                sent.popleft()
            if len(sent) >= self.limits.group_per_minute:
                moment = max(moment, sent[0] + 60)
        return moment

    async def wait(self, chat_id: str, group: bool) -> None:
        """Return when a message to `chat_id` may be sent; the slot is then taken."""
        async with self._lock:
            moment = self._slot(chat_id, group, self.clock())
            self._next_overall = moment + 1 / self.limits.overall_per_second
            self._next_in_chat[chat_id] = moment + self.limits.per_chat_interval
            if group:
                self._group_sends[chat_id].append(moment)
        delay = moment - self.clock()
        if delay > 0:
            await self.sleep(delay)

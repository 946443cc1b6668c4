"""Each platform update is handled once, though webhooks retry and restarts repeat them.

The first claim of an update id wins; later claims are told it was seen. Redis when
GRIDBOT_REDIS_URL is set (shared by every worker), else a table in the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from redis.asyncio import Redis

if TYPE_CHECKING:
    from bot.app import App
from sqlalchemy.exc import IntegrityError

from handlers.ports import Clock
from storage.models import ProcessedUpdate
from storage.repository import Database

KEEP = timedelta(days=2)  # platforms stop retrying long before this


class UpdateLog(Protocol):
    """Remembers which updates were handled."""

    async def claim(self, platform: str, update_id: str) -> bool:
        """True the first time an update is claimed, False for a repeat."""
        ...


class DatabaseUpdateLog:
    """Claims as rows of `processedupdate` (the primary key refuses a second claim)."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock
        self._last_sweep: datetime | None = None

    async def claim(self, platform: str, update_id: str) -> bool:
        """Insert the claim; a duplicate key means the update was handled already."""
        now = self.clock.now()
        try:
            async with self.database.unit() as store:
                store.add(ProcessedUpdate(platform=platform, update_id=update_id, seen_at=now))
        except IntegrityError:
            return False
        if self._last_sweep is None or now - self._last_sweep > KEEP / 48:
            self._last_sweep = now
            async with self.database.unit() as store:
                await store.forget_updates_before(now - KEEP)
        return True


class RedisUpdateLog:
    """Claims as Redis keys with an expiry: SET NX is atomic across workers."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def claim(self, platform: str, update_id: str) -> bool:
        """SET gridbot:update:<platform>:<id> NX EX <two days>."""
        key = f"gridbot:update:{platform}:{update_id}"
        return bool(await self.redis.set(key, "1", nx=True, ex=int(KEEP.total_seconds())))


def update_log(app: App) -> UpdateLog:
    """Redis when configured (shared by every worker), else the database."""
    if app.settings.redis_url:
        return RedisUpdateLog(Redis.from_url(app.settings.redis_url))
    return DatabaseUpdateLog(app.database, app.clock)

"""The rate limiter spaces sends per chat, per group and overall; the update log claims once."""

from __future__ import annotations

import asyncio
import itertools
import os
import time

import pytest

from bot.dedup import DatabaseUpdateLog, RedisUpdateLog
from bot.ratelimit import Limits, RateLimiter
from handlers.ports import ManualClock
from storage.repository import Database
from tests.conftest import service_url, unavailable


class FakeTime:
    """A monotonic clock that sleeping moves forward."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_limits_are_kept_without_dropping_anything() -> None:
    time = FakeTime()
    limiter = RateLimiter(
        Limits(overall_per_second=10, per_chat_interval=1.0, group_per_minute=3),
        clock=time.clock,
        sleep=time.sleep,
    )
    moments = []
    for _ in range(3):
        await limiter.wait("alice", group=False)
        moments.append(time.now)
    assert moments == [0.0, 1.0, 2.0]  # one a second in a chat
    await limiter.wait("bob", group=False)
    assert time.now == pytest.approx(2.1)  # overall spacing only
    group_moments = []
    for _ in range(4):
        await limiter.wait("-100", group=True)
        group_moments.append(time.now)
    assert group_moments[3] - group_moments[0] >= 60  # the fourth waits for the minute


async def test_database_update_log_claims_once(sqlite_database: Database) -> None:
    log = DatabaseUpdateLog(sqlite_database, ManualClock())
    assert await log.claim("telegram", "1") is True
    assert await log.claim("telegram", "1") is False
    assert await log.claim("wechat", "1") is True


async def test_redis_update_log_claims_once() -> None:
    from redis.asyncio import Redis

    url = service_url("GRIDBOT_TEST_REDIS_URL", "Redis")
    redis = Redis.from_url(url)
    try:
        await redis.ping()
    except OSError as exc:
        unavailable(f"Redis at {url} is unreachable: {exc}")
    key = f"test-{os.getpid()}"
    try:
        log = RedisUpdateLog(redis)
        assert await log.claim("telegram", key) is True
        assert await log.claim("telegram", key) is False
        assert 0 < await redis.ttl(f"gridbot:update:telegram:{key}") <= 2 * 86400
    finally:
        await redis.delete(f"gridbot:update:telegram:{key}")
        await redis.aclose()


async def test_a_stalled_loop_releases_no_burst() -> None:
    limiter = RateLimiter(Limits(overall_per_second=20, per_chat_interval=1.0))
    passed: list[float] = []

    async def send(chat: str) -> None:
        await limiter.wait(chat, group=False)
        passed.append(time.monotonic())

    senders = [asyncio.create_task(send(f"chat{i}")) for i in range(8)]
    await asyncio.sleep(0.01)
    time.sleep(0.3)  # the event loop stalls (a slow step elsewhere) while senders wait
    await asyncio.gather(*senders)
    gaps = [later - earlier for earlier, later in itertools.pairwise(sorted(passed))]
    assert min(gaps) >= 0.8 / 20  # still spaced after the stall: no catch-up burst

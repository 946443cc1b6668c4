"""The WeChat / WeCom API client: tokens fetched once for every worker, renewed once when
stale, every call at the configured root; the settings that switch the platforms on."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import ValidationError
from redis.asyncio import Redis

from bot.adapters.wechat.api import Api, ApiError, TokenRequest, Tokens
from bot.adapters.wechat.wecom import LIMITS
from bot.delivery import TemporaryFailure
from bot.ratelimit import RateLimiter
from bot.settings import Settings
from tests.conftest import service_url, unavailable
from tests.test_delivery_limits import FakeTime
from tests.wechat_server import WeChatStandIn


@pytest.fixture
async def api() -> AsyncIterator[WeChatStandIn]:
    async with WeChatStandIn(robots=("k1",)) as server:
        yield server


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    url = service_url("GRIDBOT_TEST_REDIS_URL", "Redis")
    client = Redis.from_url(url)
    try:
        await client.ping()
    except OSError as exc:
        unavailable(f"Redis at {url} is unreachable: {exc}")
    yield client
    await client.aclose()


def token_request(api: WeChatStandIn, name: str) -> TokenRequest:
    params = {"grant_type": "client_credential", "appid": api.app_id, "secret": api.app_secret}
    return TokenRequest(name, "/cgi-bin/token", params)


async def send(client: Api, tokens: Tokens) -> dict[str, object]:
    payload = {"touser": "o1", "msgtype": "text", "text": {"content": "你好"}}
    return await client.call("POST", "/cgi-bin/message/custom/send", payload=payload, tokens=tokens)


async def test_workers_sharing_redis_fetch_one_token_and_renew_it_once(
    api: WeChatStandIn, redis: Redis
) -> None:
    name = f"wechat:test-{os.getpid()}"
    await redis.delete(f"gridbot:token:{name}")
    async with httpx.AsyncClient() as http:
        client = Api(api.root, http)
        workers = [Tokens(client, token_request(api, name), redis) for _ in range(4)]
        try:
            await asyncio.gather(*(send(client, tokens) for tokens in workers))
            assert api.token_requests == ["token"]  # four workers, one fetch
            assert 0 < await redis.ttl(f"gridbot:token:{name}") <= 7200 - 300
            api.expire_tokens()
            await asyncio.gather(*(send(client, tokens) for tokens in workers))
            assert api.token_requests == ["token", "token"]  # stale everywhere, renewed once
            assert len(api.sent("message/custom/send")) == 8
        finally:
            await redis.delete(f"gridbot:token:{name}")


async def test_without_redis_one_process_fetches_once(api: WeChatStandIn) -> None:
    async with httpx.AsyncClient() as http:
        client = Api(api.root, http)
        tokens = Tokens(client, token_request(api, "wechat:local"))
        await asyncio.gather(*(send(client, tokens) for _ in range(5)))
        assert api.token_requests == ["token"]
        api.expire_tokens()
        await send(client, tokens)
        assert api.token_requests == ["token", "token"]


async def test_errors_are_sorted_into_retry_and_refusal(api: WeChatStandIn) -> None:
    async with httpx.AsyncClient() as http:
        wrong = TokenRequest("wechat:wrong", "/cgi-bin/token", {"appid": "x", "secret": "y"})
        with pytest.raises(ApiError) as refused:
            await Tokens(Api(api.root, http), wrong).get()
        assert refused.value.code == 40125
        with pytest.raises(TemporaryFailure):  # nothing listens on port 1
            await Api("http://127.0.0.1:1", http).call("GET", "/cgi-bin/token")
        robot = Api(api.root, http)
        for _ in range(20):
            await robot.call("POST", "/cgi-bin/webhook/send", params={"key": "k1"}, payload={})
        with pytest.raises(TemporaryFailure):  # the robot's 20 a minute are used up
            await robot.call("POST", "/cgi-bin/webhook/send", params={"key": "k1"}, payload={})


async def test_group_robots_are_paced_at_twenty_a_minute() -> None:
    time = FakeTime()
    limiter = RateLimiter(LIMITS, clock=time.clock, sleep=time.sleep)
    moments = []
    for _ in range(21):
        await limiter.wait("wr-group", group=True)
        moments.append(time.now)
    assert moments[19] < 60 <= moments[20]


def test_settings_switch_each_platform_on_and_refuse_half_a_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRIDBOT_WECOM_GROUP_WEBHOOKS", '{"wr-29": "key-29"}')
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.wecom_group_webhooks == {"wr-29": "key-29"}
    assert not settings.wechat_enabled and not settings.wecom_enabled
    oa = Settings(wechat_appid="wx1", wechat_secret="s", wechat_token="t")
    assert oa.wechat_enabled and not oa.wecom_enabled
    assert oa.wechat_api_url == "https://api.weixin.qq.com"
    with pytest.raises(ValidationError, match="GRIDBOT_WECHAT_TOKEN"):
        Settings(wechat_appid="wx1", wechat_secret="s")
    with pytest.raises(ValidationError, match="GRIDBOT_WECOM_AES_KEY"):
        Settings(wecom_corp_id="ww", wecom_agent_id=1, wecom_secret="s", wecom_token="t")

"""Build the configured WeChat front ends (Official Account, WeCom) for a running app."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from fastapi import APIRouter
from redis.asyncio import Redis

from bot.adapters.wechat.api import Api, TokenRequest, Tokens
from bot.adapters.wechat.callbacks import PASSIVE_BUDGET, Background, Wiring, callback_routes
from bot.adapters.wechat.official import OfficialAccount
from bot.adapters.wechat.wecom import WeCom
from bot.app import App
from bot.dedup import update_log

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass
class WeChatFrontends:
    """The front ends that run, their callback routes and what they share."""

    official: OfficialAccount | None = None
    wecom: WeCom | None = None
    routes: list[APIRouter] = field(default_factory=list)
    background: Background = field(default_factory=Background)
    http: httpx.AsyncClient | None = None
    redis: Redis | None = None

    @property
    def running(self) -> list[OfficialAccount | WeCom]:
        """The platforms that are configured."""
        return [f for f in (self.official, self.wecom) if f is not None]

    async def close(self) -> None:
        """Finish work in hand and close the HTTP client."""
        await self.background.drain()
        if self.http is not None:
            await self.http.aclose()
        if self.redis is not None:
            await self.redis.aclose()


def wechat_frontends(app: App, passive_budget: float = PASSIVE_BUDGET) -> WeChatFrontends:
    """The Official Account and/or WeCom, each when its settings are present; the handlers
    get `passive_budget` seconds to answer within the callback."""
    settings = app.settings
    built = WeChatFrontends()
    if not (settings.wechat_enabled or settings.wecom_enabled):
        return built
    http = built.http = httpx.AsyncClient(timeout=TIMEOUT)
    redis = built.redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    updates = update_log(app)

    def wiring(root: str, token: TokenRequest) -> Wiring:
        api = Api(root, http)
        tokens = Tokens(api, token, redis)
        return Wiring(api, tokens, app.router, app.database, updates, app.clock, app.media)

    if settings.wechat_enabled:
        assert settings.wechat_appid and settings.wechat_secret and settings.wechat_token
        token = TokenRequest(
            f"wechat:{settings.wechat_appid}",
            "/cgi-bin/token",
            {
                "grant_type": "client_credential",
                "appid": settings.wechat_appid,
                "secret": settings.wechat_secret.get_secret_value(),
            },
        )
        aes = settings.wechat_aes_key
        built.official = OfficialAccount(
            app_id=settings.wechat_appid,
            token=settings.wechat_token.get_secret_value(),
            aes_key=aes.get_secret_value() if aes else None,
            template_id=settings.wechat_template_id,
            wiring=wiring(settings.wechat_api_url, token),
        )
        built.routes.append(
            callback_routes(built.official, "/wechat", built.background, passive_budget)
        )
    if settings.wecom_enabled:
        assert settings.wecom_corp_id and settings.wecom_secret and settings.wecom_token
        assert settings.wecom_aes_key and settings.wecom_agent_id is not None
        token = TokenRequest(
            f"wecom:{settings.wecom_corp_id}:{settings.wecom_agent_id}",
            "/cgi-bin/gettoken",
            {
                "corpid": settings.wecom_corp_id,
                "corpsecret": settings.wecom_secret.get_secret_value(),
            },
        )
        built.wecom = WeCom(
            corp_id=settings.wecom_corp_id,
            agent_id=settings.wecom_agent_id,
            token=settings.wecom_token.get_secret_value(),
            aes_key=settings.wecom_aes_key.get_secret_value(),
            webhooks=settings.wecom_group_webhooks,
            wiring=wiring(settings.wecom_api_url, token),
        )
        built.routes.append(
            callback_routes(built.wecom, "/wecom", built.background, passive_budget)
        )
    return built

"""A stand-in for the WeChat Official Account and WeCom APIs, on 127.0.0.1 (ephemeral port).

One root serves both platforms' paths: access tokens (/cgi-bin/token, /cgi-bin/gettoken),
customer-service and template messages and the account's templates (Official Account), app
messages, the app itself and group robots (WeCom). Everything received is recorded for the
tests to read; errors are the real errcodes.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.loopback import serve_on_loopback

Json = dict[str, Any]


class WeChatStandIn:
    """The API servers of both platforms, with switches for the cases the tests need."""

    def __init__(
        self,
        app_id: str = "wx-test",
        app_secret: str = "oa-secret",
        corp_id: str = "ww-test",
        corp_secret: str = "corp-secret",
        members: tuple[str, ...] = (),
        robots: tuple[str, ...] = (),
        agent_id: int = 1000002,
        templates: Mapping[str, str] | None = None,
    ) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.corp_id, self.corp_secret = corp_id, corp_secret
        self.agent_id = agent_id  # the WeCom app whose Secret corp_secret is
        self.templates = dict(templates or {})  # the account's templates: id -> their text
        self.members = set(members)  # WeCom UserIDs of the app's members
        self.robots = set(robots)  # group robot keys
        self.media: dict[str, bytes] = {}  # media_id -> the file media/get hands out
        self.window_closed: set[str] = set()  # OpenIDs outside the 48-hour window
        self.delay = 0.0  # seconds every message call takes (WeChat on a slow day)
        self.token_requests: list[str] = []  # "token" (OA) or "gettoken" (WeCom), in order
        self.calls: list[tuple[str, Json]] = []  # (path, JSON body) of every message call
        self.in_flight = 0  # message calls being answered right now
        self._tokens: dict[str, str] = {}  # valid token -> platform
        self._robot_sends: dict[str, deque[float]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self._root: str | None = None

    # ---------------------------------------------------------------- what was received
    def sent(self, path: str, to: str | None = None) -> list[Json]:
        """Bodies received at an API path (e.g. "message/custom/send"), to one recipient."""
        bodies = [body for called, body in self.calls if called == path]
        if to is None:
            return bodies
        return [b for b in bodies if to in (b.get("touser"), b.get("key"))]

    def texts(self, path: str, to: str) -> list[str]:
        """The text of each text message (or card's sub-title) sent to one recipient."""
        out = []
        for body in self.sent(path, to):
            if body.get("msgtype") == "template_card":
                card = body["template_card"]
                below = card.get("sub_title_text", card["main_title"].get("desc", ""))
                out.append(f"{card['main_title']['title']}\n{below}")
            elif "text" in body:
                out.append(body["text"]["content"])
            else:
                out.append(body["data"]["content"]["value"])  # a template message
        return out

    def expire_tokens(self) -> None:
        """Every issued access token stops working (errcode 42001 until renewed)."""
        self._tokens.clear()

    # ---------------------------------------------------------------- the API
    async def _token(self, request: web.Request) -> web.Response:
        query = request.query
        self.token_requests.append("token")
        if query.get("appid") != self.app_id or query.get("secret") != self.app_secret:
            return _error(40125, "invalid appsecret")
        return web.json_response({"access_token": self._issue("wechat"), "expires_in": 7200})

    async def _gettoken(self, request: web.Request) -> web.Response:
        query = request.query
        self.token_requests.append("gettoken")
        if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.corp_secret:
            return _error(40001, "invalid credential")
        return web.json_response({"access_token": self._issue("wecom"), "expires_in": 7200})

    async def _templates(self, request: web.Request) -> web.Response:
        if self._tokens.get(request.query.get("access_token", "")) != "wechat":
            return _error(42001, "access_token expired")
        listed = [
            {"template_id": t, "title": "工单进展通知", "content": content}
            for t, content in sorted(self.templates.items())
        ]
        return web.json_response({"template_list": listed})

    async def _agent(self, request: web.Request) -> web.Response:
        if self._tokens.get(request.query.get("access_token", "")) != "wecom":
            return _error(42001, "access_token expired")
        if request.query.get("agentid") != str(self.agent_id):
            return _error(40056, "invalid agentid")
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "agentid": self.agent_id, "name": "网格通"}
        )

    def _issue(self, platform: str) -> str:
        token = f"{platform}-token-{len(self.token_requests)}"
        self._tokens[token] = platform
        return token

    async def _media(self, request: web.Request) -> web.Response:
        if request.query.get("access_token", "") not in self._tokens:
            return _error(42001, "access_token expired")
        data = self.media.get(request.query.get("media_id", ""))
        if data is None:
            return _error(40007, "invalid media_id")
        return web.Response(body=data, content_type="image/png")

    async def _message(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        raw = await request.read()
        try:
            body: Json = json.loads(raw.decode("utf-8"))
        except ValueError:
            return _error(47001, "data format error")
        if path == "webhook/send":
            return await self._robot(request.query.get("key", ""), body)
        platform = {"message/send": "wecom"}.get(path, "wechat")
        if self._tokens.get(request.query.get("access_token", "")) != platform:
            return _error(42001, "access_token expired")
        self.in_flight += 1
        try:
            await asyncio.sleep(self.delay)
            self.calls.append((path, body))
        finally:
            self.in_flight -= 1
        msgid = len(self.calls)
        if path == "message/custom/send":
            if body.get("touser") in self.window_closed:
                self.calls.pop()
                return _error(45015, "response out of time limit or subscription is canceled")
            return web.json_response({"errcode": 0, "errmsg": "ok"})
        if path == "message/template/send":
            return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": msgid})
        if path == "message/send":
            if body.get("msgtype") == "template_card" and not _card_valid(body["template_card"]):
                self.calls.pop()
                return _error(40058, "template_card invalid")
            if body.get("agentid") is None or body.get("touser") not in self.members:
                return web.json_response(
                    {"errcode": 0, "errmsg": "ok", "invaliduser": body.get("touser", "")}
                )
            return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"wm{msgid}"})
        self.calls.pop()
        return _error(48001, "api unauthorized")

    async def _robot(self, key: str, body: Json) -> web.Response:
        if key not in self.robots:
            return _error(93000, "invalid webhook url")
        sends, now = self._robot_sends[key], time.monotonic()
        while sends and sends[0] <= now - 60:
            sends.popleft()
        if len(sends) >= 20:
            return _error(45009, "api freq out of limit")
        sends.append(now)
        await asyncio.sleep(self.delay)
        self.calls.append(("webhook/send", {**body, "key": key}))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    # ---------------------------------------------------------------- lifecycle
    @property
    def root(self) -> str:
        """The server's base URL, "http://127.0.0.1:PORT"."""
        if self._root is None:
            raise RuntimeError("WeChatStandIn is not running; use `async with`")
        return self._root

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_get("/cgi-bin/media/get", self._media)
        app.router.add_get("/cgi-bin/template/get_all_private_template", self._templates)
        app.router.add_get("/cgi-bin/agent/get", self._agent)
        app.router.add_post("/cgi-bin/{path:.+}", self._message)
        self._runner, self._root = await serve_on_loopback(app)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = self._root = None


def _card_valid(card: Json) -> bool:
    """What the app message API insists on in the two interactive cards gridbot sends."""
    if not card.get("task_id") or not card.get("main_title", {}).get("title"):
        return False
    if card.get("card_type") == "button_interaction":
        return 0 < len(card.get("button_list", [])) <= 6
    if card.get("card_type") == "vote_interaction":
        box, submit = card.get("checkbox", {}), card.get("submit_button", {})
        options = box.get("option_list", [])
        ids = [o.get("id") for o in options]
        return (
            bool(box.get("question_key") and submit.get("key") and submit.get("text"))
            and box.get("mode") in (0, 1)
            and 0 < len(options) <= 20
            and all(ids)
            and len(set(ids)) == len(ids)
            and all(0 < len(o.get("text", "")) <= 11 for o in options)
        )
    return False


def _error(code: int, message: str) -> web.Response:
    return web.json_response({"errcode": code, "errmsg": message})

"""The callback endpoints (/wechat, /wecom): check, answer at once, work afterwards.

WeChat waits 5 s for an answer and then repeats the message, three times. So each callback is
verified (signature, timestamp within 5 minutes), claimed once (MsgId, or sender + time for
events), and answered within PASSIVE_BUDGET: with a passive reply when the handlers were that
quick and the answer fits one message, else with "success" while the work goes on and its
answers leave through the platform's message API.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage

from bot.adapters.wechat.api import Api, ApiError, Tokens
from bot.dedup import UpdateLog
from bot.delivery import Delivery, TemporaryFailure
from handlers.messages import Inbound, Reply
from handlers.ports import Clock
from handlers.router import Router
from storage.media import MediaError, MediaStore
from storage.repository import Database

log = logging.getLogger(__name__)

MAX_SKEW = 300  # seconds a callback's timestamp may differ from ours
PASSIVE_BUDGET = 0.4  # seconds the handlers get to make a passive reply possible
MAX_BODY = 64 * 1024  # WeChat's callbacks are a few kilobytes


class Refused(Exception):
    """The callback is not from WeChat (signature) or not from now (timestamp)."""


def check_fresh(timestamp: str) -> None:
    """Refuse a timestamp more than MAX_SKEW seconds from now (a replayed or forged call)."""
    try:
        moment = int(timestamp)
    except ValueError as exc:
        raise Refused("timestamp is not a number") from exc
    if abs(time.time() - moment) > MAX_SKEW:
        raise Refused("timestamp too far from now")


@dataclass(frozen=True, slots=True)
class Wiring:
    """What each WeChat front end is given: its API (with its tokens) and the app's parts."""

    api: Api
    tokens: Tokens
    router: Router
    database: Database
    updates: UpdateLog
    clock: Clock
    media: MediaStore

    async def fetch_photo(self, media_id: str) -> tuple[str, ...]:
        """Download a sent photo (media/get) into the media store: its path, or () when it
        cannot be had (the message is then served without it)."""
        try:
            data = await self.api.download(
                "/cgi-bin/media/get", {"media_id": media_id}, self.tokens
            )
            return (self.media.save(data),)
        except (ApiError, TemporaryFailure, MediaError, OSError) as exc:
            log.warning("photo %s not kept: %s", media_id, exc)
            return ()


class CallbackFrontend(Protocol):
    """What a platform provides to its callback endpoint."""

    platform: str
    wiring: Wiring

    def verify_url(self, query: Mapping[str, str]) -> str:
        """The echostr to answer the URL check with; raise Refused."""
        ...

    def open(self, query: Mapping[str, str], body: bytes) -> BaseMessage:
        """Check, decrypt and parse one callback; raise Refused."""
        ...

    def update_id(self, message: BaseMessage) -> str:
        """The message's identity for deduplication."""
        ...

    async def inbound(self, message: BaseMessage) -> Inbound | None:
        """The project's message, or None for events that mean nothing to gridbot."""
        ...

    async def passive(
        self, query: Mapping[str, str], message: BaseMessage, reply: Reply
    ) -> str | None:
        """The reply as the callback's answer body, or None when it must go by the API."""
        ...

    async def send(self, delivery: Delivery) -> str:
        """Send one message through the platform's message API (the outbox's way too)."""
        ...


class Background:
    """Work that outlives its HTTP request; kept referenced, errors logged, awaitable."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` on its own."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("callback work failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait until all work in hand is done (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def callback_routes(
    frontend: CallbackFrontend,
    path: str,
    background: Background,
    budget: float = PASSIVE_BUDGET,
) -> APIRouter:
    """GET (URL verification) and POST (messages and events) at `path`."""
    routes = APIRouter()

    @routes.get(path)
    async def verify(request: Request) -> Response:
        """The platform checks the URL: echo its echostr when the signature holds."""
        try:
            return PlainTextResponse(frontend.verify_url(request.query_params))
        except (Refused, InvalidSignatureException, InvalidAppIdException, KeyError) as exc:
            log.warning("%s URL verification refused: %s", frontend.platform, exc)
            return PlainTextResponse("forbidden", status_code=403)

    @routes.post(path)
    async def receive(request: Request) -> Response:
        """One message or event: 403 unless genuine, then answered within the budget."""
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        try:
            message = frontend.open(request.query_params, body)
        except (Refused, InvalidSignatureException, InvalidAppIdException) as exc:
            log.warning("%s callback refused: %s", frontend.platform, exc)
            return PlainTextResponse("forbidden", status_code=403)
        except Exception as exc:  # malformed XML or a missing field: not a callback
            log.warning("%s callback unreadable: %s", frontend.platform, exc)
            return PlainTextResponse("bad request", status_code=400)
        answer = await _serve(frontend, background, request.query_params, message, budget)
        if answer is None:
            return PlainTextResponse("success")
        return Response(answer, media_type="application/xml")

    return routes


async def _serve(
    frontend: CallbackFrontend,
    background: Background,
    query: Mapping[str, str],
    message: BaseMessage,
    budget: float,
) -> str | None:
    """Handle one genuine callback; the passive reply's body, or None for "success"."""
    try:
        updates = frontend.wiring.updates
        if not await updates.claim(frontend.platform, frontend.update_id(message)):
            log.info("%s callback %s was handled before", frontend.platform, message.id)
            return None
        work = asyncio.ensure_future(_handle(frontend, message))
        done, _ = await asyncio.wait({work}, timeout=budget)
        if not done:  # slow today (a photo to fetch, a busy database): answer now, send later
            background.spawn(_answer_later(frontend, work))
            return None
        inbound, replies = work.result()
        if inbound is None or not replies:
            return None
        passive = await frontend.passive(query, message, replies[0])
        rest = replies[1:] if passive is not None else replies
        if rest:
            background.spawn(_answer(frontend, inbound, rest))
        return passive
    except Exception:
        log.exception("%s callback failed", frontend.platform)
        return None


async def _handle(
    frontend: CallbackFrontend, message: BaseMessage
) -> tuple[Inbound | None, list[Reply]]:
    """Translate (fetching a photo, maybe) and decide."""
    inbound = await frontend.inbound(message)
    if inbound is None:
        return None, []
    return inbound, await frontend.wiring.router.handle(inbound)


async def _answer_later(
    frontend: CallbackFrontend, work: asyncio.Future[tuple[Inbound | None, list[Reply]]]
) -> None:
    inbound, replies = await work
    if inbound is not None:
        await _answer(frontend, inbound, replies)


async def _answer(frontend: CallbackFrontend, inbound: Inbound, replies: list[Reply]) -> None:
    """Answers that did not fit the callback's answer, by message API, in order."""
    for reply in replies:
        try:
            await frontend.send(Delivery(inbound.chat_id, reply.text, reply.buttons))
        except Exception:
            log.exception("%s answer to %s not sent", frontend.platform, inbound.chat_id)

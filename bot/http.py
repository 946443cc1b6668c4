"""The HTTP app every deployment serves: /healthz, the Telegram webhook, the WeChat and WeCom
callbacks."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from bot.adapters.telegram.base import TelegramFrontend
from bot.app import App

# The sender passes at least every few seconds; longer silence means it is stuck or dead.
SENDER_SILENCE = timedelta(minutes=2)


def create_http_app(
    app: App, telegram: TelegramFrontend | None = None, callbacks: Sequence[APIRouter] = ()
) -> FastAPI:
    """A FastAPI app bound to a running gridbot (with the Telegram webhook when it uses one,
    and the WeChat / WeCom callbacks)."""
    http = FastAPI(title="gridbot", docs_url=None, redoc_url=None)
    for routes in callbacks:
        http.include_router(routes)

    @http.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 when the database answers and the sender is alive, 503 otherwise."""
        database = await app.database.ping()
        last = app.sender.alive_at
        sender = last is not None and app.clock.now() - last < SENDER_SILENCE
        body = {
            "database": "ok" if database else "unreachable",
            "sender": "ok" if sender else "stalled",
        }
        return JSONResponse(body, status_code=200 if database and sender else 503)

    if telegram is not None and app.settings.telegram_webhook_secret is not None:
        secret = app.settings.telegram_webhook_secret.get_secret_value().encode()

        @http.post("/telegram/webhook")
        async def telegram_webhook(request: Request) -> JSONResponse:
            """Bot API updates; refused without the secret header (compared in constant time)."""
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
            if not hmac.compare_digest(given, secret):
                return JSONResponse({"ok": False}, status_code=403)
            try:
                update: Any = await request.json()
            except ValueError:
                return JSONResponse({"ok": False}, status_code=400)
            if isinstance(update, dict):
                await telegram.handle_update(update)
            return JSONResponse({"ok": True})

    return http

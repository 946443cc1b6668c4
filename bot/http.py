"""The HTTP app every deployment serves: /healthz now, platform webhooks mount here later."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bot.app import App

# The sender passes at least every few seconds; longer silence means it is stuck or dead.
SENDER_SILENCE = timedelta(minutes=2)


def create_http_app(app: App) -> FastAPI:
    """A FastAPI app bound to a running gridbot."""
    http = FastAPI(title="gridbot", docs_url=None, redoc_url=None)

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

    return http

"""The HTTP app: /healthz reports the database and the sender."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from bot.app import App
from bot.delivery import Delivery
from bot.http import SENDER_SILENCE, create_http_app
from bot.settings import Settings
from handlers.ports import ManualClock
from storage.database import create_engine
from storage.repository import Database
from tests.processes import gridbot_run


class Silent:
    platform = "console"

    async def send(self, delivery: Delivery) -> str:
        return "1"


async def test_healthz(tmp_path: Path) -> None:
    clock = ManualClock()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'h.db'}", media_dir=tmp_path)
    app = await App.build(settings, [Silent()], clock)
    transport = httpx.ASGITransport(app=create_http_app(app))
    try:
        await check(httpx.AsyncClient(transport=transport, base_url="http://gridbot"), app, clock)
    finally:
        await app.close()


async def check(client: httpx.AsyncClient, app: App, clock: ManualClock) -> None:
    async with client:
        stalled = await client.get("/healthz")
        assert stalled.status_code == 503
        assert stalled.json() == {"database": "ok", "sender": "stalled"}
        await app.sender.deliver_due()
        healthy = await client.get("/healthz")
        assert healthy.status_code == 200
        assert healthy.json() == {"database": "ok", "sender": "ok"}
        clock.advance(SENDER_SILENCE + timedelta(seconds=1))
        assert (await client.get("/healthz")).status_code == 503
        await app.sender.deliver_due()
        working = app.database
        # nothing listens on port 1: the database is unreachable
        app.database = Database(create_engine("postgresql://postgres@127.0.0.1:1/none"))
        try:
            down = await client.get("/healthz")
        finally:
            await app.database.close()
            app.database = working
        assert down.status_code == 503
        assert down.json() == {"database": "unreachable", "sender": "ok"}


def test_gridbot_run_serves_healthz_and_stops_on_sigterm(tmp_path: Path) -> None:
    """The real command: migrations on start, /healthz answers, SIGTERM ends it cleanly."""
    with gridbot_run(tmp_path) as running:
        assert running.health.status_code == 200
        assert running.health.json() == {"database": "ok", "sender": "ok"}
    assert running.process.returncode == 0, running.output
    assert "no chat platform is configured" in running.output

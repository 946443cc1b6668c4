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
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "GRIDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "GRIDBOT_HTTP_HOST": "127.0.0.1",
        "GRIDBOT_HTTP_PORT": str(port),
        "GRIDBOT_MEDIA_DIR": str(tmp_path / "media"),
    }
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, "gridbot run never answered"
        assert answer.status_code == 200
        assert answer.json() == {"database": "ok", "sender": "ok"}
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "no chat platform is configured" in output

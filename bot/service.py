"""`gridbot run`: the HTTP app, the outbox sender and the scheduler in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import uvicorn

from bot.adapters.telegram.setup import telegram_frontend
from bot.adapters.wechat.setup import wechat_frontends
from bot.app import App
from bot.ballots import BallotBoard
from bot.http import create_http_app
from bot.settings import Settings

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn that stops on SIGINT/SIGTERM without re-raising them, so gridbot can finish
    its workers and close the database before exiting."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


async def serve(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM, with every chat platform that is configured."""
    app = await App.build(settings, frontends=[])
    telegram = telegram_frontend(app)
    if telegram is not None:
        webhook = settings.telegram_webhook_url
        secret = settings.telegram_webhook_secret
        await telegram.start(webhook, secret.get_secret_value() if secret else None)
        app.sender.add_frontend(telegram)
        log.info(
            "telegram (%s) started: %s",
            settings.telegram_library,
            "webhook" if webhook else "long polling",
        )
    wechat = wechat_frontends(app)
    for frontend in wechat.running:
        app.sender.add_frontend(frontend)
        log.info("%s started: callbacks at /%s", frontend.platform, frontend.platform)
    if not app.sender.frontends:
        log.warning("no chat platform is configured: notifications wait in the outbox")
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(app.sender.run(stop)),
        asyncio.create_task(app.scheduler.run(stop)),
        asyncio.create_task(BallotBoard(app.database, app.sender.frontends, app.clock).run(stop)),
    ]
    server = _Server(
        uvicorn.Config(
            create_http_app(app, telegram, callbacks=wechat.routes),
            host=settings.http_host,
            port=settings.http_port,
            log_level="info",
            lifespan="off",
        )
    )
    try:
        await server.serve()
    finally:
        stop.set()
        await asyncio.gather(*workers, return_exceptions=True)
        if telegram is not None:
            await telegram.stop()
        await wechat.close()
        await app.close()

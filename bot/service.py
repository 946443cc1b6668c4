"""`gridbot run`: the HTTP app, the outbox sender and the scheduler in one process."""

from __future__ import annotations

import asyncio
import logging

import uvicorn

from bot.app import App
from bot.http import create_http_app
from bot.settings import Settings

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM (uvicorn catches them); the platforms join in their issues."""
    app = await App.build(settings, frontends=[])
    if not app.sender.frontends:
        log.warning("no chat platform is configured: notifications wait in the outbox")
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(app.sender.run(stop)),
        asyncio.create_task(app.scheduler.run(stop)),
    ]
    server = uvicorn.Server(
        uvicorn.Config(
            create_http_app(app),
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
        await app.close()

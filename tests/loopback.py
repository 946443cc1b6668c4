"""Stand-in servers listen on loopback only, on a port the system picks."""

from __future__ import annotations

from aiohttp import web


async def serve_on_loopback(
    app: web.Application, host: str = "127.0.0.1"
) -> tuple[web.AppRunner, str]:
    """Start an aiohttp app on an ephemeral port: its runner (to clean up) and its base URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, host, 0).start()
    return runner, f"http://{host}:{runner.addresses[0][1]}"

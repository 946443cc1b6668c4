"""`gridbot run` as a real process on a free loopback port, for tests of the wiring."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Running:
    """The process, where it listens, its first /healthz answer, and (after) its output."""

    process: subprocess.Popen[str]
    root: str
    health: httpx.Response
    output: str = ""


@contextlib.contextmanager
def gridbot_run(tmp_path: Path, **env: str) -> Iterator[Running]:
    """Start `gridbot run` (SQLite in tmp_path, plus `env`), wait for /healthz, and stop it
    with SIGTERM afterwards; `output` and `process.returncode` are set then."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "GRIDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "GRIDBOT_HTTP_HOST": "127.0.0.1",
        "GRIDBOT_HTTP_PORT": str(port),
        "GRIDBOT_MEDIA_DIR": str(tmp_path / "media"),
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    root = f"http://127.0.0.1:{port}"
    running: Running | None = None
    try:
        deadline = time.monotonic() + 60
        while running is None:
            try:
                running = Running(process, root, httpx.get(f"{root}/healthz", timeout=2))
            except httpx.TransportError:
                assert time.monotonic() < deadline, "gridbot run never answered"
                time.sleep(0.2)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        if running is not None:
            running.output = output

"""`gridbot poll export N`: a closed poll's result and trail as CSV, from the command line."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from handlers.polls import ballot_data
from storage.repository import Database
from tests.dialog import Dialog, build_community

runner = CliRunner()


async def a_closed_poll(url: str) -> None:
    """Building 29 decides; two households vote, the clock closes the poll."""
    database = await Database.open(url)
    try:
        await build_community(database)
        dialog = Dialog(database)
        await dialog.say(
            "高艳娜", "/poll 是否同意加装电梯 | 同意 | 反对 --scope building:29 --for 1d"
        )
        await dialog.press("吕新安", ballot_data(1, 0))
        await dialog.press("周强", ballot_data(1, 1))
        dialog.clock.advance(timedelta(days=1))
        await dialog.scheduler.tick()
    finally:
        await database.close()


def test_export_writes_result_and_trail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'polls.db'}"
    asyncio.run(a_closed_poll(url))
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        printed = runner.invoke(app, ["poll", "export", "1"])
        written = runner.invoke(app, ["poll", "export", "1", "-o", str(tmp_path / "p1.csv")])
        missing = runner.invoke(app, ["poll", "export", "9"])
    finally:
        get_settings.cache_clear()
    assert printed.exit_code == 0, printed.output
    rows = list(csv.reader(io.StringIO(printed.stdout)))
    assert ["rule", "majority", "state", "closed", "reason", ""] in rows
    assert ["voted_households", "2"] in rows and ["passed", "False"] in rows
    trail = rows[rows.index(["at", "action", "actor", "household", "option", "note"]) + 1 :]
    assert [r[1] for r in trail] == ["open", "vote", "vote", "close"]
    assert written.exit_code == 0
    assert (tmp_path / "p1.csv").read_text("utf-8-sig") == printed.stdout
    assert missing.exit_code == 1 and "no poll #9" in missing.output

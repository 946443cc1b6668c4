"""`gridbot poll`: building decisions on the command line (export a result with its trail)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.settings import get_settings
from handlers.polls import PollDesk
from storage.repository import Database

poll_app = typer.Typer(
    help="Building decisions (表决): results and vote trails.", no_args_is_help=True
)
console = Console(stderr=True)


@poll_app.callback()
def poll() -> None:
    """Export building decisions."""


@poll_app.command("export")
def export(
    number: Annotated[int, typer.Argument(help="the poll's number (#N)")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV file; default: standard output")
    ] = None,
) -> None:
    """The result (turnout, every option, every test) and the whole vote trail as CSV."""
    settings = get_settings()

    async def read() -> str | None:
        database = await Database.open(settings.database_url)
        try:
            async with database.unit() as store:
                found = await store.polls.poll(number)
                return await PollDesk(settings.zone).export(store, found) if found else None
        finally:
            await database.close()

    exported = asyncio.run(read())
    if exported is None:
        console.print(f"[red]there is no poll #{number}[/red]")
        raise typer.Exit(1)
    if output is None:
        sys.stdout.write(exported)
    else:
        output.write_text(exported, encoding="utf-8-sig")  # with a BOM, so Excel reads Chinese
        console.print(f"poll #{number} written to {output}")

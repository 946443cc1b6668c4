"""`gridbot org`: the community roster (grids, buildings, households, people, roles, chats)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import get_settings
from intents import CatalogError, load_catalog
from storage.repository import Database
from storage.roster import KINDS, ImportSummary, RosterError, RosterPlan, apply_roster, parse_roster

org_app = typer.Typer(
    help="The community roster: grids, buildings, households, people, roles and chats.",
    no_args_is_help=True,
)
console = Console(stderr=True)
LONG_FILE = 200  # progress steps (households + people) from which a progress bar is shown


@org_app.callback()
def org() -> None:
    """Import and maintain the community roster."""


def _print_errors(file: Path, errors: Sequence[str]) -> None:
    """Every problem, one a line, and the reassurance that nothing was written."""
    heading = f"{escape(str(file))}: {len(errors)} problem(s); nothing was changed."
    console.print(f"[red]{heading}[/red]", soft_wrap=True)
    for error in errors:
        console.print(f"  {escape(error)}", soft_wrap=True)


@contextmanager
def _progress(steps: int) -> Iterator[Callable[[int], None]]:
    """A callback advancing a rich progress bar, shown only for long files."""
    if steps < LONG_FILE:
        yield lambda _steps: None
        return
    columns = (
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("import", total=steps)
        yield lambda advance: bar.advance(task, advance)


async def import_plan(url: str, plan: RosterPlan, prune: bool) -> ImportSummary:
    """Apply a parsed roster to the database at url in one transaction."""
    database = await Database.open(url)
    try:
        with _progress(plan.steps) as advance:
            async with database.unit() as store:
                return await apply_roster(store, plan, prune=prune, progress=advance)
    finally:
        await database.close()


def summary_table(title: str, summary: ImportSummary) -> Table:
    """The counts of an import, one row per kind."""
    table = Table(title=title)
    table.add_column("kind")
    for column in ("created", "updated", "unchanged", "pruned", "kept"):
        table.add_column(column, justify="right")
    for kind in KINDS:
        counts = summary[kind]
        table.add_row(
            kind,
            *(
                str(value)
                for value in (
                    counts.created,
                    counts.updated,
                    counts.unchanged,
                    counts.pruned,
                    counts.kept,
                )
            ),
        )
    return table


@org_app.command("import")
def org_import(
    file: Annotated[
        Path,
        typer.Argument(help="community YAML, or a CSV/XLSX list with one row per resident"),
    ],
    grid: Annotated[
        str | None,
        typer.Option("--grid", help="grid of every row, for a list without a grid column"),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="delete households, people, identities, roles and chats the file no longer "
            "lists (people that tickets refer to are kept)",
        ),
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="database to import into [default: GRIDBOT_DATABASE_URL]"
        ),
    ] = None,
) -> None:
    """Import a roster; a re-import updates in place, and a file with errors changes nothing."""
    settings = get_settings()
    try:
        categories = load_catalog(settings.catalog_file).ids
    except CatalogError as exc:
        console.print(f"[red]catalog refused:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    try:
        plan = parse_roster(file, grid=grid, categories=categories)
    except RosterError as exc:
        _print_errors(file, exc.errors)
        raise typer.Exit(1) from exc
    try:
        summary = asyncio.run(import_plan(database_url or settings.database_url, plan, prune))
    except RosterError as exc:
        _print_errors(file, exc.errors)
        raise typer.Exit(1) from exc
    except SQLAlchemyError as exc:
        console.print(f"[red]import failed; nothing was changed:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    title = f"{file.name}: {'imported' if summary.changed else 'already up to date'}"
    Console().print(summary_table(title, summary))

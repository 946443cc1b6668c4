"""The `gridbot` command line."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.app import configure_logging
from bot.cli_org import org_app
from bot.cli_poll import poll_app
from bot.settings import get_settings
from intents import CatalogError, Matcher, load_catalog
from intents.evaluation import evaluate, read_examples

app = typer.Typer(
    help="gridbot: neighbourhood reports become tickets, every step on record.",
    no_args_is_help=True,
)
intents_app = typer.Typer(
    help="The intent engine: classify and evaluate messages.", no_args_is_help=True
)
db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
app.add_typer(intents_app, name="intents")
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(poll_app, name="poll")
console = Console(stderr=True)


def _matcher() -> Matcher:
    """The matcher over the configured catalog; a broken catalog ends the command with its error."""
    try:
        settings = get_settings()
        return Matcher.with_context(
            load_catalog(settings.catalog_file), settings.context_model_file
        )
    except CatalogError as exc:
        console.print(f"[red]catalog refused:[/red] {exc}")
        raise typer.Exit(2) from exc


@intents_app.command("classify")
def intents_classify() -> None:
    """Read messages on stdin (text or JSON with "text"), write one JSON answer per line."""
    matcher = _matcher()
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        text = line
        if line.lstrip().startswith("{"):
            try:
                text = str(json.loads(line)["text"])
            except (ValueError, KeyError, TypeError):
                text = line
        answer = {"text": text, **matcher.match(text).to_dict()}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()


@intents_app.command("eval")
def intents_eval(
    file: Annotated[Path, typer.Argument(help="JSON lines: text, category, optional location")],
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="list every wrong answer")] = False,
) -> None:
    """Accuracy, macro-F1, false-ticket rate, miss rate, location match, top confusions."""
    matcher = _matcher()
    try:
        examples = read_examples(file)
    except (OSError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    report = evaluate(matcher, examples)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        out = Console()
        figures = Table(title=f"{file} ({report.total} messages)", show_header=False)
        for name, value in (
            ("accuracy", report.accuracy),
            ("macro-F1", report.macro_f1),
            ("false-ticket rate", report.false_ticket_rate),
            ("miss rate", report.miss_rate),
            ("location exact-match", report.location_accuracy),
        ):
            figures.add_row(name, f"{value:.4f}")
        out.print(figures)
        confusions = Table(title="most frequent confusions", show_header=True)
        for column in ("gold", "predicted", "count"):
            confusions.add_column(column)
        for (gold, predicted), count in report.confusions.most_common(10):
            confusions.add_row(gold, predicted, str(count))
        out.print(confusions)
    if errors:
        for example in examples:
            intent = matcher.match(example.text)
            if intent.category != example.category:
                print(
                    f"{example.category:>20} -> {intent.category:<20} {intent.score:.2f} "
                    f"{example.text}"
                )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (also done on every start)."""
    from storage.repository import Database

    async def upgrade() -> None:
        database = await Database.open(get_settings().database_url)
        await database.close()

    asyncio.run(upgrade())
    console.print("database is up to date")


@app.command()
def run() -> None:
    """Serve gridbot: the HTTP app (/healthz), the outbox sender and the scheduler."""
    from bot.service import serve

    settings = get_settings()
    configure_logging(settings.log_level)
    asyncio.run(serve(settings))


@app.command()
def doctor() -> None:
    """Check the deployment: Telegram's token, privacy mode, rights in bound chats and
    leaders; WeChat's and WeCom's credentials, template message and app."""
    from bot.adapters.telegram.setup import telegram_frontend
    from bot.adapters.wechat.setup import wechat_frontends
    from bot.app import App
    from bot.doctor import Finding, diagnose, diagnose_wechat

    async def check() -> bool:
        app = await App.build(get_settings())
        telegram = telegram_frontend(app)
        wechat = wechat_frontends(app)
        findings: list[Finding] = []
        try:
            if telegram is None and not wechat.running:
                console.print(
                    "[red]no platform is configured: set GRIDBOT_TELEGRAM_TOKEN, or the "
                    "GRIDBOT_WECHAT_* or GRIDBOT_WECOM_* settings[/red]"
                )
                return False
            if telegram is not None:
                findings += await diagnose(app, telegram)
            findings += await diagnose_wechat(wechat)
        finally:
            if telegram is not None:
                await telegram.stop()
            await wechat.close()
            await app.close()
        table = Table(title="gridbot doctor")
        for column in ("", "check", "seen", "what to do"):
            table.add_column(column)
        for finding in findings:
            table.add_row(
                "✅" if finding.ok else "❌",
                finding.check,
                finding.seen,
                "" if finding.ok else finding.fix,
            )
        Console().print(table)
        return all(f.ok for f in findings)

    if not asyncio.run(check()):
        raise typer.Exit(1)


@app.command()
def demo(
    script: Annotated[Path | None, typer.Option(help="replay this conversation")] = None,
    database_url: Annotated[
        str | None, typer.Option(help="default: a fresh SQLite file in a temporary folder")
    ] = None,
) -> None:
    """Play every role of the ticket loop in the terminal (a walkthrough when not a terminal)."""
    from bot.demo import WALKTHROUGH, run_demo

    interactive = script is None and sys.stdin.isatty()
    lines = None if interactive else (script or WALKTHROUGH).read_text(encoding="utf-8")
    asyncio.run(run_demo(lines.splitlines() if lines is not None else None, database_url))


if __name__ == "__main__":
    app()

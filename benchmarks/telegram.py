"""Telegram figures, against the stand-in Bot API on loopback, through the real libraries:

- inbound messages a second through gridbot's whole pipeline (getUpdates, the library, update
  log, intent match, ticket, outbox rows, the answer by sendMessage), next to a bare echo bot of
  the same library against the same kind of server in the same run;
- 1,000 queued notifications to distinct residents delivered at Telegram's rate limit, with the
  stand-in enforcing the flood limits (a 429 would show).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.adapters.telegram.base import TELEGRAM_LIMITS, TelegramFrontend
from bot.adapters.telegram.setup import telegram_frontend
from bot.app import App
from bot.ratelimit import Limits, RateLimiter
from bot.settings import Settings
from storage.models import Identity, Outbox, Person
from storage.roster import apply_roster, parse_roster
from tests.telegram_server import TelegramStandIn

TOKEN = "123:BENCH"
LIBRARIES = ("aiogram", "ptb")
COMMUNITY = Path(__file__).resolve().parent.parent / "bot" / "sample" / "community.yaml"
PROBLEMS = ("楼顶漏水了", "楼道灯坏了", "电梯又坏了", "垃圾没人收", "暖气不热", "下水道堵了")
INBOUND, WARM_UP, NOTIFICATIONS = 200, 20, 1000
FIRST_USER = 500_000
console = Console()
_MIGRATING = asyncio.Lock()  # alembic's migration context is one per process


@dataclass(frozen=True)
class Delivered:
    """One library's run of the outbox."""

    seconds: float
    delivered: int
    refusals: int


async def _until(condition: Callable[[], bool], timeout: float = 300) -> None:
    """Wait for the bot to have done something."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot stopped answering")
        await asyncio.sleep(0.005)


async def _rate(api: TelegramStandIn, first_user: int, count: int) -> float:
    """Push `count` private reports from distinct people; answers a second until all came."""
    before = len(api.sent())
    started = time.perf_counter()
    for index in range(count):
        user = first_user + index
        api.text(user, user, f"{PROBLEMS[index % len(PROBLEMS)]} {index}号楼", chat_type="private")
    await _until(lambda: len(api.sent()) >= before + count)
    return count / (time.perf_counter() - started)


@asynccontextmanager
async def _gridbot(
    api: TelegramStandIn, folder: str, library: str, limits: Limits
) -> AsyncIterator[tuple[App, TelegramFrontend]]:
    """gridbot on one library, polling the stand-in, with the sample community."""
    settings = Settings(
        database_url=f"sqlite:///{folder}/{library}.db",
        media_dir=Path(folder) / "media",
        telegram_token=TOKEN,
        telegram_api_url=api.root,
        telegram_library=library,
    )
    async with _MIGRATING:
        app = await App.build(settings)
    async with app.database.unit() as store:
        await apply_roster(store, parse_roster(COMMUNITY))
    telegram = telegram_frontend(app)
    assert telegram is not None
    telegram.limiter = RateLimiter(limits)
    app.sender.add_frontend(telegram)
    try:
        yield app, telegram
    finally:
        await telegram.stop()
        await app.close()


async def gridbot_inbound(library: str) -> float:
    """Reports a second through gridbot (sending limits lifted: the pipeline is measured)."""
    unlimited = Limits(10**6, 0.0, 10**6)
    with tempfile.TemporaryDirectory() as folder:
        async with (
            TelegramStandIn(token=TOKEN) as api,
            _gridbot(api, folder, library, unlimited) as (_, telegram),
        ):
            await telegram.start(None, None)
            await _rate(api, FIRST_USER, WARM_UP)
            return await _rate(api, FIRST_USER + WARM_UP, INBOUND)


async def echo_inbound(library: str) -> float:
    """The same messages through a bare echo bot of the same library."""
    async with TelegramStandIn(token=TOKEN) as api:
        stop = await (_aiogram_echo if library == "aiogram" else _ptb_echo)(api.root)
        try:
            await _rate(api, FIRST_USER, WARM_UP)
            return await _rate(api, FIRST_USER + WARM_UP, INBOUND)
        finally:
            await stop()


Stop = Callable[[], Awaitable[None]]


async def _aiogram_echo(root: str) -> Stop:
    """aiogram's Dispatcher polling, answering every message with its text."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(root)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, handle_signals=False, close_bot_session=False, polling_timeout=10
        )
    )
    await asyncio.sleep(0)

    async def stop() -> None:
        await dispatcher.stop_polling()
        await asyncio.gather(polling, return_exceptions=True)
        await bot.session.close()

    return stop


async def _ptb_echo(root: str) -> Stop:
    """python-telegram-bot's Application polling, answering every message with its text."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )

    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None:
            await message.reply_text(message.text or "", do_quote=False)

    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    updater = application.updater
    assert updater is not None
    await updater.start_polling(timeout=10)
    await application.start()

    async def stop() -> None:
        await updater.stop()
        await application.stop()
        await application.shutdown()

    return stop


async def deliver_notifications(library: str) -> Delivered:
    """1,000 queued notifications to distinct residents, sent with Telegram's limits while the
    stand-in answers 429 to anything faster."""
    with tempfile.TemporaryDirectory() as folder:
        async with (
            TelegramStandIn(token=TOKEN) as api,
            _gridbot(api, folder, library, TELEGRAM_LIMITS) as (app, telegram),
        ):
            api.enforce_flood_limits()
            await telegram.connect()
            await _queue(app, NOTIFICATIONS)
            started = time.perf_counter()
            while await app.sender.deliver_due():
                pass
            seconds = time.perf_counter() - started
            return Delivered(seconds, len(api.sent()), api.flood_refusals)


async def _queue(app: App, count: int) -> None:
    """`count` residents who opened a private chat, each with one notification waiting."""
    now = app.clock.now()
    async with app.database.unit() as store:
        people = [Person(name=f"居民{i}", language="zh-CN") for i in range(count)]
        store.add(*people)
        await store.flush()
        for index, person in enumerate(people):
            store.add(
                Identity(
                    platform="telegram",
                    external_id=str(FIRST_USER + index),
                    person_id=person.id or 0,
                    private_chat=True,
                ),
                Outbox(
                    person_id=person.id,
                    text=f"居民{index}，您反映的问题已办结，请评价。",
                    created_at=now,
                    next_attempt_at=now,
                ),
            )


async def _all() -> tuple[dict[str, tuple[float, float]], dict[str, Delivered]]:
    """Every figure: inbound one library after the other (they compete for the CPU), the
    deliveries of both libraries at once (they wait on the rate limit, not the CPU)."""
    inbound = {}
    for library in LIBRARIES:
        inbound[library] = (await gridbot_inbound(library), await echo_inbound(library))
    runs = await asyncio.gather(*(deliver_notifications(lib) for lib in LIBRARIES))
    return inbound, dict(zip(LIBRARIES, runs, strict=True))


def telegram_benchmarks() -> None:
    """Print the Telegram tables (bot and stand-in server share the machine's cores)."""
    os.sched_setaffinity(0, range(os.cpu_count() or 1))  # the intent figures pinned one core
    inbound, delivered = asyncio.run(_all())
    table = Table(
        title=f"Telegram inbound, {INBOUND} private reports from distinct people "
        "(stand-in Bot API, long polling, SQLite)"
    )
    for column in ("library", "gridbot msgs/s", "bare echo bot msgs/s", "gridbot / echo"):
        table.add_column(column)
    for library, (gridbot, echo) in inbound.items():
        table.add_row(library, f"{gridbot:,.0f}", f"{echo:,.0f}", f"{gridbot / echo:.0%}")
    console.print(table)
    table = Table(
        title=f"Telegram outbox: {NOTIFICATIONS:,} notifications to distinct residents, "
        "stand-in enforcing the flood limits"
    )
    for column in ("library", "delivered", "seconds", "msgs/s", "429 answers"):
        table.add_column(column)
    for library, run in delivered.items():
        table.add_row(
            library,
            f"{run.delivered:,}",
            f"{run.seconds:.1f}",
            f"{run.delivered / run.seconds:.1f}",
            str(run.refusals),
        )
    console.print(table)

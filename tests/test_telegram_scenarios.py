"""The Telegram front end through the real client libraries (aiogram and python-telegram-bot)
against the stand-in Bot API server: one scenario suite, run on both."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.adapters.telegram.base import TelegramFrontend
from bot.adapters.telegram.setup import telegram_frontend
from bot.app import App
from bot.http import create_http_app
from bot.ratelimit import Limits, RateLimiter
from bot.settings import Settings
from handlers.ports import ManualClock
from storage.roster import apply_roster, parse_roster
from tests.telegram_server import TelegramStandIn

TOKEN = "123:ABC"
COMMUNITY = Path(__file__).resolve().parent.parent / "bot" / "sample" / "community.yaml"
RESIDENT, LEADER, STRANGER = 29035021, 1001, 777
BUILDING_GROUP = -1002901


@dataclass
class Harness:
    api: TelegramStandIn
    app: App
    telegram: TelegramFrontend

    async def until(self, condition: Callable[[], bool], timeout: float = 15) -> None:
        """Wait for the bot (polling in the background) to have done something."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            assert asyncio.get_running_loop().time() < deadline, "the bot did not react"
            await asyncio.sleep(0.05)

    async def deliver(self) -> None:
        while await self.app.sender.deliver_due():
            pass


async def harness(
    api: TelegramStandIn, tmp_path: Path, library: str, webhook: bool
) -> tuple[App, TelegramFrontend]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'tg.db'}",
        media_dir=tmp_path / "media",
        telegram_token=TOKEN,
        telegram_api_url=api.root,
        telegram_library=library,
        telegram_webhook_url="https://bot.example/telegram/webhook" if webhook else None,
        telegram_webhook_secret="s3cret" if webhook else None,
    )
    app = await App.build(settings, clock=ManualClock())
    async with app.database.unit() as store:
        await apply_roster(store, parse_roster(COMMUNITY))
    telegram = telegram_frontend(app)
    assert telegram is not None
    telegram.limiter = RateLimiter(Limits(1000, 0.0, 1000))  # the limits have their own test
    await telegram.start(settings.telegram_webhook_url, "s3cret" if webhook else None)
    app.sender.add_frontend(telegram)
    return app, telegram


@pytest.fixture(params=["aiogram", "ptb"])
async def polling(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with TelegramStandIn(token=TOKEN) as api:
        app, telegram = await harness(api, tmp_path, request.param, webhook=False)
        try:
            yield Harness(api, app, telegram)
        finally:
            await telegram.stop()
            await app.close()


async def test_report_in_the_group_and_the_leader_acts_by_button(polling: Harness) -> None:
    api = polling.api
    api.text(BUILDING_GROUP, RESIDENT, "大家早上好", chat_type="supergroup")
    report = api.text(
        BUILDING_GROUP, RESIDENT, "楼顶又漏水了，家里的盆都不够用了", chat_type="supergroup"
    )
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    answer = api.sent(BUILDING_GROUP)[0]
    assert answer["text"] == "已登记为工单 #1（漏水渗水），网格长会尽快处理。"  # chatter: silence
    assert answer["reply_to_message_id"] == report["message"]["message_id"]
    await polling.deliver()
    notice = api.sent(LEADER)[-1]
    assert notice["text"].startswith("【新工单 #1】漏水渗水")
    keyboard = notice["reply_markup"]["inline_keyboard"]
    assert [b["text"] for row in keyboard for b in row] == ["受理", "进度", "办结", "上报", "转派"]
    stranger = api.callback(
        STRANGER, STRANGER, notice["message_id"], keyboard[0][0]["callback_data"]
    )
    await polling.until(lambda: len(api.answers) == 1)
    assert api.answers[0]["text"] == "您没有权限进行这个操作。" and api.answers[0]["show_alert"]
    pressed = api.callback(LEADER, LEADER, notice["message_id"], keyboard[0][0]["callback_data"])
    api.push(pressed)  # the same update again (a webhook retry): handled once
    await polling.until(lambda: len(api.answers) == 2)
    assert api.answers[1]["text"] == "已受理工单 #1。"
    await polling.deliver()
    assert any("已由高艳娜受理" in m["text"] for m in api.sent(RESIDENT))
    await asyncio.sleep(0.3)
    assert len(api.answers) == 2 and stranger["update_id"] != pressed["update_id"]


async def test_unreachable_resident_is_told_in_the_group(polling: Harness) -> None:
    api = polling.api
    api.block(RESIDENT)
    api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了", chat_type="supergroup")
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    api.text(LEADER, LEADER, "受理 1", chat_type="private")
    await polling.until(lambda: len(api.sent(LEADER)) >= 1)
    await polling.deliver()
    group = [m["text"] for m in api.sent(BUILDING_GROUP)]
    assert group[-1] == "工单 #1 有新进展，请私聊我查看详情。"


async def test_sticker_and_photo(polling: Harness) -> None:
    api = polling.api
    api.sticker(RESIDENT, RESIDENT, chat_type="private")
    await polling.until(lambda: len(api.sent(RESIDENT)) == 1)
    assert api.sent(RESIDENT)[0]["text"] == "暂时只能识别文字和图片，请用文字描述问题。"
    api.photo(
        BUILDING_GROUP,
        RESIDENT,
        "photo-1",
        caption="楼道灯坏了好几天了",
        content=b"\xff\xd8\xff\xe0 a photo",
        chat_type="supergroup",
    )
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    async with polling.app.database.unit() as store:
        photos = await store.photos(1)
    assert len(photos) == 1
    assert polling.app.media.path(photos[0].path).read_bytes() == b"\xff\xd8\xff\xe0 a photo"


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_webhook_needs_the_secret(tmp_path: Path, library: str) -> None:
    async with TelegramStandIn(token=TOKEN) as api:
        app, telegram = await harness(api, tmp_path, library, webhook=True)
        try:
            assert api.webhook is not None and api.webhook["secret_token"] == "s3cret"
            update = api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了", chat_type="supergroup")
            transport = httpx.ASGITransport(app=create_http_app(app, telegram))
            async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
                refused = await client.post("/telegram/webhook", json=update)
                wrong = await client.post(
                    "/telegram/webhook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "nope"},
                )
                assert (refused.status_code, wrong.status_code) == (403, 403)
                assert api.sent(BUILDING_GROUP) == []
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
                for _ in range(2):  # Telegram retries: the ticket is opened once
                    ok = await client.post("/telegram/webhook", json=update, headers=headers)
                    assert ok.status_code == 200
            assert [m["text"] for m in api.sent(BUILDING_GROUP)] == [
                "已登记为工单 #1（漏水渗水），网格长会尽快处理。"
            ]
        finally:
            await telegram.stop()
            await app.close()

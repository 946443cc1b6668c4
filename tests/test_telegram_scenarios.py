"""The Telegram front end through the real client libraries (aiogram and python-telegram-bot)
against the stand-in Bot API server: one scenario suite, run on both."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from bot.adapters.telegram.base import TELEGRAM_LIMITS, TelegramFrontend
from bot.adapters.telegram.setup import telegram_frontend
from bot.app import App
from bot.delivery import Delivery
from bot.http import create_http_app
from bot.ratelimit import Limits, RateLimiter
from bot.settings import Settings
from handlers.ports import ManualClock
from storage.models import Outbox
from storage.roster import apply_roster, parse_roster
from tests.conftest import service_url, unavailable
from tests.telegram_server import TelegramStandIn

TOKEN = "123:ABC"
COMMUNITY = Path(__file__).resolve().parent.parent / "bot" / "sample" / "community.yaml"
RESIDENT, LEADER, STRANGER = 29035021, 1001, 777
BUILDING_GROUP, GRID_GROUP = -1002901, -1001001


async def store_person(harness: Harness, telegram_id: int) -> int:
    """The roster id of a Telegram user."""
    async with harness.app.database.unit() as store:
        person = await store.person_by_identity("telegram", str(telegram_id))
        assert person is not None
        return person.id or 0


def labels(message: dict[str, object] | None) -> list[str]:
    """The inline buttons a message shows now."""
    assert message is not None
    markup = message.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def data_of(message: dict[str, object], label: str) -> str:
    """The callback data of the button with this label."""
    markup = message["reply_markup"]
    assert isinstance(markup, dict)
    return next(
        b["callback_data"] for row in markup["inline_keyboard"] for b in row if b["text"] == label
    )


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

    async def answered(self, count: int) -> dict[str, object]:
        """Wait for the bot's answer to the count-th button press; that answer."""
        await self.until(lambda: len(self.api.answers) >= count)
        return self.api.answers[count - 1]


async def harness(
    api: TelegramStandIn, tmp_path: Path, library: str, webhook: bool, redis_url: str | None = None
) -> tuple[App, TelegramFrontend]:
    settings = Settings(
        redis_url=redis_url,
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
    news = api.sent(BUILDING_GROUP)[-1]
    assert news["text"] == (
        "吕新安，工单 #1 有新进展，请私聊我查看详情。\nhttps://t.me/gridbot_test_bot?start=t1"
    )
    assert "高艳娜" not in news["text"]  # names and notes stay out of the group
    # the resident's name is a mention, so Telegram notifies them
    (mention,) = news["entities"]
    assert (mention["type"], mention["offset"], mention["length"]) == ("text_mention", 0, 3)
    assert mention["user"]["id"] == RESIDENT
    async with polling.app.database.unit() as store:
        rows = await store.messages_for_ticket(1)
    resident = await store_person(polling, RESIDENT)
    assert {r.status for r in rows if r.person_id == resident} == {"fell_back"}


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


async def test_the_whole_loop_with_the_leaders_card_edited_in_place(polling: Harness) -> None:
    api = polling.api
    api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了，家里的盆都不够用了", chat_type="supergroup")
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    await polling.deliver()
    [card] = api.sent(LEADER)
    card_id = card["message_id"]

    api.callback(LEADER, LEADER, card_id, data_of(card, "受理"))
    assert (await polling.answered(1))["text"] == "已受理工单 #1。"
    await polling.deliver()
    assert len(api.sent(LEADER)) == 1  # the leader's chat does not fill up: the card changed
    now = api.message(LEADER, card_id)
    assert now is not None and "状态：已受理 · 网格 · 处理人：高艳娜" in now["text"]
    assert labels(now) == ["进度", "办结", "上报", "转派"]
    assert [(e["method"], e["chat_id"], int(e["message_id"])) for e in api.edits] == [
        ("editMessageText", LEADER, card_id)
    ]

    api.text(LEADER, LEADER, "已联系物业，明天上午上楼顶修", reply_to_message_id=card_id)
    await polling.until(lambda: len(api.sent(LEADER)) == 2)
    assert api.sent(LEADER)[-1]["text"] == "进展已通知居民（工单 #1）。"
    api.text(LEADER, LEADER, "办结 1 防水层已补好", chat_type="private")
    await polling.until(lambda: len(api.sent(LEADER)) == 3)
    await polling.deliver()
    resident = [m["text"] for m in api.sent(RESIDENT)]
    assert "工单 #1（漏水渗水）有新进展：已联系物业，明天上午上楼顶修" in resident
    assert "工单 #1（漏水渗水）已办结：防水层已补好" in resident
    now = api.message(LEADER, card_id)
    assert now is not None and "状态：已办结" in now["text"] and labels(now) == []
    rating = next(m for m in api.sent(RESIDENT) if m.get("reply_markup"))
    assert labels(rating) == ["1 满意", "2 基本满意", "3 不满意"]

    api.callback(RESIDENT, RESIDENT, rating["message_id"], data_of(rating, "1 满意"))
    assert (await polling.answered(2))["text"] == "感谢您的评价，工单 #1 已关闭。"
    await polling.deliver()
    async with polling.app.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and (ticket.state, ticket.rating) == ("closed", "satisfied")
        trail = [e.action for e in await store.events(1)]
        statuses = {r.status for r in await store.messages_for_ticket(1)}
    assert trail == ["report", "acknowledge", "progress", "resolve", "rate"]
    assert statuses == {"delivered"}
    now = api.message(LEADER, card_id)
    assert now is not None and "状态：已关闭" in now["text"]


async def test_a_stranger_joins_the_ticket_and_registers_by_flat(polling: Harness) -> None:
    api = polling.api
    api.text(BUILDING_GROUP, RESIDENT, "3单元楼顶又漏水了", chat_type="supergroup")
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    api.text(
        BUILDING_GROUP,
        STRANGER,
        "3单元楼顶漏水，我家也是",
        chat_type="supergroup",
        first_name="小王",
    )
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 2)
    joined = api.sent(BUILDING_GROUP)[1]["text"]
    assert joined.startswith("这个问题已有邻居反映（工单 #1，漏水渗水）")
    assert "我们还不认识您" in joined
    assert joined.endswith("https://t.me/gridbot_test_bot?start=reg")
    async with polling.app.database.unit() as store:
        stranger = await store.person_by_identity("telegram", str(STRANGER))
        assert stranger is not None and not stranger.confirmed
        assert await store.followers(1) == [stranger.id]

    api.text(STRANGER, STRANGER, "/start reg", chat_type="private")
    await polling.until(lambda: len(api.sent(STRANGER)) == 3)
    _, ask, chooser = api.sent(STRANGER)
    assert ask["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert labels(chooser) == ["29号楼", "30号楼", "31号楼"]
    chooser_id = chooser["message_id"]
    for count, label in enumerate(("29号楼", "3单元", "29号楼3单元501室"), start=1):
        current = api.message(STRANGER, chooser_id)
        assert current is not None
        api.callback(STRANGER, STRANGER, chooser_id, data_of(current, label))
        await polling.answered(count)
        await polling.until(lambda n=count: len(api.edits) == n)  # type: ignore[misc]
    final = api.message(STRANGER, chooser_id)
    assert final is not None
    assert final["text"] == "已请网格长确认您住在29号楼3单元501室，确认后会通知您。"
    assert len(api.sent(STRANGER)) == 3  # every step edited the one message

    await polling.deliver()
    request = api.sent(LEADER)[-1]
    assert request["text"] == "【登记确认】小王 说自己住在29号楼3单元501室，是否确认？"
    api.callback(RESIDENT, RESIDENT, request["message_id"], data_of(request, "确认"))
    assert (await polling.answered(4))["text"] == "您没有权限进行这个操作。"
    api.callback(LEADER, LEADER, request["message_id"], data_of(request, "确认"))
    assert (await polling.answered(5))["text"] == "已确认 小王 的登记。"
    await polling.deliver()
    assert api.sent(STRANGER)[-1]["text"].startswith("登记成功：小王，29号楼3单元501室")
    async with polling.app.database.unit() as store:
        stranger = await store.person_by_identity("telegram", str(STRANGER))
        assert stranger is not None and stranger.confirmed and not stranger.owner


async def test_escalation_moves_the_card_and_tells_the_office(polling: Harness) -> None:
    api = polling.api
    api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了", chat_type="supergroup")
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    await polling.deliver()
    card_id = api.sent(LEADER)[0]["message_id"]
    clock = polling.app.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(days=2))  # nobody acknowledged in time
    assert await polling.app.scheduler.tick() >= 1
    await polling.deliver()
    for staff in (9001, 9002):
        escalated = api.sent(staff)[-1]
        assert escalated["text"].startswith("【上报工单 #1】漏水渗水，已升至社区")
        assert "受理" in labels(escalated)
    now = api.message(LEADER, card_id)
    assert now is not None and "社区" in now["text"].splitlines()[-2]
    assert any("已上报至社区处理" in m["text"] for m in api.sent(RESIDENT))


async def test_an_unreachable_leader_is_asked_in_the_grid_chat(polling: Harness) -> None:
    api = polling.api
    api.block(LEADER)
    api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了", chat_type="supergroup")
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    await polling.deliver()
    [invite] = api.sent(GRID_GROUP)
    assert invite["text"].startswith("高艳娜，有工单 #1 等您处理，但我无法私信您。")
    assert invite["text"].endswith("https://t.me/gridbot_test_bot?start=t1")
    assert "漏水" not in invite["text"] and "吕新安" not in invite["text"]
    api.unblock(LEADER)  # the leader follows the link and presses Start
    api.text(LEADER, LEADER, "/start t1", chat_type="private")
    await polling.until(lambda: len(api.sent(LEADER)) == 2)
    card = api.sent(LEADER)[1]
    assert card["text"].startswith("工单 #1（漏水渗水）· 待受理") and "受理" in labels(card)
    api.callback(LEADER, LEADER, card["message_id"], data_of(card, "受理"))
    assert (await polling.answered(1))["text"] == "已受理工单 #1。"
    async with polling.app.database.unit() as store:
        identity = await store.identity("telegram", str(LEADER))
        assert identity is not None and identity.private_chat


async def test_429_is_waited_out_and_nothing_is_lost(polling: Harness) -> None:
    api = polling.api
    api.throttle(LEADER, retry_after=7)
    api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了", chat_type="supergroup")
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    await polling.deliver()
    assert api.sent(LEADER) == [] and len(api.calls_to("sendMessage")) == 2  # reply + the 429
    async with polling.app.database.unit() as store:
        [row] = [r for r in await store.messages_for_ticket(1) if r.card]
    clock = polling.app.clock
    assert isinstance(clock, ManualClock)
    assert row.status == "pending" and row.next_attempt_at == clock.now() + timedelta(seconds=7)
    assert "retry in 7 seconds" in row.last_error.lower()  # both libraries' wording
    clock.advance(timedelta(seconds=6))
    await polling.deliver()
    assert api.sent(LEADER) == []  # not before Telegram said
    clock.advance(timedelta(seconds=1))
    await polling.deliver()
    assert len(api.sent(LEADER)) == 1 and api.sent(LEADER)[0]["text"].startswith("【新工单 #1】")


async def test_repeats_forgeries_and_strangers_change_nothing(polling: Harness) -> None:
    api = polling.api
    report = api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了", chat_type="supergroup")
    api.push(report)  # the same update again: one ticket, one answer
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    await polling.deliver()
    card = api.sent(LEADER)[0]
    forged = ["t:acknowledge:999", "t:fly:1", "zz", "r:1:9", "c:x:y", "h:f:999", "g:999:y"]
    for data in forged:
        api.callback(LEADER, LEADER, card["message_id"], data)
    api.callback(RESIDENT, RESIDENT, card["message_id"], data_of(card, "受理"))
    api.callback(RESIDENT, RESIDENT, card["message_id"], data_of(card, "办结"))
    await polling.until(lambda: len(api.answers) == len(forged) + 2)
    assert all(a["show_alert"] for a in api.answers)
    texts = sorted(a["text"] for a in api.answers)  # aiogram serves updates concurrently
    assert texts == sorted(
        [
            "没有找到工单 #999。",
            "这个按钮已失效。",
            "这个按钮已失效。",
            "这个按钮已失效。",
            "这条登记已经处理过了。",  # g:999:y, a registration that never was
            "请回复 1、2 或 3 进行评价。",  # r:1:9, a rating that does not exist
            "您已完成登记，无需再选。",  # the leader is on the roster: no flat to choose
            "您没有权限进行这个操作。",
            "您没有权限进行这个操作。",
        ]
    )
    await asyncio.sleep(0.3)
    assert len(api.sent(BUILDING_GROUP)) == 1
    async with polling.app.database.unit() as store:
        assert await store.ticket_count() == 1
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.state == "new"
        assert [e.action for e in await store.events(1)] == ["report"]


async def test_bind_then_the_group_becomes_a_supergroup(polling: Harness) -> None:
    api = polling.api
    old, new = -4242, -1004242
    api.add_chat(old, "group", title="30号楼邻里群")
    api.text(old, RESIDENT, "/bind building:30", chat_type="group")
    await polling.until(lambda: len(api.sent(old)) == 1)
    assert api.sent(old)[0]["text"] == "您没有权限进行这个操作。"  # a resident may not bind
    api.text(old, LEADER, "/bind@gridbot_test_bot building:30", chat_type="group")
    await polling.until(lambda: len(api.sent(old)) == 2)
    assert api.sent(old)[1]["text"] == "本群已绑定到30号楼，居民在群里反映的问题会自动登记。"
    api.migrate(old, new, user_id=LEADER)
    api.text(new, STRANGER, "楼道灯坏了好几天了", chat_type="supergroup")
    await polling.until(lambda: len(api.sent(new)) == 1)
    assert api.sent(new)[0]["text"].startswith("已登记为工单 #1（")
    async with polling.app.database.unit() as store:
        assert await store.chat("telegram", str(old)) is None
        chat = await store.chat("telegram", str(new))
        assert chat is not None and (chat.scope_kind, chat.scope_id) == ("building", "30")
        ticket = await store.ticket(1)
        assert ticket is not None and (ticket.building, ticket.grid_id) == ("30", "G01")


async def test_tickets_and_a_long_ticket_split_below_the_limit(polling: Harness) -> None:
    api = polling.api
    api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了", chat_type="supergroup")
    await polling.until(lambda: len(api.sent(BUILDING_GROUP)) == 1)
    api.text(RESIDENT, RESIDENT, "30号楼楼道灯坏了好几天了", chat_type="private")
    await polling.until(lambda: len(api.sent(RESIDENT)) == 1)
    api.text(LEADER, LEADER, "受理 1", chat_type="private")
    await polling.until(lambda: len(api.sent(LEADER)) == 1)  # aiogram serves updates in parallel
    notes = [f"第{i}次进展：" + "已联系物业维修班组上门查看防水层和排水口，" * 28 for i in range(8)]
    for note in notes:
        api.text(LEADER, LEADER, f"进度 1 {note}", chat_type="private")
    await polling.until(lambda: len(api.sent(LEADER)) == 1 + len(notes))
    await polling.deliver()
    before = len(api.sent(LEADER))
    api.text(LEADER, LEADER, "/tickets", chat_type="private")
    await polling.until(lambda: len(api.sent(LEADER)) == before + 1)
    listing = api.sent(LEADER)[-1]["text"].splitlines()
    assert listing[0] == "未结工单："
    assert listing[1].startswith("#1 漏水渗水 · 处理中 · 已等") and "期限" in listing[1]
    assert listing[2].startswith("#2 ")
    api.text(LEADER, LEADER, "/ticket 1", chat_type="private")
    await polling.until(lambda: len(api.sent(LEADER)) > before + 2)
    await asyncio.sleep(0.3)
    parts = [m["text"] for m in api.sent(LEADER)[before + 1 :]]
    assert len(parts) >= 2 and all(len(p) <= 4096 for p in parts)
    whole = "\n".join(parts)
    assert whole.startswith("工单 #1（漏水渗水）· 处理中 · 网格")
    assert all(note in whole for note in notes)
    assert "通知 吕新安：已送达" in whole and "通知 高艳娜：已送达" in whole
    seen = len(api.sent(RESIDENT))
    api.text(RESIDENT, RESIDENT, "/ticket 2", chat_type="private")
    await polling.until(lambda: len(api.sent(RESIDENT)) == seen + 1)
    own = api.sent(RESIDENT)[-1]["text"]
    assert own.startswith("工单 #2（照明）· 待受理") and "吕新安 反映" in own  # the reporter's own
    api.text(RESIDENT, RESIDENT, "/tickets", chat_type="private")
    await polling.until(lambda: len(api.sent(RESIDENT)) == seen + 2)
    assert api.sent(RESIDENT)[-1]["text"] == "您没有权限进行这个操作。"  # /tickets is for leaders


async def test_the_rate_limiter_keeps_under_the_flood_limits(polling: Harness) -> None:
    api = polling.api
    api.enforce_flood_limits()
    polling.telegram.limiter = RateLimiter(TELEGRAM_LIMITS)
    for chat_id in range(1, 37):
        api.add_chat(chat_id, "private")
    deliveries = [Delivery(str(chat_id), f"通知 {chat_id}") for chat_id in range(1, 37)]
    deliveries += [Delivery(str(RESIDENT), f"第{i}条") for i in range(3)]  # one chat, 1/s
    await asyncio.gather(*(polling.telegram.send(d) for d in deliveries))
    assert api.flood_refusals == 0 and len(api.sent()) == len(deliveries)
    assert [m["text"] for m in api.sent(RESIDENT)] == ["第0条", "第1条", "第2条"]


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_repeated_updates_are_claimed_in_redis(tmp_path: Path, library: str) -> None:
    from redis.asyncio import Redis

    url = service_url("GRIDBOT_TEST_REDIS_URL", "Redis")
    redis = Redis.from_url(url)
    try:
        await redis.ping()
    except OSError as exc:
        unavailable(f"Redis at {url} is unreachable: {exc}")
    update_id = os.getpid() * 10 + (library == "ptb")  # unique to this run
    key = f"gridbot:update:telegram:{update_id}"
    await redis.delete(key)
    try:
        async with TelegramStandIn(token=TOKEN) as api:
            app, telegram = await harness(api, tmp_path, library, webhook=True, redis_url=url)
            try:
                update = api.text(BUILDING_GROUP, RESIDENT, "楼顶又漏水了", chat_type="supergroup")
                for _ in range(2):  # a retried webhook: the claim in Redis holds
                    await telegram.handle_update({**update, "update_id": update_id})
                assert len(api.sent(BUILDING_GROUP)) == 1
                assert await redis.exists(key) == 1
                async with app.database.unit() as store:
                    assert await store.ticket_count() == 1
            finally:
                await telegram.stop()
                await app.close()
    finally:
        await redis.delete(key)
        await redis.aclose()


async def test_an_announcement_is_pinned_where_the_bot_may(polling: Harness) -> None:
    api = polling.api
    api.add_chat(GRID_GROUP, "supergroup")
    api.add_chat(BUILDING_GROUP, "supergroup")
    api.set_bot_member(GRID_GROUP, "administrator", can_pin_messages=True)
    api.set_bot_member(BUILDING_GROUP, "member")
    api.text(LEADER, LEADER, "/announce G01 明天上午9点至12点停水，请提前储水。")
    await polling.until(lambda: len(api.sent(LEADER)) == 1)
    assert api.sent(LEADER)[0]["text"].startswith("公告已发往网格 G01的 2 个群")
    await polling.deliver()
    notice = "【公告】明天上午9点至12点停水，请提前储水。\n——高艳娜"
    assert [m["text"] for m in api.sent(GRID_GROUP)] == [notice]
    assert [m["text"] for m in api.sent(BUILDING_GROUP)] == [notice]
    pins = api.calls_to("pinChatMessage")
    assert sorted(int(p["chat_id"]) for p in pins) == sorted([GRID_GROUP, BUILDING_GROUP])
    pinned = api.pinned(GRID_GROUP)
    assert pinned is not None and pinned["message_id"] == api.sent(GRID_GROUP)[0]["message_id"]
    assert api.pinned(BUILDING_GROUP) is None  # no right there: sent, not pinned, not retried
    async with polling.app.database.unit() as store:
        rows = {r.chat_id: r for r in (await store.session.exec(select(Outbox))).all()}
    assert rows[str(GRID_GROUP)].status == rows[str(BUILDING_GROUP)].status == "delivered"
    assert rows[str(GRID_GROUP)].last_error == ""
    assert rows[str(BUILDING_GROUP)].last_error.startswith("sent, not pinned")

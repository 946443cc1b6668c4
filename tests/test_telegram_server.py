"""Smoke tests of the Bot API stand-in, driven by the real aiogram and python-telegram-bot."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import telegram
import telegram.error
from aiogram import Bot as AiogramBot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from aiohttp import ClientSession, web

from tests.loopback import serve_on_loopback
from tests.telegram_server import SECRET_HEADER, TelegramStandIn

TOKEN = "123:ABC"
GROUP = -1001234
ALICE = 42


@pytest.fixture
async def api() -> AsyncIterator[TelegramStandIn]:
    """A running stand-in."""
    async with TelegramStandIn(token=TOKEN) as server:
        yield server


@pytest.fixture
async def bot(api: TelegramStandIn) -> AsyncIterator[AiogramBot]:
    """An aiogram Bot talking to the stand-in."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.root))
    aiogram_bot = AiogramBot(TOKEN, session=session)
    yield aiogram_bot
    await aiogram_bot.session.close()


def ptb_bot(api: TelegramStandIn, token: str = TOKEN) -> telegram.Bot:
    """A python-telegram-bot Bot talking to the stand-in."""
    return telegram.Bot(token, base_url=f"{api.root}/bot", base_file_url=f"{api.root}/file/bot")


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (text, callback_data)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
            for row in rows
        ]
    )


# ------------------------------------------------------------------ aiogram


async def test_aiogram_get_me(api: TelegramStandIn, bot: AiogramBot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (
        123,
        True,
        "gridbot",
        "gridbot_test_bot",
    )
    assert me.can_join_groups and not me.can_read_all_group_messages
    assert me.supports_inline_queries is False
    assert api.calls == [("getMe", {})]


async def test_aiogram_send_message_with_inline_keyboard(
    api: TelegramStandIn, bot: AiogramBot
) -> None:
    api.text(GROUP, ALICE, "路灯坏了", first_name="Alice")
    markup = keyboard([("接单", "take:7"), ("转派", "pass:7")])
    first = await bot.send_message(GROUP, "<b>工单 #7</b> 已创建", parse_mode="HTML")
    second = await bot.send_message(
        GROUP, "请选择", reply_markup=markup, reply_parameters=ReplyParameters(message_id=1)
    )

    assert (first.message_id, second.message_id) == (2, 3)  # ids are per chat, after Alice's
    assert second.chat.type == "supergroup"
    assert second.reply_markup is not None
    assert second.reply_markup.model_dump(exclude_none=True) == markup.model_dump(exclude_none=True)
    assert second.reply_to_message is not None and second.reply_to_message.text == "路灯坏了"
    sent = api.sent(GROUP)
    assert [m["text"] for m in sent] == ["<b>工单 #7</b> 已创建", "请选择"]
    assert sent[0]["parse_mode"] == "HTML"
    assert sent[1]["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "接单",
        "callback_data": "take:7",
    }
    assert sent[1]["reply_to_message_id"] == 1
    assert api.sent(999) == []
    method, params = api.calls[-1]
    assert method == "sendMessage" and params["chat_id"] == GROUP


async def test_aiogram_get_updates_offset_and_long_poll(
    api: TelegramStandIn, bot: AiogramBot
) -> None:
    sent = await bot.send_message(GROUP, "工单 #7", reply_markup=keyboard([("接单", "take:7")]))
    api.text(GROUP, ALICE, "/new 路灯坏了", chat_type="supergroup")
    api.callback(GROUP, ALICE, sent.message_id, "take:7")

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [1, 2]
    message, query = updates[0].message, updates[1].callback_query
    assert message is not None and message.text == "/new 路灯坏了"
    assert message.entities is not None and message.entities[0].type == "bot_command"
    assert query is not None and query.data == "take:7" and query.from_user.id == ALICE
    assert query.message is not None and query.message.message_id == sent.message_id

    # Unconfirmed updates come again; an offset confirms them.
    assert len(await bot.get_updates()) == 2
    assert await bot.get_updates(offset=3, timeout=0) == []
    assert api.pending == []

    # A long poll returns as soon as an update is pushed.
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, api.text, ALICE, ALICE, "你好")
    started = time.monotonic()
    updates = await bot.get_updates(offset=3, timeout=5)
    assert 0.15 < time.monotonic() - started < 3
    assert [u.message.text for u in updates if u.message] == ["你好"]
    assert updates[0].message is not None and updates[0].message.chat.type == "private"

    # allowed_updates filters what comes back.
    api.text(GROUP, ALICE, "hello")
    api.callback(GROUP, ALICE, sent.message_id, "take:7")
    updates = await bot.get_updates(offset=4, allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in updates] == [True]

    # With a timeout and nothing to deliver, it waits the timeout and answers [].
    started = time.monotonic()
    assert await bot.get_updates(offset=7, timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_aiogram_failures(api: TelegramStandIn, bot: AiogramBot) -> None:
    api.block(ALICE)
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(ALICE, "你好")
    api.unblock(ALICE)

    api.throttle(GROUP, retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(GROUP, "工单")
        assert caught.value.retry_after == 7
    assert (await bot.send_message(GROUP, "工单")).text == "工单"

    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(GROUP, "长" * 4097)
    assert (await bot.send_message(GROUP, "长" * 4096)).text == "长" * 4096
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(GROUP, "a <b>b", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(GROUP, "x", reply_markup=keyboard([("x", "d" * 65)]))
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(GROUP, "x", reply_parameters=ReplyParameters(message_id=999))
    assert [m["text"] for m in api.sent()] == ["工单", "长" * 4096]

    api.migrate(-555, GROUP)
    with pytest.raises(TelegramMigrateToChat) as migrated:
        await bot.send_message(-555, "hello")
    assert migrated.value.migrate_to_chat_id == GROUP


async def test_aiogram_get_file_download_and_upload(api: TelegramStandIn, bot: AiogramBot) -> None:
    update = api.photo(GROUP, ALICE, "photo-1", caption="井盖", content=b"\xff\xd8jpeg")
    assert update["message"]["photo"][0]["file_size"] == 6

    file = await bot.get_file("photo-1")
    assert file.file_path == "photos/photo-1.jpg" and file.file_size == 6
    downloaded = await bot.download("photo-1")
    assert downloaded is not None and downloaded.read() == b"\xff\xd8jpeg"
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")

    # A multipart upload becomes a file the bot can fetch again.
    message = await bot.send_photo(
        GROUP, BufferedInputFile(b"PNGDATA", filename="chart.png"), caption="图表"
    )
    assert message.photo is not None and message.caption == "图表"
    params = api.calls_to("sendPhoto")[0]
    assert params["photo"].filename == "chart.png" and params["chat_id"] == GROUP
    assert api.file_content(message.photo[0].file_id) == b"PNGDATA"


async def test_aiogram_edits_answers_pins_polls(api: TelegramStandIn, bot: AiogramBot) -> None:
    sent = await bot.send_message(GROUP, "工单 #7 待接单", reply_markup=keyboard([("接单", "t")]))
    update = api.callback(GROUP, ALICE, sent.message_id, "t")
    query_id = update["callback_query"]["id"]
    assert await bot.answer_callback_query(query_id, text="已接单", show_alert=True)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    assert api.answers == [{"callback_query_id": query_id, "text": "已接单", "show_alert": True}]

    edited = await bot.edit_message_text(
        "工单 #7 已接单", chat_id=GROUP, message_id=sent.message_id
    )
    assert not isinstance(edited, bool) and edited.edit_date is not None
    assert edited.reply_markup is None  # editing text without reply_markup drops the keyboard
    stored = api.message(GROUP, sent.message_id)
    assert stored is not None and stored["text"] == "工单 #7 已接单"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("工单 #7 已接单", chat_id=GROUP, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        chat_id=GROUP, message_id=sent.message_id, reply_markup=keyboard([("关闭", "c")])
    )
    assert [e["method"] for e in api.edits] == ["editMessageText", "editMessageReplyMarkup"]

    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await bot.pin_chat_message(GROUP, sent.message_id)
    api.set_bot_member(GROUP, "administrator", can_pin_messages=True)
    assert await bot.pin_chat_message(GROUP, sent.message_id)
    member = await bot.get_chat_member(GROUP, 123)
    assert member.status == "administrator" and getattr(member, "can_pin_messages", False)
    admins = await bot.get_chat_administrators(GROUP)
    assert [a.user.id for a in admins] == [123]
    chat = await bot.get_chat(GROUP)
    assert chat.pinned_message is not None and chat.pinned_message.message_id == sent.message_id

    assert await bot.delete_message(GROUP, sent.message_id)
    assert api.deleted == [(GROUP, sent.message_id)]
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(GROUP, sent.message_id)

    poll_message = await bot.send_poll(
        GROUP, "处理满意吗？", ["满意", "不满意"], is_anonymous=False
    )
    assert poll_message.poll is not None and not poll_message.poll.is_anonymous
    answer = api.poll_answer(poll_message.poll.id, ALICE, [0])
    updates = await bot.get_updates()
    assert updates[-1].poll_answer is not None
    assert updates[-1].poll_answer.option_ids == [0]
    assert answer["poll_answer"]["user"]["id"] == ALICE
    stopped = await bot.stop_poll(GROUP, poll_message.message_id)
    assert stopped.is_closed and stopped.options[0].voter_count == 1

    commands = [BotCommand(command="new", description="报事")]
    assert await bot.set_my_commands(commands)
    assert [c.command for c in await bot.get_my_commands()] == ["new"]
    assert api.my_commands() == [{"command": "new", "description": "报事"}]


async def test_raw_http_json_body_wrong_token_and_unknown_method(api: TelegramStandIn) -> None:
    async with ClientSession() as http:
        url = f"{api.root}/bot{TOKEN}/sendMessage"
        body = {"chat_id": ALICE, "text": "123", "reply_markup": '{"inline_keyboard": []}'}
        async with http.post(url, json=body) as response:
            answer = await response.json()
        assert response.status == 200 and answer["ok"] and answer["result"]["text"] == "123"
        assert api.calls[-1][1]["reply_markup"] == {"inline_keyboard": []}

        async with http.post(f"{api.root}/bot999:XYZ/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.post(f"{api.root}/bot{TOKEN}/launchRocket") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found: method not found"

    aiogram_bot = AiogramBot(
        "999:XYZ", session=AiohttpSession(api=TelegramAPIServer.from_base(api.root))
    )
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await aiogram_bot.get_me()
    finally:
        await aiogram_bot.session.close()


async def test_stop_releases_a_pending_long_poll() -> None:
    async with TelegramStandIn(token=TOKEN) as api:
        bot = AiogramBot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.root)))
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0.2)
        started = time.monotonic()
    assert time.monotonic() - started < 3
    assert await asyncio.wait_for(poll, 3) == []
    await bot.session.close()


async def test_a_second_long_poll_ends_the_first_with_409(
    api: TelegramStandIn, bot: AiogramBot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(bot.get_updates(timeout=10))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 3)
    api.text(ALICE, ALICE, "hi")
    assert len(await asyncio.wait_for(second, 3)) == 1


# ------------------------------------------------------------------ python-telegram-bot


async def test_ptb_round_trip(api: TelegramStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with ptb_bot(api) as bot:
        me = await bot.get_me()
        assert (me.id, me.username) == (123, "gridbot_test_bot")

        contact_keyboard = telegram.ReplyKeyboardMarkup(
            [[telegram.KeyboardButton("分享手机号", request_contact=True)]],
            one_time_keyboard=True,
        )
        message = await bot.send_message(ALICE, "请分享手机号", reply_markup=contact_keyboard)
        assert message.text == "请分享手机号" and message.chat.id == ALICE
        [sent] = api.sent(ALICE)
        assert sent["reply_markup"]["keyboard"][0][0] == {
            "text": "分享手机号",
            "request_contact": True,
        }

        api.contact(ALICE, ALICE, "+8613800000000")
        api.text(GROUP, ALICE, "/start@gridbot_test_bot")
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message is not None and updates[0].message.contact is not None
        assert updates[0].message.contact.phone_number == "+8613800000000"
        assert updates[0].message.contact.user_id == ALICE
        assert updates[1].message is not None and updates[1].message.text is not None
        assert updates[1].message.entities[0].length == len("/start@gridbot_test_bot")
        assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()

        api.block(ALICE)
        with pytest.raises(telegram.error.Forbidden, match="bot can't initiate conversation"):
            await bot.send_message(ALICE, "hi")
        api.throttle(GROUP, retry_after=3)
        with pytest.raises(telegram.error.RetryAfter) as caught:
            await bot.send_message(GROUP, "hi")
        assert caught.value.retry_after == timedelta(seconds=3)
        with pytest.raises(telegram.error.BadRequest, match=r"[Mm]essage is too long"):
            await bot.send_message(GROUP, "x" * 4097)

        api.add_file("doc-1", b"roster", file_path="documents/roster.xlsx")
        file = await bot.get_file("doc-1")
        assert file.file_path == f"{api.root}/file/bot{TOKEN}/documents/roster.xlsx"
        assert bytes(await file.download_as_bytearray()) == b"roster"

        document = await bot.send_document(GROUP, io.BytesIO(b"csv,data"), filename="t.csv")
        assert document.document is not None and document.document.file_name == "t.csv"
        assert api.file_content(document.document.file_id) == b"csv,data"

    with pytest.raises(telegram.error.InvalidToken):
        async with ptb_bot(api, "999:XYZ"):
            pass


# ------------------------------------------------------------------ webhook


async def test_webhook_round_trip(api: TelegramStandIn, bot: AiogramBot) -> None:
    received: list[dict[str, object]] = []
    secret = "s3cret-token"

    async def endpoint(request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != secret:
            return web.Response(status=403)
        update = await request.json()
        received.append(update)
        chat_id = update["message"]["chat"]["id"]
        return web.json_response({"method": "sendMessage", "chat_id": chat_id, "text": "收到"})

    app = web.Application()
    app.router.add_post("/telegram", endpoint)
    runner, root = await serve_on_loopback(app)
    url = f"{root}/telegram"
    try:
        api.text(GROUP, ALICE, "stale")
        assert await bot.set_webhook(
            url, secret_token=secret, allowed_updates=["message"], drop_pending_updates=True
        )
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        assert info.allowed_updates == ["message"]
        assert api.webhook is not None and api.webhook["secret_token"] == secret
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()

        update = api.text(GROUP, ALICE, "路灯坏了")  # queued, but a test delivers it itself
        delivered = {"message": update["message"]}
        assert await api.deliver_webhook(delivered) == 200
        assert received == [delivered] and isinstance(delivered["update_id"], int)
        assert api.sent(GROUP)[-1]["text"] == "收到"  # the reply in the webhook response ran

        await bot.set_webhook(url, secret_token="another")
        assert await api.deliver_webhook({"message": update["message"]}) == 403
        assert len(received) == 1

        assert await bot.delete_webhook(drop_pending_updates=True)
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.get_updates() == []
        with pytest.raises(RuntimeError, match="no webhook"):
            await api.deliver_webhook({"message": update["message"]})
    finally:
        await runner.cleanup()


async def test_unknown_path_is_json_404(api: TelegramStandIn) -> None:
    async with ClientSession() as http, http.get(f"{api.root}/nothing") as response:
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_flood_limits_answer_429_past_telegrams_rates(
    api: TelegramStandIn, bot: AiogramBot
) -> None:
    api.enforce_flood_limits()
    await bot.send_message(ALICE, "一")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(ALICE, "二")  # one a second per chat
    assert caught.value.retry_after == 1
    refused = 0
    for chat_id in range(1, 41):  # 40 chats at once: past about 30 a second overall
        try:
            await bot.send_message(chat_id, "通知")
        except TelegramRetryAfter:
            refused += 1
    assert refused >= 5 and api.flood_refusals == refused + 1
    assert len(api.sent()) == 1 + 40 - refused

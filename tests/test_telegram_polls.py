"""Polls on Telegram through the real libraries (aiogram, python-telegram-bot) against the
stand-in Bot API: the keyboard ballot with live counts (edits coalesced) and the native poll
(sendPoll not anonymous, poll_answer counted, stopPoll at the deadline), pinned where allowed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.ballots import EDIT_INTERVAL, BallotBoard
from handlers.ports import ManualClock
from storage.models import Identity
from tests.telegram_server import TelegramStandIn
from tests.test_telegram_scenarios import (
    BUILDING_GROUP,
    LEADER,
    RESIDENT,
    STRANGER,
    TOKEN,
    Harness,
    harness,
)

NEIGHBOUR = 29036011  # 周强 of 29-3-601, given a Telegram account below


@pytest.fixture(params=["aiogram", "ptb"])
async def polling(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with TelegramStandIn(token=TOKEN) as api:
        app, telegram = await harness(api, tmp_path, request.param, webhook=False)
        async with app.database.unit() as store:
            neighbour = (await store.people_named("周强"))[0]
            store.add(
                Identity(
                    platform="telegram", external_id=str(NEIGHBOUR), person_id=neighbour.id or 0
                )
            )
        try:
            yield Harness(api, app, telegram)
        finally:
            await telegram.stop()
            await app.close()


def board(polling: Harness) -> BallotBoard:
    """The ballot worker over the harness's app."""
    return BallotBoard(polling.app.database, polling.app.sender.frontends, polling.app.clock)


def clock(polling: Harness) -> ManualClock:
    assert isinstance(polling.app.clock, ManualClock)
    return polling.app.clock


async def until_votes(polling: Harness, expected: list[int], timeout: float = 15) -> None:
    """Wait until the stored votes of poll #1 are `expected` (options, sorted)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with polling.app.database.unit() as store:
            votes = sorted((await store.polls.votes(1)).values())
        if votes == expected:
            return
        assert asyncio.get_running_loop().time() < deadline, f"votes {votes} != {expected}"
        await asyncio.sleep(0.05)


async def open_poll(polling: Harness, form: str) -> None:
    """The grid leader opens a poll privately; the announcement reaches the building's group."""
    api = polling.api
    before = len(api.sent(LEADER))
    api.text(LEADER, LEADER, form)
    await polling.until(lambda: len(api.sent(LEADER)) > before)
    assert "已发起" in api.sent(LEADER)[-1]["text"], api.sent(LEADER)[-1]["text"]
    await polling.deliver()


async def test_keyboard_ballot_counts_live_and_closes(polling: Harness) -> None:
    api = polling.api
    api.set_bot_member(BUILDING_GROUP, "administrator", can_pin_messages=True)
    await open_poll(
        polling, "/poll 是否同意加装电梯 | 同意 | 反对 | 弃权 --for 3d --scope building:29"
    )
    card = api.sent(BUILDING_GROUP)[-1]
    assert card["text"].startswith("【表决 #1】是否同意加装电梯")
    keyboard = card["reply_markup"]["inline_keyboard"]
    assert [b["text"] for row in keyboard for b in row] == ["同意", "反对", "弃权"]
    ballots = board(polling)
    assert await ballots.refresh() == 1  # learns the message and pins it
    assert api.calls_to("pinChatMessage")[0]["message_id"] == card["message_id"]

    api.callback(BUILDING_GROUP, RESIDENT, card["message_id"], keyboard[0][0]["callback_data"])
    await polling.until(lambda: len(api.answers) == 1)
    assert "已记录您家对表决 #1 的投票：同意" in api.answers[0]["text"]
    await ballots.refresh()
    edits = api.calls_to("editMessageText")
    assert [b["text"] for row in edits[-1]["reply_markup"]["inline_keyboard"] for b in row] == [
        "同意（1）",
        "反对（0）",
        "弃权（0）",
    ]
    # a second vote right after: coalesced into the next edit, not one edit per vote
    api.callback(BUILDING_GROUP, NEIGHBOUR, card["message_id"], keyboard[0][1]["callback_data"])
    api.callback(BUILDING_GROUP, STRANGER, card["message_id"], keyboard[0][0]["callback_data"])
    await polling.until(lambda: len(api.answers) == 3)
    assert "还没有在社区名册中登记" in api.answers[2]["text"] and api.answers[2]["show_alert"]
    await ballots.refresh()
    assert len(api.calls_to("editMessageText")) == 1
    clock(polling).advance(EDIT_INTERVAL)
    await ballots.refresh()
    shown = api.message(BUILDING_GROUP, card["message_id"])
    assert shown is not None
    assert [b["text"] for row in shown["reply_markup"]["inline_keyboard"] for b in row][:2] == [
        "同意（1）",
        "反对（1）",
    ]

    clock(polling).advance(timedelta(days=3))
    await polling.app.scheduler.tick()
    await polling.deliver()
    result = api.sent(BUILDING_GROUP)[-1]["text"]
    assert result.startswith("【表决结果 #1】") and result.endswith("结果：未通过")
    await ballots.refresh()
    closed = api.message(BUILDING_GROUP, card["message_id"])
    assert closed is not None and "reply_markup" not in closed and "表决已结束" in closed["text"]
    assert await ballots.refresh() == 0  # stopped ballots are left alone


async def test_native_poll_answers_reach_the_bot_and_it_stops_the_poll(polling: Harness) -> None:
    api = polling.api  # the bot is a plain member here: it may not pin, and that is fine
    await open_poll(
        polling,
        "/poll 选哪家物业 | 甲公司 | 乙公司 --rule plurality --native --for 1d --scope building:29",
    )
    card = api.sent(BUILDING_GROUP)[-1]
    assert "reply_markup" not in card  # the native poll is the ballot
    ballots = board(polling)
    await ballots.refresh()
    sent_poll = api.calls_to("sendPoll")[0]
    assert sent_poll["is_anonymous"] is False
    native = api.sent(BUILDING_GROUP)[-1]["poll"]
    assert native["question"] == "选哪家物业"

    api.poll_answer(native["id"], RESIDENT, [1])
    api.poll_answer(native["id"], NEIGHBOUR, [1])
    api.poll_answer(native["id"], NEIGHBOUR, [])  # a retraction: the household's vote stands
    api.poll_answer(native["id"], STRANGER, [0])
    await polling.until(lambda: len(api.sent(STRANGER)) == 1)
    assert "还没有在社区名册中登记" in api.sent(STRANGER)[0]["text"]
    await until_votes(polling, [1, 1])  # aiogram serves updates as concurrent tasks

    clock(polling).advance(timedelta(days=1))
    await polling.app.scheduler.tick()
    await polling.deliver()
    assert api.sent(BUILDING_GROUP)[-1]["text"].endswith("结果：「乙公司」得票最多")
    await ballots.refresh()
    stopped = api.calls_to("stopPoll")
    assert (
        len(stopped) == 1
        and int(stopped[0]["message_id"]) == api.sent(BUILDING_GROUP)[-2]["message_id"]
    )
    late = api.poll_answer(native["id"], RESIDENT, [0])
    await polling.until(lambda: any("已结束" in m["text"] for m in api.sent(RESIDENT)))
    assert late["poll_answer"]["option_ids"] == [0]
    async with polling.app.database.unit() as store:
        assert sorted((await store.polls.votes(1)).values()) == [1, 1]

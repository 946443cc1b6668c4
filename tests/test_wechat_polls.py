"""Building polls on the Official Account and WeCom, end to end: the opening, the reminder and
the result reach residents one to one, who vote by text, by number, or with a WeCom vote card.

Building 29: 张秀英 (29-3-501) follows the Official Account, 刘洋 (29-1-101) is on WeCom,
吕新安 (29-3-502) is on neither; the building's WeCom group gets the announcements by robot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from storage.models import Identity, PollVote
from tests.test_wechat_scenarios import (
    LEADER,
    NEWCOMER,
    RESIDENT,
    ROBOT_KEY,
    Harness,
    backend_url,
    running,
)

NEIGHBOUR = "liuyang"  # 刘洋's WeCom UserID (the shared roster gives him none)
POLL = "/poll 是否同意加装电梯 | 同意 | 反对 | 弃权 --for 36h --scope building:29"
HINT = "回复「投票 1 同意」、「投票 1 反对」或「投票 1 弃权」即可投票，截止前可以改票。"
NUMBERS = "请回复数字：1 同意　2 反对　3 弃权"


@pytest.fixture(params=["sqlite", "postgresql"])
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(await backend_url(request, tmp_path), tmp_path) as harness:
        harness.api.members.add(NEIGHBOUR)
        async with harness.app.database.unit() as store:
            [liu] = await store.people_named("刘洋")
            store.add(Identity(platform="wecom", external_id=NEIGHBOUR, person_id=liu.id or 0))
        yield harness


async def open_poll(bot: Harness) -> dict[str, Any]:
    """张秀英 has written lately (her 48-hour window is open); 高艳娜 opens the poll on WeCom.
    The vote card 刘洋 received."""
    await bot.oa.post(bot.oa.message(RESIDENT, "/my"))
    opened = await bot.wecom.post(bot.wecom.message(LEADER, POLL))
    assert opened.reply is not None
    assert opened.reply["Content"].startswith("表决 #1 已发起：29号楼，共 3 户")
    await bot.deliver()
    [card] = [
        b["template_card"]
        for b in bot.api.sent("message/send", NEIGHBOUR)
        if b["msgtype"] == "template_card"
    ]
    return card


async def test_openings_one_to_one_then_votes_by_text_number_and_card(bot: Harness) -> None:
    api = bot.api
    card = await open_poll(bot)
    [group] = api.texts("webhook/send", ROBOT_KEY)
    assert group.startswith("【表决 #1】是否同意加装电梯")
    # the group robot's message has no buttons: the group is told where the vote happens
    assert "请点下方按钮" not in group
    assert "私信回复「投票 1 同意」、「投票 1 反对」或「投票 1 弃权」即可投票" in group

    [opening] = api.texts("message/custom/send", RESIDENT)[-1:]
    assert opening.startswith("【表决 #1】是否同意加装电梯\n1. 同意\n2. 反对\n3. 弃权")
    assert HINT in opening and opening.endswith(NUMBERS)
    assert "请点下方按钮" not in opening  # the Official Account shows no buttons

    # WeCom: the whole text, then the ballot as a vote card
    full, sent_card = api.sent("message/send", NEIGHBOUR)
    assert full["text"]["content"].startswith("【表决 #1】是否同意加装电梯")
    assert HINT in full["text"]["content"] and full["text"]["content"].endswith(NUMBERS)
    assert sent_card["msgtype"] == "template_card"
    assert card["card_type"] == "vote_interaction" and card["checkbox"]["mode"] == 0
    options = card["checkbox"]["option_list"]
    assert [(o["id"], o["text"]) for o in options] == [
        ("v:1:0", "同意"),
        ("v:1:1", "反对"),
        ("v:1:2", "弃权"),
    ]
    assert card["main_title"]["title"] == "【表决 #1】是否同意加装电梯"
    assert card["submit_button"]["text"] == "投票"

    # 刘洋 votes with the card; the answer comes by app message
    pressed = await bot.wecom.post(bot.wecom.vote(NEIGHBOUR, card, "v:1:0"))
    assert pressed.body == "success"
    await bot.settle()
    assert api.texts("message/send", NEIGHBOUR)[-1] == (
        "已记录您家对表决 #1 的投票：同意。截止前可以改票。"
    )

    # 张秀英 answers by the option's number, then changes her vote by text
    number = await bot.oa.post(bot.oa.message(RESIDENT, "2"))
    assert number.reply is not None
    assert number.reply["Content"].startswith("已记录您家对表决 #1 的投票：反对。")
    changed = await bot.oa.post(bot.oa.message(RESIDENT, "投票 1 同意"))
    assert changed.reply is not None
    assert changed.reply["Content"].startswith("您家在表决 #1 中的投票已改为：同意（原为：反对）。")
    async with bot.app.database.unit() as store:
        votes = await store.polls.votes(1)
        trail = [e.action for e in await store.polls.events(1)]
        counted = [await store.session.get(PollVote, (1, h)) for h in votes]
    assert sorted(votes.values()) == [0, 0] and len(votes) == 2
    assert trail == ["open", "vote", "vote", "change"]
    assert all(v is not None and v.person_id for v in counted)


async def test_an_ineligible_voter_is_told_why_and_nothing_counts(bot: Harness) -> None:
    card = await open_poll(bot)
    await bot.wecom.post(bot.wecom.vote(LEADER, card, "v:1:0"))  # she lives elsewhere
    await bot.settle()
    assert bot.api.texts("message/send", LEADER)[-1] == "您家不在表决 #1 的范围内，这一票不计入。"
    stranger = await bot.oa.post(bot.oa.message(NEWCOMER, "投票 1 同意"))  # not registered
    assert stranger.reply is not None
    assert stranger.reply["Content"].startswith("您还没有在社区名册中登记，投票暂不计入。")
    forged = await bot.wecom.post(bot.wecom.vote(NEIGHBOUR, card, "v:1:7"))  # no such option
    assert forged.body == "success"
    await bot.settle()
    assert bot.api.texts("message/send", NEIGHBOUR)[-1] == "这个按钮已失效。"
    async with bot.app.database.unit() as store:
        assert await store.polls.votes(1) == {}


async def test_reminder_and_result_reach_both_platforms(bot: Harness) -> None:
    api = bot.api
    card = await open_poll(bot)
    await bot.wecom.post(bot.wecom.vote(NEIGHBOUR, card, "v:1:0"))
    await bot.settle()

    bot.clock.advance(timedelta(hours=18))  # half time of a 36-hour poll
    await bot.app.scheduler.tick()
    await bot.deliver()
    reminder = api.texts("message/custom/send", RESIDENT)[-1]
    assert reminder.startswith("提醒：表决 #1「是否同意加装电梯」将于")
    assert "您家还没有投票。" in reminder and HINT in reminder and reminder.endswith(NUMBERS)
    assert not any(t.startswith("提醒") for t in api.texts("message/send", NEIGHBOUR))  # voted
    assert "还有 2 户没有投票" in api.texts("webhook/send", ROBOT_KEY)[-1]
    voted = await bot.oa.post(bot.oa.message(RESIDENT, "投票 1 反对"))
    assert voted.reply is not None and "投票：反对" in voted.reply["Content"]

    bot.clock.advance(timedelta(hours=18))
    await bot.app.scheduler.tick()
    await bot.deliver()
    results = {
        "group": api.texts("webhook/send", ROBOT_KEY)[-1],
        "account": api.texts("message/custom/send", RESIDENT)[-1],
        "wecom": api.texts("message/send", NEIGHBOUR)[-1],
        "creator": api.texts("message/send", LEADER)[-1],
    }
    for where, result in results.items():
        assert result.startswith("【表决结果 #1】是否同意加装电梯"), where
        assert "参与：2/3 户（66.67%）" in result, where
        assert "· 同意：1 户，120.3 ㎡" in result and "· 反对：1 户，76 ㎡" in result, where
        assert "结果：未通过" in result, where  # 1 of 2 is not more than half
    async with bot.app.database.unit() as store:
        poll = await store.polls.poll(1)
        assert poll is not None and poll.state == "closed" and poll.passed is False
        trail = [e.action for e in await store.polls.events(1)]
    assert trail == ["open", "vote", "remind", "vote", "close"]
    late = await bot.wecom.post(bot.wecom.message(NEIGHBOUR, "投票 1 反对"))
    assert late.reply is not None and late.reply["Content"] == "表决 #1 已结束，不能再投票或更改。"


async def test_a_cancelled_poll_is_explained_to_residents_one_to_one(bot: Harness) -> None:
    await open_poll(bot)
    cancelled = await bot.wecom.post(bot.wecom.message(LEADER, "/poll_cancel 1 方案要重新设计"))
    assert cancelled.reply is not None and cancelled.reply["Content"].startswith("表决 #1 已取消")
    await bot.deliver()
    notice = "【表决 #1 已取消】是否同意加装电梯\n理由：方案要重新设计"
    assert bot.api.texts("message/custom/send", RESIDENT)[-1].startswith(notice)
    assert bot.api.texts("message/send", NEIGHBOUR)[-1] == notice
    assert bot.api.texts("webhook/send", ROBOT_KEY)[-1] == notice

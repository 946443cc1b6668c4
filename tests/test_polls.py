"""Building decisions end to end through the router, sender and scheduler (SQLite, PostgreSQL).

Building 29 has three households (29-3-502, 29-3-601, 29-1-101); 高艳娜 leads grid G01, 陈培霞
is community staff. Added here: a tenant and a second resident, a building leader, a stranger.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from handlers.polls import ballot_data
from storage.models import Household, Identity, Person, PollEvent, RoleGrant
from storage.repository import Database
from tests.dialog import PLATFORM, Dialog, build_community

ELEVATOR = (
    "/poll 是否同意加装电梯 | 同意 | 反对 | 弃权 --rule civil-code --for 3d --scope building:29"
)


@pytest.fixture
async def dialog(database: Database) -> Dialog:
    await build_community(database)
    async with database.unit() as store:
        homes = {
            f"{h.building_id}-{h.unit}-{h.room}": h
            for h in await store.polls.households_in("community", ())
        }
        extra = {
            "孙租客": Person(name="孙租客", household_id=homes["29-3-502"].id, owner=False),
            "周梅": Person(name="周梅", household_id=homes["29-3-601"].id),
            "钱楼长": Person(name="钱楼长", household_id=homes["31-1-101"].id),
            "路人": Person(name="路人", confirmed=False),
        }
        store.add(*extra.values())
        await store.flush()
        for name, person in extra.items():
            store.add(
                Identity(
                    platform=PLATFORM, external_id=name, person_id=person.id or 0, private_chat=True
                )
            )
        store.add(
            RoleGrant(
                person_id=extra["钱楼长"].id or 0,
                role="building_leader",
                scope_kind="building",
                scope_id="31",
            )
        )
        home = await store.household(homes["29-1-101"].id or 0)
        assert home is not None
        home.area_m2 = 120.0
        store.add(home)
    return Dialog(database)


async def open_elevator_poll(dialog: Dialog) -> list[str]:
    """高艳娜 opens the civil-code poll for building 29; the deliveries' texts."""
    replies = await dialog.say("高艳娜", ELEVATOR)
    assert "表决 #1 已发起：29号楼，共 3 户" in replies[0].text
    return [d.text for d in await dialog.deliver()]


async def test_open_announces_in_the_buildings_chat_with_a_ballot(dialog: Dialog) -> None:
    await dialog.say("高艳娜", ELEVATOR)
    sent = await dialog.deliver()
    announcement = next(d for d in sent if d.chat_id == "g29")
    assert "【表决 #1】是否同意加装电梯" in announcement.text
    assert "每户一票，由业主投" in announcement.text
    assert [b.label for row in announcement.buttons for b in row] == ["同意", "反对", "弃权"]
    assert announcement.buttons[0][0].data == ballot_data(1, 0)
    assert not any(d.chat_id == "gG01" for d in sent)  # a building's poll stays in its chat


async def test_votes_change_and_the_last_vote_of_a_household_counts(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    first = await dialog.press("吕新安", ballot_data(1, 0), group="g29")
    assert first[0].alert and "已记录您家对表决 #1 的投票：同意" in first[0].text
    again = await dialog.press("吕新安", ballot_data(1, 0), group="g29")
    assert "已投：同意" in again[0].text
    changed = await dialog.press("吕新安", ballot_data(1, 1), group="g29")
    assert "已改为：反对（原为：同意）" in changed[0].text
    # two residents of 29-3-601: the later vote is the household's
    await dialog.press("周强", ballot_data(1, 0), group="g29")
    other = await dialog.press("周梅", ballot_data(1, 2), group="g29")
    assert "已改为：弃权（原为：同意）" in other[0].text
    async with dialog.database.unit() as store:
        votes = await store.polls.votes(1)
        trail = [e.action for e in await store.polls.events(1)]
    assert sorted(votes.values()) == [1, 2]
    assert trail == ["open", "vote", "change", "vote", "change"]


async def test_who_may_not_vote_is_told_why(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    tenant = await dialog.press("孙租客", ballot_data(1, 0), group="g29")
    assert "租户的投票不计入" in tenant[0].text and tenant[0].alert
    outsider = await dialog.press("李娜", ballot_data(1, 0), group="g29")
    assert "您家不在表决 #1 的范围内" in outsider[0].text
    stranger = await dialog.press("路人", ballot_data(1, 0), group="g29")
    assert "还没有在社区名册中登记" in stranger[0].text
    newcomer = await dialog.press("没见过", ballot_data(1, 0), group="g29")
    assert "还没有在社区名册中登记" in newcomer[0].text
    async with dialog.database.unit() as store:
        assert await store.polls.votes(1) == {}


async def test_a_text_vote_counts_like_the_button_with_the_same_refusals(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    first = await dialog.say("吕新安", "投票 1 同意")
    assert first[0].text.startswith("已记录您家对表决 #1 的投票：同意") and not first[0].alert
    changed = await dialog.say("吕新安", "投票 #1 2", group="g29")  # the option's number
    assert "已改为：反对（原为：同意）" in changed[0].text
    traditional = await dialog.say("周强", "投票1 棄權")  # typed in Traditional characters
    assert "投票：弃权" in traditional[0].text
    tenant = await dialog.say("孙租客", "投票 1 同意")
    assert "租户的投票不计入" in tenant[0].text
    outsider = await dialog.say("李娜", "投票 1 同意")
    assert "您家不在表决 #1 的范围内" in outsider[0].text
    unknown = await dialog.say("吕新安", "投票 1 赞成")
    assert unknown[0].text == "没有「赞成」这个选项。可选：同意、反对、弃权"
    assert "没有表决 #9" in (await dialog.say("吕新安", "投票 9 同意"))[0].text
    assert (await dialog.say("吕新安", "投票 1"))[0].text.startswith("格式：投票 表决编号 选项")
    async with dialog.database.unit() as store:
        votes = await store.polls.votes(1)
        trail = [(e.action, e.option) for e in await store.polls.events(1)]
    assert sorted(votes.values()) == [1, 2]
    assert trail == [("open", None), ("vote", 0), ("change", 1), ("vote", 2)]


async def test_a_tenant_votes_under_the_majority_rule(dialog: Dialog) -> None:
    await dialog.say("高艳娜", "/poll 周末大扫除吗 | 好 | 不好 --scope building:29")
    reply = await dialog.press("孙租客", ballot_data(1, 0), group="g29")
    assert "已记录" in reply[0].text


@pytest.mark.parametrize(
    "data",
    ["v:1:9", "v:1:-1", "v:x:0", "v:1", "v:99:0", "v:1:0:0", "f:zz", "f:99:scope:community", "v:"],
)
async def test_forged_or_stale_ballot_data_is_refused_politely(dialog: Dialog, data: str) -> None:
    await open_elevator_poll(dialog)
    replies = await dialog.press("吕新安", data, group="g29")
    assert len(replies) == 1 and replies[0].alert
    assert any(word in replies[0].text for word in ("失效", "没有表决"))


async def test_result_at_the_deadline_explains_itself(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    await dialog.press("吕新安", ballot_data(1, 0))
    await dialog.press("周强", ballot_data(1, 0))
    dialog.clock.advance(timedelta(days=3))
    assert await dialog.scheduler.tick() >= 1
    sent = await dialog.deliver()
    result = next(d.text for d in sent if d.chat_id == "g29")
    assert "【表决结果 #1】是否同意加装电梯" in result
    assert "参与：2/3 户（66.67%），面积 179/299 ㎡" in result
    assert "✓ 参与户数 2/3（66.67%），需 ≥ 2/3" in result
    assert "✗ 参与面积 179/299（59.87%），需 ≥ 2/3" in result
    assert result.endswith("结果：未通过")
    assert any(d.chat_id == "高艳娜" and "【表决结果 #1】" in d.text for d in sent)
    late = await dialog.press("刘洋", ballot_data(1, 0))
    assert "已结束" in late[0].text
    again = await dialog.say("吕新安", "/poll_result 1")
    assert again[0].text == result


async def test_closing_happens_once_even_after_a_restart_across_the_deadline(
    dialog: Dialog,
) -> None:
    await open_elevator_poll(dialog)
    for name in ("吕新安", "周强", "刘洋"):
        await dialog.press(name, ballot_data(1, 0))
    dialog.clock.advance(timedelta(days=5))  # the bot was down at the deadline
    restarted = Dialog(dialog.database)
    restarted.clock = dialog.clock
    restarted.scheduler.clock = dialog.clock
    await restarted.scheduler.tick()
    await restarted.scheduler.tick()
    await dialog.scheduler.tick()  # the old process, too: still one close
    async with dialog.database.unit() as store:
        closes = [e for e in await store.polls.events(1) if e.action == "close"]
        poll = await store.polls.poll(1)
    assert len(closes) == 1 and poll is not None and poll.passed
    restarted.sender.clock = dialog.clock
    sent = await restarted.deliver()
    results = [d for d in sent if d.chat_id == "g29" and "【表决结果 #1】" in d.text]
    assert len(results) == 1 and results[0].text.endswith("结果：通过")


async def test_reminder_privately_and_a_count_in_the_group(dialog: Dialog) -> None:
    await dialog.say("高艳娜", "/poll 周末大扫除吗 | 好 | 不好 --for 12h --scope building:29")
    await dialog.deliver()
    await dialog.press("吕新安", ballot_data(1, 0))
    dialog.clock.advance(timedelta(hours=5))
    await dialog.scheduler.tick()
    assert await dialog.deliver() == []
    dialog.clock.advance(timedelta(hours=1, minutes=1))  # half time of a poll under 48 h
    await dialog.scheduler.tick()
    await dialog.scheduler.tick()
    sent = await dialog.deliver()
    private = sorted(d.chat_id for d in sent if "您家还没有投票" in d.text)
    assert private == ["刘洋", "周强", "周梅"]  # not 吕新安 (voted), 孙租客 shares his household
    group = [d.text for d in sent if d.chat_id == "g29"]
    assert len(group) == 1 and "还有 2 户没有投票" in group[0]
    assert "刘洋" not in group[0] and "周强" not in group[0]


async def test_long_polls_are_reminded_a_day_before(dialog: Dialog) -> None:
    await dialog.say("高艳娜", "/poll 换物业吗 | 换 | 不换 --for 7d --scope building:29")
    await dialog.deliver()
    dialog.clock.advance(timedelta(days=5, hours=23))
    await dialog.scheduler.tick()
    assert await dialog.deliver() == []
    dialog.clock.advance(timedelta(hours=1))
    await dialog.scheduler.tick()
    assert any("还有 3 户没有投票" in d.text for d in await dialog.deliver())


async def test_paper_ballots_are_recorded_by_the_leader(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    reply = await dialog.say("高艳娜", "/ballot 1 29-1-101 同意 老人不用手机，上门书面征求")
    assert reply[0].text == "已为 29-1-101 登记表决 #1 的书面意见：同意。"
    by_number = await dialog.say("高艳娜", "/ballot 1 29-3-502 2")
    assert "反对" in by_number[0].text
    assert "没有「随便」" in (await dialog.say("高艳娜", "/ballot 1 29-3-601 随便"))[0].text
    assert "没有 29-9-999" in (await dialog.say("高艳娜", "/ballot 1 29-9-999 同意"))[0].text
    assert "格式" in (await dialog.say("高艳娜", "/ballot 1 同意"))[0].text
    denied = await dialog.say("吕新安", "/ballot 1 29-1-101 反对")
    assert "没有权限" in denied[0].text
    async with dialog.database.unit() as store:
        events = [e for e in await store.polls.events(1) if e.action == "paper"]
        leader = (await store.people_named("高艳娜"))[0]
    assert [e.actor_id for e in events] == [leader.id, leader.id]
    assert events[0].note == "老人不用手机，上门书面征求"


async def test_early_close_and_cancel_keep_their_reason(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    assert "理由" in (await dialog.say("高艳娜", "/poll_close 1"))[0].text
    assert "没有权限" in (await dialog.say("吕新安", "/poll_close 1 不想投了"))[0].text
    await dialog.press("吕新安", ballot_data(1, 0))
    done = await dialog.say("高艳娜", "/poll_close 1 业委会决定提前计票")
    assert done[0].text == "表决 #1 已提前结束，结果已公告。"
    result = next(d.text for d in await dialog.deliver() if d.chat_id == "g29")
    assert "提前结束，理由：业委会决定提前计票" in result
    assert "已结束" in (await dialog.say("高艳娜", "/poll_cancel 1 重复"))[0].text

    await dialog.say("陈培霞", "/poll 是否更换物业 | 换 | 不换 --scope community")
    await dialog.deliver()
    cancelled = await dialog.say("陈培霞", "/poll_cancel 2 方案有误，重新发起")
    assert cancelled[0].text == "表决 #2 已取消，已在群内说明。"
    notices = [d.text for d in await dialog.deliver()]
    assert sum("【表决 #2 已取消】" in t and "方案有误" in t for t in notices) == 2  # both chats
    async with dialog.database.unit() as store:
        poll = await store.polls.poll(2)
        assert (
            poll is not None and poll.state == "cancelled" and poll.reason == "方案有误，重新发起"
        )
    late = await dialog.press("吕新安", ballot_data(2, 0))
    assert "已取消" in late[0].text


async def test_who_may_open_a_poll_for_which_scope(dialog: Dialog) -> None:
    resident = await dialog.say("吕新安", "/poll 问 | 是 | 否 --scope building:29")
    assert "不能为29号楼发起表决" in resident[0].text
    other_grid = await dialog.say("高艳娜", "/poll 问 | 是 | 否 --scope building:31")
    assert "不能为31号楼发起表决" in other_grid[0].text
    community = await dialog.say("高艳娜", "/poll 问 | 是 | 否 --scope community")
    assert "不能为全社区发起表决" in community[0].text
    building_leader = await dialog.say("钱楼长", "/poll 问 | 是 | 否 --scope building:31")
    assert "表决 #1 已发起：31号楼，共 1 户" in building_leader[0].text
    in_group = await dialog.say("高艳娜", "/poll 问 | 是 | 否", group="gG01")
    assert "表决 #2 已发起：网格 G01，共 3 户" in in_group[0].text
    private_no_scope = await dialog.say("高艳娜", "/poll 问 | 是 | 否")
    assert "--scope" in private_no_scope[0].text
    mistake = await dialog.say("高艳娜", "/poll 是否同意加装电梯 | 同意 --scope building:29")
    assert "至少需要两个选项" in mistake[0].text
    past = await dialog.say(
        "高艳娜", "/poll 问 | 是 | 否 --until 2026-01-01T10:00 --scope grid:G01"
    )
    assert "截止时间已过" in past[0].text


async def test_grid_poll_announces_in_grid_and_building_chats(dialog: Dialog) -> None:
    await dialog.say("高艳娜", "/poll 问 | 是 | 否 --scope grid:G01")
    chats = sorted(d.chat_id for d in await dialog.deliver())
    assert chats == ["g29", "gG01"]


async def test_polls_list_and_result_while_open(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    await dialog.press("吕新安", ballot_data(1, 0))
    listing = await dialog.say("吕新安", "/polls")
    assert "#1 是否同意加装电梯" in listing[0].text and "进行中" in listing[0].text
    assert "没有与您相关" in (await dialog.say("李娜", "/polls"))[0].text
    standing = await dialog.say("吕新安", "/poll_result 1")
    assert "进行中" in standing[0].text and "· 同意：1 户" in standing[0].text
    assert "没有权限" in (await dialog.say("李娜", "/poll_result 1"))[0].text
    assert "没有表决 #7" in (await dialog.say("李娜", "/poll_result 7"))[0].text


async def test_export_holds_the_result_and_the_trail(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    await dialog.press("吕新安", ballot_data(1, 0))
    await dialog.press("吕新安", ballot_data(1, 1))
    await dialog.say("高艳娜", "/ballot 1 29-1-101 同意 书面")
    async with dialog.database.unit() as store:
        poll = await store.polls.poll(1)
        assert poll is not None
        exported = await dialog.router.polls.desk.export(store, poll)
    rows = list(csv.reader(io.StringIO(exported)))
    assert ["electorate_households", "3"] in rows
    assert ["option", "1", "同意", "1", "120"] in rows
    trail = [r for r in rows if len(r) == 6 and r[1] in ("vote", "change", "paper")]
    assert [(r[1], r[2], r[3], r[4]) for r in trail] == [
        ("vote", "吕新安", "29-3-502", "同意"),
        ("change", "吕新安", "29-3-502", "反对"),
        ("paper", "高艳娜", "29-1-101", "同意"),
    ]


async def test_guided_flow_with_buttons(dialog: Dialog) -> None:
    first = await dialog.say("高艳娜", "/poll", group="g29")
    assert "请发送表决事项" in first[0].text
    cancel = first[0].buttons[-1][0].data
    assert "请发送选项" in (await dialog.say("高艳娜", "是否同意加装电梯", group="g29"))[0].text
    # someone else's chatter in the group is not taken as an answer
    assert await dialog.say("吕新安", "今天天气不错", group="g29") == []
    stranger = await dialog.press("吕新安", cancel, group="g29")
    assert "只有发起人" in stranger[0].text
    options = await dialog.say("高艳娜", "同意 | 反对 | 弃权", group="g29")
    scopes = [b for row in options[0].buttons for b in row][:-1]
    assert [b.label for b in scopes] == ["29号楼", "网格 G01"]
    duration = await dialog.press("高艳娜", scopes[0].data, group="g29")
    assert "投票多长时间" in duration[0].text
    stale = await dialog.press("高艳娜", scopes[1].data, group="g29")  # a past step's button
    assert "失效" in stale[0].text
    rule = await dialog.press("高艳娜", duration[0].buttons[0][1].data, group="g29")  # 3天
    civil = next(b for row in rule[0].buttons for b in row if b.data.endswith("civil-code"))
    confirm = await dialog.press("高艳娜", civil.data, group="g29")
    assert "范围：29号楼" in confirm[0].text and "时长：3天" in confirm[0].text
    opened = await dialog.press("高艳娜", confirm[0].buttons[0][0].data, group="g29")
    assert "表决 #1 已发起：29号楼，共 3 户" in opened[0].text
    assert "失效" in (await dialog.press("高艳娜", confirm[0].buttons[0][0].data))[0].text
    async with dialog.database.unit() as store:
        poll = await store.polls.poll(1)
    assert (
        poll is not None and poll.rule == "civil-code" and poll.options == ["同意", "反对", "弃权"]
    )
    assert poll.closes_at - poll.created_at == timedelta(days=3)


async def test_guided_flow_is_for_leaders_and_can_be_cancelled(dialog: Dialog) -> None:
    assert "没有权限" in (await dialog.say("吕新安", "/poll"))[0].text
    first = await dialog.say("陈培霞", "/poll")
    gone = await dialog.press("陈培霞", first[0].buttons[-1][0].data)
    assert "已取消发起" in gone[0].text
    # with the flow gone, text is read as usual again (a report, here)
    answer = await dialog.say("陈培霞", "是否同意加装电梯")
    assert not any("请发送选项" in r.text for r in answer)


async def test_trail_records_every_step(dialog: Dialog) -> None:
    await open_elevator_poll(dialog)
    await dialog.press("吕新安", ballot_data(1, 0))
    dialog.clock.advance(timedelta(days=3))
    await dialog.scheduler.tick()
    async with dialog.database.unit() as store:
        events: list[PollEvent] = list(await store.polls.events(1))
        homes: list[Household] = list(await store.polls.households_in("building", ("29",)))
    # the close came first: a reminder due at the same tick is not sent after it
    assert [e.action for e in events] == ["open", "vote", "close"]
    assert events[-1].actor_id is None  # the clock closed it
    assert all(e.household_id in {h.id for h in homes} for e in events if e.action == "vote")


async def test_native_polls_keep_the_keyboard_where_the_platform_has_none(dialog: Dialog) -> None:
    await dialog.say(
        "高艳娜", "/poll 选哪家物业 | 甲 | 乙 --rule plurality --native --scope building:29"
    )
    card = next(d for d in await dialog.deliver() if d.chat_id == "g29")
    assert [b.label for row in card.buttons for b in row] == ["甲", "乙"]
    async with dialog.database.unit() as store:
        assert [m.kind for m in await store.polls.messages(1)] == ["ballot"]
    assert "已记录" in (await dialog.press("吕新安", card.buttons[0][0].data))[0].text

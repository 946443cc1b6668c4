"""The ticket loop end to end through the handlers, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from intents import Matcher
from storage.models import Outbox, Ticket, TicketEvent
from storage.repository import Database
from tests.dialog import Dialog, build_community


@pytest.fixture
async def dialog(database: Database) -> Dialog:
    await build_community(database)
    return Dialog(database)


async def test_report_acknowledge_resolve_rate(dialog: Dialog) -> None:
    await dialog.run(
        [
            ("吕新安", "楼顶又漏水了，家里的盆都不够用了"),
            ("bot", "已收到您的反映，登记为工单 #1（漏水渗水），已转交高艳娜处理。"),
            ("→高艳娜", "【新工单 #1】漏水渗水"),
            ("→高艳娜", "地点：29号楼3单元502室"),
            ("高艳娜", "受理 1"),
            ("bot", "已受理工单 #1。"),
            ("→吕新安", "工单 #1（漏水渗水）已由高艳娜受理"),
            ("高艳娜", "进度 1 师傅下午两点上楼顶查看"),
            ("→吕新安", "工单 #1（漏水渗水）有新进展：师傅下午两点上楼顶查看"),
            ("高艳娜", "办结 1 已重新铺设防水层"),
            ("→吕新安", "工单 #1（漏水渗水）已办结：已重新铺设防水层"),
            ("→吕新安", "请对工单 #1 的处理结果评价"),
            ("吕新安", "1"),
            ("bot", "感谢您的评价，工单 #1 已关闭。"),
        ]
    )
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.state == "closed" and ticket.rating == "satisfied"
        trail = [e.action for e in await store.events(1)]
    assert trail == ["report", "acknowledge", "progress", "resolve", "rate"]


async def test_buttons_carry_the_ticket_and_the_leader_acts_with_them(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    notice = next(d for d in await dialog.deliver() if d.chat_id == "高艳娜")
    labels = [b.label for row in notice.buttons for b in row]
    assert labels == ["受理", "进度", "办结", "上报", "转派"]
    acknowledge = notice.buttons[0][0].data
    replies = await dialog.press("高艳娜", acknowledge)
    assert replies[0].text == "已受理工单 #1。" and replies[0].alert
    progress = await dialog.press("高艳娜", notice.buttons[0][1].data)
    assert "进度 1 说明" in progress[0].text  # asks for the note
    resolve = await dialog.press("高艳娜", notice.buttons[0][2].data)
    assert resolve[0].text == "工单 #1 已办结，已请居民评价。"


async def test_forged_and_foreign_button_presses_are_refused(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    await dialog.deliver()
    for data in ("t:acknowledge:abc", "t:explode:1", "x", "r:1:9", "c::y", "t:acknowledge:99"):
        replies = await dialog.press("高艳娜", data)
        assert replies and replies[0].alert, data
    stranger = await dialog.press("马俊", "t:acknowledge:1")  # leader of another grid
    assert stranger[0].text == "您没有权限进行这个操作。"
    resident = await dialog.press("周强", "t:resolve:1")
    assert resident[0].text == "您没有权限进行这个操作。"
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.state == "new"


async def test_chatter_is_silent_in_groups_and_gently_answered_in_private(dialog: Dialog) -> None:
    assert await dialog.say("吕新安", "大家早上好", group="g29") == []
    assert await dialog.say("吕新安", "收到，谢谢网格长", group="g29") == []
    private = await dialog.say("吕新安", "今天天气真好")
    assert "没有识别出需要处理的问题" in private[0].text
    assert await dialog.deliver() == []


async def test_group_report_names_no_flat_and_no_phone(dialog: Dialog) -> None:
    replies = await dialog.say("吕新安", "29号楼3单元502楼顶漏水", group="g29")
    assert replies[0].text == "已登记为工单 #1（漏水渗水），网格长会尽快处理。"
    for reply in replies:
        assert "502" not in reply.text and "1380" not in reply.text


async def test_same_problem_joins_the_open_ticket(dialog: Dialog) -> None:
    await dialog.run(
        [
            ("吕新安@g29", "3单元楼顶漏水了"),
            ("bot", "工单 #1"),
            ("周强@g29", "29号楼3单元顶楼也在渗水"),
            ("bot", "这个问题已有邻居反映（工单 #1，漏水渗水），您已加入关注"),
            ("周强@g29", "顶楼还在漏水"),
            ("bot", "您已在关注工单 #1"),
            ("刘洋", "29号楼1单元天花板渗水"),  # another unit: water_leak's scope is the unit
            ("bot", "工单 #2"),
            ("高艳娜", "受理 1"),
            ("→吕新安", "已由高艳娜受理"),
            ("→周强", "已由高艳娜受理"),
        ]
    )


async def test_a_clock_that_moves_escalates_to_community_and_department(dialog: Dialog) -> None:
    await dialog.say("吕新安", "电梯又坏了，一直停在8楼")
    await dialog.deliver()
    dialog.clock.advance(timedelta(minutes=59))
    assert await dialog.scheduler.tick() == 0
    dialog.clock.advance(timedelta(minutes=1))
    assert await dialog.scheduler.tick() == 1
    sent = await dialog.deliver()
    assert any(
        d.chat_id == "陈培霞" and "已升至社区" in d.text and "超时未受理" in d.text for d in sent
    )
    assert any(d.chat_id == "高艳娜" and "已升至社区" in d.text for d in sent)
    assert any(d.chat_id == "吕新安" and "已上报至社区处理" in d.text for d in sent)
    dialog.clock.advance(timedelta(hours=1))
    assert await dialog.scheduler.tick() == 1
    sent = await dialog.deliver()
    # 赵磊 (住建 liaison) reads English
    assert any(d.chat_id == "赵磊" and "now at the department" in d.text for d in sent)
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.level == 3 and ticket.department_id is not None
    replies = await dialog.say("赵磊", "受理 1")
    assert replies[0].text == "Ticket #1 acknowledged."


async def test_no_department_keeps_level_two_and_reminds_staff(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼道灯坏了好几天了")  # lighting: no department covers it
    await dialog.deliver()
    dialog.clock.advance(timedelta(days=5))
    await dialog.scheduler.tick()
    sent = await dialog.deliver()
    assert any(d.chat_id == "陈培霞" and "没有对应的职能部门" in d.text for d in sent)
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.level == 2


async def test_urgent_reports_reach_the_community_at_once(dialog: Dialog) -> None:
    replies = await dialog.say("吕新安", "救命 有人被困在电梯里了")
    assert "情况紧急，已同时通知社区" in replies[0].text
    sent = await dialog.deliver()
    assert {d.chat_id for d in sent} >= {"高艳娜", "陈培霞"}
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.urgent and ticket.level == 2


async def test_unsatisfied_rating_reopens_for_the_same_leader(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    await dialog.say("高艳娜", "受理 1")
    await dialog.say("高艳娜", "办结 1 已修")
    await dialog.deliver()
    replies = await dialog.press("吕新安", "r:1:3")
    assert "工单 #1 已重新打开" in replies[0].text
    sent = await dialog.deliver()
    assert any(d.chat_id == "高艳娜" and "已重新打开" in d.text for d in sent)
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.state == "reopened"
        assert ticket.assignee_id is not None
    assert (await dialog.say("高艳娜", "受理 1"))[0].text == "已受理工单 #1。"


async def test_unrated_resolution_closes_after_three_days(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    await dialog.say("高艳娜", "受理 1")
    await dialog.say("高艳娜", "办结 1 已修")
    dialog.clock.advance(timedelta(days=3))
    await dialog.scheduler.tick()
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.state == "closed"
        assert [e.note for e in await store.events(1)][-1] == "sla.rating_timeout"


async def test_reassign_to_another_grid_and_scope_rules(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    refused = await dialog.say("马俊", "转派 1 G02")
    assert refused[0].text == "您没有权限进行这个操作。"
    done = await dialog.say("高艳娜", "转派 1 G02")
    assert done[0].text == "工单 #1 已转派给马俊。"
    sent = await dialog.deliver()
    assert any(d.chat_id == "马俊" and "已转派给您" in d.text for d in sent)
    assert (await dialog.say("马俊", "受理 1"))[0].text == "已受理工单 #1。"
    unknown = await dialog.say("陈培霞", "转派 1 不存在的人")
    assert "没有找到「不存在的人」" in unknown[0].text


async def test_residents_see_only_their_own_tickets(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    assert "没有权限" in (await dialog.say("李娜", "/ticket 1"))[0].text
    own = (await dialog.say("吕新安", "/ticket 1"))[0].text
    assert "工单 #1（漏水渗水）" in own
    mine = (await dialog.say("吕新安", "/my"))[0].text
    assert "#1 漏水渗水 · 待受理" in mine
    assert "13800000101" not in own
    leader = (await dialog.say("高艳娜", "/tickets"))[0].text
    assert "#1 漏水渗水 · 待受理" in leader
    assert "没有权限" in (await dialog.say("吕新安", "/tickets"))[0].text


async def test_staff_close_and_the_trail_shows_delivery_states(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    await dialog.deliver()
    assert (await dialog.say("陈培霞", "关闭 1 重复反映"))[0].text == "工单 #1 已关闭。"
    await dialog.deliver()
    card = (await dialog.say("陈培霞", "/ticket 1"))[0].text
    assert "陈培霞 关闭 重复反映" in card
    assert "通知 高艳娜：已送达" in card


async def test_maybe_asks_the_sender_and_only_the_sender_can_confirm(dialog: Dialog) -> None:
    # the catalog's rules alone read a lone homophone as "maybe"; the dialog is what is tested
    dialog.router.matcher = Matcher(dialog.catalog)
    assert dialog.router.matcher.match("听电了").band == "maybe"
    replies = await dialog.say("吕新安", "听电了")
    assert replies[0].text == "您是要反映「电力电线」方面的问题吗？"
    yes = replies[0].buttons[0][0].data
    assert (await dialog.press("周强", yes))[0].text == "只有发消息的人可以确认。"
    confirmed = await dialog.press("吕新安", yes)
    assert "工单 #1" in confirmed[0].text
    assert "已失效" in (await dialog.press("吕新安", yes))[0].text


async def test_unknown_sender_in_a_bound_group_still_gets_a_ticket(dialog: Dialog) -> None:
    replies = await dialog.say("陌生人", "楼道灯坏了好几天了", group="g29")
    assert "工单 #1" in replies[0].text and "请私聊我完成登记" in replies[0].text
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.building == "29" and ticket.grid_id == "G01"


async def test_bad_input_gets_a_clear_answer(dialog: Dialog) -> None:
    too_long = await dialog.say("吕新安", "漏" * 5000)
    assert "消息太长了" in too_long[0].text
    sticker = await dialog.router.handle(dialog.message("吕新安"))
    assert "只能识别文字和图片" in sticker[0].text
    assert await dialog.router.handle(dialog.message("吕新安", group="g29")) == []
    nothing = await dialog.say("吕新安", "2")
    assert nothing[0].text == "您没有待评价的工单。"


async def test_photos_join_the_report_and_later_replies(dialog: Dialog) -> None:
    first = dialog.message("吕新安", "楼顶漏水了", group="g29", photos=("p/1.jpg",))
    await dialog.router.handle(first)
    later = dialog.message("周强", group="g29", photos=("p/2.jpg",), reply_to=first.message_id)
    replies = await dialog.router.handle(later)
    assert replies[0].text == "照片已加入工单 #1。"
    async with dialog.database.unit() as store:
        assert [p.path for p in await store.photos(1)] == ["p/1.jpg", "p/2.jpg"]


async def test_language_choice(dialog: Dialog) -> None:
    assert (await dialog.say("吕新安", "/lang zh-tw"))[0].text == "語言已設為繁體中文。"
    replies = await dialog.say("吕新安", "樓頂漏水了")
    assert replies[0].text.startswith("已收到您的反映，登記為工單 #1（漏水滲水）")


async def test_handler_failure_is_answered_and_the_next_update_served(
    dialog: Dialog, monkeypatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(dialog.desk, "report", broken)
    replies = await dialog.say("吕新安", "楼顶漏水了")
    assert "出了点问题" in replies[0].text
    monkeypatch.undo()
    assert "工单 #1" in (await dialog.say("吕新安", "楼顶漏水了"))[0].text
    async with dialog.database.unit() as store:
        assert await store.ticket_count() == 1
        rows = (await store.session.exec(select(Outbox))).all()
        assert all(row.ticket_id == 1 for row in rows)
        events = (await store.session.exec(select(TicketEvent))).all()
        assert len(events) == 1
        assert (await store.session.exec(select(Ticket))).one().id == 1


async def test_replying_to_the_notification_adds_a_progress_note(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    await dialog.deliver()
    await dialog.say("高艳娜", "受理 1")
    await dialog.deliver()
    async with dialog.database.unit() as store:
        notice = next(
            row for row in await store.messages_for_ticket(1) if row.sent_chat_id == "高艳娜"
        )
    reply = dialog.message("高艳娜", "师傅明天上午到", reply_to=notice.sent_message_id)
    answer = await dialog.router.handle(reply)
    assert answer[0].text == "进展已通知居民（工单 #1）。"
    sent = await dialog.deliver()
    assert [d.text for d in sent if d.chat_id == "吕新安"] == [
        "工单 #1（漏水渗水）有新进展：师傅明天上午到"
    ]
    # a resident's reply to their own notification is read like any other message
    resident_notice = next(row for row in await _rows(dialog) if row.sent_chat_id == "吕新安")
    own = dialog.message("吕新安", "好的", reply_to=resident_notice.sent_message_id)
    assert "没有识别出需要处理的问题" in (await dialog.router.handle(own))[0].text


async def _rows(dialog: Dialog) -> list[Outbox]:
    async with dialog.database.unit() as store:
        return list(await store.messages_for_ticket(1))


async def test_help_says_what_each_person_can_do(dialog: Dialog) -> None:
    resident = (await dialog.say("吕新安", "/help"))[0].text
    assert "/my" in resident and "投票 12 同意" in resident
    assert "/tickets" not in resident  # a resident has no leader's commands
    leader = (await dialog.say("高艳娜", "/help"))[0].text
    assert leader.startswith(resident)
    assert all(command in leader for command in ("/tickets", "/poll ", "/ballot", "/announce"))

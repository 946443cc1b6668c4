"""Binding group chats, supergroup migration and registration by phone (platform-neutral)."""

from __future__ import annotations

import pytest

from storage.repository import Database
from tests.dialog import Dialog, build_community


@pytest.fixture
async def dialog(database: Database) -> Dialog:
    await build_community(database)
    return Dialog(database)


async def test_leader_binds_a_group_and_reports_there_are_located(dialog: Dialog) -> None:
    assert "用法" in (await dialog.say("高艳娜", "/bind G01"))[0].text  # not in a group
    refused = await dialog.say("马俊", "/bind building:30", group="g30")
    assert refused[0].text == "您没有权限进行这个操作。"  # 30 is in G01, 马俊 leads G02
    assert (
        "没有找到「building:99」"
        in (await dialog.say("高艳娜", "/bind building:99", group="g30"))[0].text
    )
    done = await dialog.say("高艳娜", "/bind building:30", group="g30")
    assert done[0].text == "本群已绑定到30号楼，居民在群里反映的问题会自动登记。"
    replies = await dialog.say("陌生人", "楼道灯坏了好几天了", group="g30")
    assert "工单 #1" in replies[0].text
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and (ticket.building, ticket.grid_id) == ("30", "G01")


async def test_a_migrated_group_keeps_its_binding_and_tickets(dialog: Dialog) -> None:
    first = dialog.message("吕新安", "楼顶漏水了", group="g29")
    await dialog.router.handle(first)
    await dialog.router.move_chat("stub", "g29", "-100g29")
    async with dialog.database.unit() as store:
        assert await store.chat("stub", "g29") is None
        moved = await store.chat("stub", "-100g29")
        assert moved is not None and (moved.scope_kind, moved.scope_id) == ("building", "29")
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.source_chat_id == "-100g29"


async def test_registration_by_phone_joins_the_roster_person(dialog: Dialog) -> None:
    welcome = await dialog.say("新手机", "/start")
    assert welcome[-2].phone_button == "分享手机号完成登记"  # then the flat chooser
    report = await dialog.say("新手机", "楼顶漏水了", group="g29")  # before registering
    assert "请私聊我完成登记" in report[0].text
    shared = dialog.message("新手机", phone="+86 138-0000-0101")
    replies = await dialog.router.handle(shared)
    assert replies[0].text == "登记成功：吕新安，29号楼3单元502室。以后的工单进展会私信通知您。"
    async with dialog.database.unit() as store:
        person = await store.person_by_identity("stub", "新手机")
        assert person is not None and person.name == "吕新安"
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.reporter_id == person.id
        assert await store.people_named("新手机") == []  # the provisional person is gone
    unknown = await dialog.router.handle(dialog.message("路人", phone="13999999999"))
    assert "名册中没有这个手机号" in unknown[0].text


async def test_registration_by_flat_chosen_with_buttons(dialog: Dialog) -> None:
    welcome = await dialog.say("新邻居", "/start reg")
    chooser = welcome[-1]
    assert chooser.text.startswith("名册里没有手机号也可以登记")
    assert [b.data for row in chooser.buttons for b in row] == ["h:b:29", "h:b:30", "h:b:31"]
    units = (await dialog.press("新邻居", "h:b:29"))[0]
    assert units.edit and [b.label for row in units.buttons for b in row] == ["1单元", "3单元"]
    flats = (await dialog.press("新邻居", "h:u:29:3"))[0]
    assert [b.label for row in flats.buttons for b in row] == [
        "29号楼3单元502室",
        "29号楼3单元601室",
    ]
    asked = (await dialog.press("新邻居", flats.buttons[0][0].data))[0]
    assert asked.edit and asked.text == "已请网格长确认您住在29号楼3单元502室，确认后会通知您。"
    again = (await dialog.press("新邻居", flats.buttons[0][1].data))[0]
    assert again.text == "您的登记正在等网格长确认，确认后会通知您。"  # one claim at a time
    [request] = await dialog.deliver()
    assert request.chat_id == "高艳娜"
    assert request.text == "【登记确认】新邻居 说自己住在29号楼3单元502室，是否确认？"
    async with dialog.database.unit() as store:
        person = await store.person_by_identity("stub", "新邻居")
        assert person is not None and not person.confirmed  # not counted before the leader
    assert (await dialog.press("高艳娜", request.buttons[0][0].data))[0].text == (
        "已确认 新邻居 的登记。"
    )
    [told] = await dialog.deliver()
    assert told.chat_id == "新邻居" and told.text.startswith("登记成功：新邻居，29号楼3单元502室")
    async with dialog.database.unit() as store:
        person = await store.person_by_identity("stub", "新邻居")
        assert person is not None and person.confirmed
    assert (await dialog.press("新邻居", "h:b:30"))[0].text == "您已完成登记，无需再选。"


async def test_forged_chooser_steps_are_refused(dialog: Dialog) -> None:
    await dialog.say("新邻居", "/start")
    single = (await dialog.press("新邻居", "h:b:31"))[0]  # one unit: straight to the flats
    assert [b.label for row in single.buttons for b in row] == ["31号楼1单元101室"]
    assert (await dialog.press("新邻居", "h:b:99"))[0].text == (
        "名册中没有这里的房屋，请联系网格长登记。"
    )
    for forged in ("h:f:999", "h:x", "h:f:abc", "h:"):
        answer = await dialog.press("新邻居", forged)
        assert answer[0].alert and answer[0].text == "这个按钮已失效。", forged


async def test_registering_merges_two_follows_of_one_ticket(dialog: Dialog) -> None:
    """Someone who followed a ticket from a new account and from their roster one stays one
    follower when the new account registers (the follow is keyed by ticket and person)."""
    await dialog.say("周强", "29号楼3单元楼顶漏水了，天花板一直滴", group="g29")
    await dialog.say("吕新安", "29号楼3单元楼顶也漏水了", group="g29")
    await dialog.say("新手机", "29号楼3单元楼顶漏水了，我家也是", group="g29")
    async with dialog.database.unit() as store:
        before = set(await store.followers(1))
    assert len(before) == 2  # 吕新安 and the not yet registered account
    replies = await dialog.router.handle(dialog.message("新手机", phone="+86 138-0000-0101"))
    assert replies[0].text.startswith("登记成功：吕新安")
    async with dialog.database.unit() as store:
        person = await store.person_by_identity("stub", "新手机")
        assert person is not None and person.name == "吕新安"
        assert await store.followers(1) == [person.id]


async def test_a_reporter_who_also_followed_hears_each_step_once(dialog: Dialog) -> None:
    await dialog.say("新手机", "29号楼3单元楼顶漏水了，天花板一直滴", group="g29")
    await dialog.say("吕新安", "29号楼3单元楼顶也漏水了", group="g29")
    await dialog.router.handle(dialog.message("新手机", phone="+86 138-0000-0101"))
    async with dialog.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and await store.followers(1) == [ticket.reporter_id]
    await dialog.deliver()
    await dialog.say("高艳娜", "受理 1")
    told = [d for d in await dialog.deliver() if "已由高艳娜受理" in d.text]
    assert len(told) == 1

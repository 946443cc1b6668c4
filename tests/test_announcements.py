"""Announcements to a scope's group chats, and who may make them (platform-neutral)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from storage.models import Outbox
from storage.repository import Database
from tests.dialog import Dialog, build_community


@pytest.fixture
async def dialog(database: Database) -> Dialog:
    await build_community(database)
    return Dialog(database)


async def test_a_grid_announcement_reaches_its_grid_and_building_chats(dialog: Dialog) -> None:
    done = await dialog.say("高艳娜", "/announce G01 明天上午9点至12点停水，请提前储水。")
    assert done[0].text == "公告已发往网格 G01的 2 个群，并会在有权限的群里置顶。"
    sent = await dialog.deliver()
    assert sorted(d.chat_id for d in sent) == ["g29", "gG01"]
    assert {d.text for d in sent} == {"【公告】明天上午9点至12点停水，请提前储水。\n——高艳娜"}
    async with dialog.database.unit() as store:
        rows = (await store.session.exec(select(Outbox))).all()
    assert {(r.status, r.pin) for r in rows} == {("delivered", True)}
    assert {r.last_error for r in rows} == {"sent, not pinned: the bot may not pin in this chat"}


async def test_who_may_announce_and_bad_input(dialog: Dialog) -> None:
    assert (await dialog.say("马俊", "/announce G01 停水"))[0].text == "您没有权限进行这个操作。"
    assert (await dialog.say("吕新安", "/announce building:29 停水"))[0].text == (
        "您没有权限进行这个操作。"
    )
    usage = "用法：/announce G01 公告内容（网格）或 /announce building:29 公告内容（楼栋）。"
    assert (await dialog.say("高艳娜", "/announce"))[0].text == usage
    assert (await dialog.say("高艳娜", "/announce G99 停水"))[0].text == usage
    assert (await dialog.say("高艳娜", "/announce G01"))[0].text == usage
    assert (await dialog.say("马俊", "/announce building:31 停水"))[0].text == (
        "31号楼还没有绑定的群，请先在群里发送 /bind。"
    )
    staff = await dialog.say("陈培霞", "/announce building:29 电梯年检，暂停使用半天。")
    assert staff[0].text == "公告已发往29号楼的 1 个群，并会在有权限的群里置顶。"
    assert [d.chat_id for d in await dialog.deliver()] == ["g29"]

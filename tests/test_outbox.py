"""The outbox: nothing lost on a crash, retries with back-off, fallbacks to the group chat."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.delivery import LEASE, MAX_ATTEMPTS, Delivery, Mention, Sender
from storage.models import Outbox
from storage.repository import Database
from tests.dialog import Dialog, StubFrontend, build_community


@pytest.fixture
async def dialog(database: Database) -> Dialog:
    await build_community(database)
    return Dialog(database)


async def statuses(database: Database) -> dict[int, str]:
    async with database.unit() as store:
        rows = (await store.session.exec(select(Outbox))).all()
        return {row.id or 0: row.status for row in rows}


async def test_killed_between_commit_and_send_delivers_once_after_restart(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")  # committed with its notification; never sent
    restarted = StubFrontend()
    sender = Sender(dialog.database, [restarted], dialog.clock)  # a new process
    assert await sender.deliver_due() == 1
    assert await sender.deliver_due() == 0
    assert [d.chat_id for d in restarted.sent] == ["高艳娜"]
    assert set((await statuses(dialog.database)).values()) == {"delivered"}


class CrashAfterAcceptance(StubFrontend):
    """The platform accepts the message, then the sender is stopped (SIGTERM, a crash of its
    task) before recording it."""

    async def send(self, delivery: Delivery) -> str:
        await super().send(delivery)
        raise asyncio.CancelledError("killed")


async def test_crash_after_acceptance_repeats_that_message_once(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    dying = CrashAfterAcceptance()
    with pytest.raises(asyncio.CancelledError):
        await Sender(dialog.database, [dying], dialog.clock).deliver_due()
    assert len(dying.sent) == 1
    restarted = StubFrontend()
    sender = Sender(dialog.database, [restarted], dialog.clock)
    assert await sender.deliver_due() == 0  # leased: not repeated at once
    dialog.clock.advance(LEASE)
    assert await sender.deliver_due() == 1
    assert len(restarted.sent) == 1
    dialog.clock.advance(LEASE)
    assert await sender.deliver_due() == 0


async def test_rate_limit_answer_is_honoured(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    dialog.frontend.busy = 1
    await dialog.sender.deliver_due()
    assert dialog.frontend.sent == []
    async with dialog.database.unit() as store:
        row = (await store.session.exec(select(Outbox))).one()
        assert row.status == "pending" and row.attempts == 1
        assert row.next_attempt_at == dialog.clock.now() + timedelta(seconds=3)
        assert "429" in row.last_error
    dialog.clock.advance(timedelta(seconds=3))
    assert await dialog.sender.deliver_due() == 1
    assert [d.chat_id for d in dialog.frontend.sent] == ["高艳娜"]


async def test_unreachable_leader_is_asked_in_the_grid_chat_without_details(
    dialog: Dialog,
) -> None:
    dialog.frontend.unreachable.add("高艳娜")
    await dialog.say("吕新安", "29号楼3单元502楼顶漏水了")
    sent = await dialog.deliver()
    assert [(d.chat_id, d.invite) for d in sent] == [("gG01", "t1")]  # the grid's chat
    assert sent[0].text == (
        "高艳娜，有工单 #1 等您处理，但我无法私信您。请点下面的链接私聊我并点「开始」，"
        "以后的工单会私信发给您。"
    )
    assert "漏水" not in sent[0].text and "吕新安" not in sent[0].text
    assert set((await statuses(dialog.database)).values()) == {"fell_back"}
    card = (await dialog.say("陈培霞", "/ticket 1"))[0].text
    assert "通知 高艳娜：已改发群内提醒" in card


async def test_unreachable_resident_is_told_in_the_building_chat_without_details(
    dialog: Dialog,
) -> None:
    dialog.frontend.unreachable.add("吕新安")
    await dialog.say("吕新安", "29号楼3单元502楼顶漏水了")
    await dialog.say("高艳娜", "受理 1")
    sent = [d for d in await dialog.deliver() if d.chat_id != "高艳娜"]
    assert [(d.chat_id, d.text, d.invite) for d in sent] == [
        ("g29", "吕新安，工单 #1 有新进展，请私聊我查看详情。", "t1")
    ]
    assert sent[0].mention == Mention("吕新安", "吕新安")  # the console knows people by name


async def test_nowhere_to_deliver_is_recorded_as_failed(dialog: Dialog) -> None:
    dialog.frontend.unreachable.update({"马俊", "g29", "gG01"})
    await dialog.say("李娜", "楼道灯坏了好几天了")  # building 31: no group chat bound
    await dialog.deliver()
    assert set((await statuses(dialog.database)).values()) == {"failed"}


class AlwaysDown(StubFrontend):
    async def send(self, delivery: Delivery) -> str:
        raise ConnectionError("network unreachable")


async def test_retries_back_off_then_give_up(dialog: Dialog) -> None:
    await dialog.say("吕新安", "楼顶漏水了")
    sender = Sender(dialog.database, [AlwaysDown()], dialog.clock)
    waits = []
    for _ in range(MAX_ATTEMPTS):
        await sender.deliver_due()
        async with dialog.database.unit() as store:
            row = (await store.session.exec(select(Outbox))).one()
        waits.append(row.next_attempt_at - dialog.clock.now())
        dialog.clock.advance(timedelta(hours=2))
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert waits[0] < waits[1] < waits[2]  # back-off grows


async def test_the_leaders_card_is_edited_to_show_the_state(dialog: Dialog) -> None:
    await dialog.say("吕新安", "29号楼3单元502楼顶漏水了")
    [card] = [d for d in await dialog.deliver() if d.chat_id == "高艳娜"]
    assert card.text.startswith("【新工单 #1】") and len(card.buttons) == 2
    async with dialog.database.unit() as store:
        card_row = (await store.ticket_cards(1))[0]
    assert card_row.card and card_row.sent_message_id
    await dialog.press("高艳娜", "t:acknowledge:1")
    sent = await dialog.deliver()
    assert "高艳娜" not in [d.chat_id for d in sent]  # the card changed, no new message
    message_id, edited = dialog.frontend.edits[-1]
    assert message_id == card_row.sent_message_id and edited.chat_id == "高艳娜"
    assert "状态：已受理 · 网格 · 处理人：高艳娜" in edited.text
    assert [b.label for row in edited.buttons for b in row] == ["进度", "办结", "上报", "转派"]
    await dialog.say("高艳娜", "办结 1 已修好")
    await dialog.deliver()
    _, resolved = dialog.frontend.edits[-1]
    assert "状态：已办结" in resolved.text and resolved.buttons == ()
    assert len(dialog.frontend.edits) == 2


async def test_an_edit_that_cannot_reach_the_leader_stays_private(dialog: Dialog) -> None:
    dialog.frontend.unreachable.add("高艳娜")
    await dialog.say("吕新安", "29号楼3单元502楼顶漏水了")
    await dialog.deliver()
    await dialog.say("陈培霞", "受理 1")  # staff acknowledge; the leader's card would change
    sent = await dialog.deliver()
    assert all("状态" not in d.text for d in sent)  # nothing of the card reaches a group
    async with dialog.database.unit() as store:
        rows = await store.messages_for_ticket(1)
    [edit] = [row for row in rows if row.edit_of]
    assert edit.status == "failed" and edit.person_id == rows[0].person_id

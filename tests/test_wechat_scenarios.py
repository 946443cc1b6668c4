"""The Official Account and WeCom front ends end to end: gridbot's real HTTP server takes
callbacks signed and encrypted with wechatpy's crypto, and talks to the stand-in APIs."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn

from bot.adapters.wechat.callbacks import PASSIVE_BUDGET
from bot.adapters.wechat.setup import WeChatFrontends, wechat_frontends
from bot.app import App
from bot.http import create_http_app
from bot.ratelimit import Limits, RateLimiter
from bot.settings import Settings
from handlers.ports import ManualClock
from storage.models import Follower, Outbox
from storage.roster import apply_roster, parse_roster
from tests.conftest import _reset_postgres, service_url
from tests.processes import gridbot_run
from tests.wechat_client import (
    AGENT_ID,
    CORP_AES_KEY,
    CORP_ID,
    CORP_TOKEN,
    OA_AES_KEY,
    OA_ID,
    OA_TOKEN,
    Platform,
)
from tests.wechat_server import WeChatStandIn

RESIDENT = "o-zhang-xiuying"  # 张秀英's OpenID, in the roster
NEWCOMER = "o-newcomer"  # 吕新安 before registering: the roster has only his phone
LEADER = "gaoyanna"  # 高艳娜's WeCom UserID
BUILDING_GROUP, ROBOT_KEY = "wr-building-29", "robot-key-29"
ROSTER = f"""
community: 阳光苑社区
staff:
  - {{name: 陈培霞, role: secretary, wecom: chenpeixia, phone: "13800000101"}}
grids:
  - id: G01
    name: 阳光苑第一网格
    leader: {{name: 高艳娜, wecom: {LEADER}, phone: "13800000001"}}
    buildings:
      - id: "29"
        chats: [{{platform: wecom, chat_id: {BUILDING_GROUP}}}]
        households:
          - {{unit: "3", room: "502", area_m2: 89.5,
              residents: [{{name: 吕新安, phone: "13800000107"}}]}}
          - {{unit: "3", room: "501", area_m2: 76.0,
              residents: [{{name: 张秀英, wechat: {RESIDENT}, phone: "13800000108"}}]}}
          - {{unit: "1", room: "101", area_m2: 120.3,
              residents: [{{name: 刘洋, phone: "13800000111"}}]}}
"""


@dataclass
class Harness:
    api: WeChatStandIn
    app: App
    wechat: WeChatFrontends
    oa: Platform
    wecom: Platform
    clock: ManualClock

    async def deliver(self) -> None:
        """Send every due notification."""
        while await self.app.sender.deliver_due():
            pass

    async def settle(self) -> None:
        """Let the work that callbacks left running finish."""
        await self.wechat.background.drain()

    async def until(self, condition: Callable[[], bool], timeout: float = 10) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            assert asyncio.get_running_loop().time() < deadline, "nothing happened"
            await asyncio.sleep(0.02)

    async def outbox(self) -> list[Outbox]:
        async with self.app.database.unit() as store:
            return list(await store.messages_for_ticket(1))


def settings_for(url: str, api: WeChatStandIn, tmp_path: Path, **changed: object) -> Settings:
    """Both platforms against the stand-in, with any setting changed."""
    return Settings(
        **{
            "database_url": url,
            "media_dir": tmp_path / "media",
            "wechat_appid": OA_ID,
            "wechat_secret": api.app_secret,
            "wechat_token": OA_TOKEN,
            "wechat_aes_key": OA_AES_KEY,
            "wechat_api_url": api.root,
            "wecom_corp_id": CORP_ID,
            "wecom_agent_id": AGENT_ID,
            "wecom_secret": api.corp_secret,
            "wecom_token": CORP_TOKEN,
            "wecom_aes_key": CORP_AES_KEY,
            "wecom_api_url": api.root,
            "wecom_group_webhooks": {BUILDING_GROUP: ROBOT_KEY},
            **changed,
        }
    )


@contextlib.asynccontextmanager
async def running(
    url: str, tmp_path: Path, safe: bool = True, budget: float = 5.0, **extra: object
) -> AsyncIterator[Harness]:
    """gridbot serving its HTTP app on a loopback port, the stand-in APIs beside it; the
    handlers get `budget` seconds for a passive reply (generous: the tests share the CPU)."""
    async with WeChatStandIn(members=(LEADER, "chenpeixia"), robots=(ROBOT_KEY,)) as api:
        settings = settings_for(url, api, tmp_path, **extra)
        if not safe:
            settings = settings.model_copy(update={"wechat_aes_key": None})
        clock = ManualClock()
        app = await App.build(settings, clock=clock)
        roster = tmp_path / "community.yaml"
        roster.write_text(ROSTER, encoding="utf-8")
        async with app.database.unit() as store:
            await apply_roster(store, parse_roster(roster))
        wechat = wechat_frontends(app, passive_budget=budget)
        for frontend in wechat.running:
            frontend.limiter = RateLimiter(Limits(1000, 0.0, 1000))  # limits have their own test
            app.sender.add_frontend(frontend)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(
            uvicorn.Config(create_http_app(app, callbacks=wechat.routes), log_level="warning")
        )
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            await asyncio.sleep(0.01)
        root = f"http://127.0.0.1:{sock.getsockname()[1]}"
        try:
            async with httpx.AsyncClient(base_url=root, timeout=10) as client:
                yield Harness(
                    api,
                    app,
                    wechat,
                    Platform(client, "/wechat", safe=safe),
                    Platform(client, "/wecom"),
                    clock,
                )
        finally:
            server.should_exit = True
            await serving
            sock.close()
            await wechat.close()
            await app.close()


async def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database for the fixture's parameter: SQLite, or the test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wx.db'}"
    url = service_url("GRIDBOT_TEST_DATABASE_URL", "PostgreSQL")
    await _reset_postgres(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(await backend_url(request, tmp_path), tmp_path) as harness:
        yield harness


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(f"sqlite:///{tmp_path / 'wx.db'}", tmp_path) as harness:
        yield harness


async def test_report_on_the_account_handled_in_wecom_and_rated(bot: Harness) -> None:
    api = bot.api
    report = await bot.oa.post(bot.oa.message(RESIDENT, "29号楼3单元楼顶漏水了，家里都湿了"))
    assert report.status == 200 and report.reply is not None  # passive, encrypted reply
    assert report.reply["ToUserName"] == RESIDENT
    assert report.reply["Content"] == (
        "已收到您的反映，登记为工单 #1（漏水渗水），已转交高艳娜处理。\n\n"
        "直接回复文字可反映新问题，回复 /my 查看我的工单。"
    )
    await bot.deliver()
    [card] = api.sent("message/send", LEADER)
    assert card["msgtype"] == "template_card" and card["agentid"] == AGENT_ID
    assert card["template_card"]["card_type"] == "button_interaction"
    keys = [b["key"] for b in card["template_card"]["button_list"]]
    actions = ["acknowledge", "progress", "resolve", "escalate", "reassign"]
    assert keys == [f"t:{action}:1" for action in actions]
    [full] = [t for t in api.texts("message/send", LEADER) if t.startswith("【新工单 #1】")]
    assert "请回复数字：1 受理　2 进度　3 办结　4 上报　5 转派" in full

    ack = await bot.wecom.post(bot.wecom.message(LEADER, "受理 1"))
    assert ack.reply is not None and ack.reply["Content"] == "已受理工单 #1。"
    await bot.deliver()
    [update] = api.texts("message/custom/send", RESIDENT)
    assert update.startswith("工单 #1（漏水渗水）已由高艳娜受理，正在安排处理。")
    assert update.endswith("直接回复文字可反映新问题，回复 /my 查看我的工单。")

    done = await bot.wecom.post(bot.wecom.message(LEADER, "办结 1 已更换防水层"))
    assert done.reply is not None and done.reply["Content"] == "工单 #1 已办结，已请居民评价。"
    await bot.deliver()
    resolved, ask = api.texts("message/custom/send", RESIDENT)[1:]
    assert resolved.startswith("工单 #1（漏水渗水）已办结：已更换防水层")
    assert ask.endswith("请回复数字：1 满意　2 基本满意　3 不满意")

    rating = await bot.oa.post(bot.oa.message(RESIDENT, "1"))
    assert rating.reply is not None
    assert rating.reply["Content"].startswith("感谢您的评价，工单 #1 已关闭。")
    await bot.deliver()  # the leader's card updates: WeCom cannot edit, so they are dropped
    async with bot.app.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and (ticket.state, ticket.rating) == ("closed", "satisfied")
        steps = [e.action for e in await store.events(1)]
        assert steps == ["report", "acknowledge", "resolve", "rate"]
        assert {r.status for r in await store.messages_for_ticket(1)} == {"delivered"}
    assert api.token_requests == ["gettoken", "token"]  # one token each, reused


async def test_a_card_button_acts_and_forged_button_data_is_refused(lite: Harness) -> None:
    await lite.oa.post(lite.oa.message(RESIDENT, "29号楼3单元楼顶漏水了"))
    await lite.deliver()
    pressed = lite.wecom.event(
        LEADER, "template_card_event", EventKey="t:acknowledge:1", TaskId="task-1"
    )
    assert (await lite.wecom.post(pressed)).body == "success"  # the answer goes by the API
    await lite.settle()
    assert lite.api.texts("message/send", LEADER)[-1] == "已受理工单 #1。"
    forged = lite.wecom.event(LEADER, "template_card_event", EventKey="t:nonsense:1", TaskId="t2")
    await lite.wecom.post(forged)
    await lite.settle()
    assert lite.api.texts("message/send", LEADER)[-1] == "这个按钮已失效。"
    async with lite.app.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.state == "acknowledged"


async def test_url_verification_on_both_platforms(lite: Harness) -> None:
    assert (await lite.oa.verify("echo-123")).text == "echo-123"
    assert (await lite.wecom.verify("corp-echo-456")).text == "corp-echo-456"  # decrypted
    assert (await lite.oa.verify("echo-123", forge=True)).status_code == 403
    assert (await lite.wecom.verify("corp-echo-456", forge=True)).status_code == 403


async def test_forged_stale_and_replayed_callbacks_change_nothing(lite: Harness) -> None:
    report = lite.oa.message(RESIDENT, "29号楼3单元楼顶漏水了")
    assert (await lite.oa.post(report, forge=True)).status == 403
    stale = await lite.oa.post(report, timestamp=int(time.time()) - 301)
    assert stale.status == 403
    leader = lite.wecom.message(LEADER, "受理 1")
    assert (await lite.wecom.post(leader, forge=True)).status == 403
    async with lite.app.database.unit() as store:
        assert await store.ticket_count() == 0
    first = await lite.oa.post(report)
    again = await lite.oa.post(report)  # WeChat's retry: the same MsgId
    assert first.reply is not None and again.body == "success" and again.reply is None
    follow = lite.oa.event(RESIDENT, "subscribe")
    await lite.oa.post(follow)
    assert (await lite.oa.post(follow)).body == "success"  # an event: sender + CreateTime
    async with lite.app.database.unit() as store:
        assert await store.ticket_count() == 1
    assert lite.api.token_requests == []  # the passive replies needed no API call


async def test_answer_within_a_second_while_a_slow_send_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wx.db'}"
    async with running(url, tmp_path, budget=PASSIVE_BUDGET) as bot:
        api = bot.api
        api.delay = 3.0  # every message call takes three seconds
        stop = asyncio.Event()
        sending = asyncio.create_task(bot.app.sender.run(stop, interval=0.05))
        try:
            report = await bot.oa.post(bot.oa.message(RESIDENT, "29号楼3单元楼顶漏水了"))
            assert report.status == 200 and report.seconds < 1
            await bot.until(lambda: api.in_flight > 0)  # the leader's card, on its slow way
            hello = await bot.oa.post(bot.oa.event(NEWCOMER, "subscribe"))  # two answers
            assert hello.status == 200 and hello.seconds < 1
            assert api.in_flight > 0  # the slow send is still running
            await bot.settle()
            said = [hello.reply["Content"]] if hello.reply else []
            said += api.texts("message/custom/send", NEWCOMER)
            assert said[0].startswith("我是社区网格助手")
            assert said[1].startswith("欢迎！请回复您在社区登记的手机号")
        finally:
            stop.set()
            await sending
        assert api.sent("message/send", LEADER)


async def test_slow_handlers_answer_by_customer_service_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wx.db'}"
    async with running(url, tmp_path, budget=0.0) as bot:  # no time for a passive reply
        report = await bot.oa.post(bot.oa.message(RESIDENT, "29号楼3单元楼顶漏水了"))
        assert report.body == "success" and report.reply is None
        await bot.settle()
        [answer] = bot.api.texts("message/custom/send", RESIDENT)
        assert answer.startswith("已收到您的反映，登记为工单 #1（漏水渗水）")
        ack = await bot.wecom.post(bot.wecom.message(LEADER, "受理 1"))
        assert ack.body == "success"
        await bot.settle()
        assert bot.api.texts("message/send", LEADER)[-1] == "已受理工单 #1。"


async def test_registration_by_phone_then_updates_arrive(lite: Harness) -> None:
    await lite.oa.post(lite.oa.event(NEWCOMER, "subscribe"))
    await lite.settle()
    wrong = await lite.oa.post(lite.oa.message(NEWCOMER, "13900000000"))
    assert wrong.reply is not None and wrong.reply["Content"].startswith("名册中没有这个手机号")
    leader = await lite.oa.post(lite.oa.message(NEWCOMER, "13800000001"))  # the leader's
    assert leader.reply is not None and leader.reply["Content"].startswith("这个手机号不能")
    done = await lite.oa.post(lite.oa.message(NEWCOMER, "13800000107"))
    assert done.reply is not None
    assert done.reply["Content"].startswith("登记成功：吕新安，29号楼3单元502室。")
    report = await lite.oa.post(lite.oa.message(NEWCOMER, "楼顶漏水了"))  # his home: 29-3-502
    assert report.reply is not None and "工单 #1" in report.reply["Content"]
    await lite.wecom.post(lite.wecom.message(LEADER, "受理 1"))
    await lite.deliver()
    [update] = lite.api.texts("message/custom/send", NEWCOMER)[-1:]
    assert update.startswith("工单 #1（漏水渗水）已由高艳娜受理")
    async with lite.app.database.unit() as store:
        person = await store.person_by_identity("wechat", NEWCOMER)
        assert person is not None and person.name == "吕新安" and person.confirmed
    # someone registered already typing another resident's number: no registration, no merge
    typed = await lite.oa.post(lite.oa.message(RESIDENT, "13800000111"))
    assert typed.reply is not None and not typed.reply["Content"].startswith("登记成功")
    async with lite.app.database.unit() as store:
        zhang = await store.person_by_identity("wechat", RESIDENT)
        assert zhang is not None and zhang.name == "张秀英"
        assert [p.name for p in await store.people_named("刘洋")] == ["刘洋"]


async def test_outside_the_window_the_news_waits_for_the_next_message(lite: Harness) -> None:
    await lite.oa.post(lite.oa.message(RESIDENT, "29号楼3单元楼顶漏水了"))
    lite.clock.advance(timedelta(hours=40))
    await lite.wecom.post(lite.wecom.message(LEADER, "受理 1"))
    await lite.deliver()
    [warned] = lite.api.texts("message/custom/send", RESIDENT)
    assert "如 8 小时内没有收到您的消息，之后的进展会在您下次留言时一并送达。" in warned
    lite.clock.advance(timedelta(hours=9))
    await lite.wecom.post(lite.wecom.message(LEADER, "进度 1 师傅下午到"))
    await lite.deliver()
    assert len(lite.api.sent("message/custom/send", RESIDENT)) == 1  # nothing may be sent
    news = [r for r in await lite.outbox() if r.text.startswith("工单 #1（漏水渗水）有新进展")]
    assert [r.status for r in news] == ["waiting"]
    async with lite.app.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None
        card = await lite.app.router.describe(store, ticket, "zh-CN")
    assert "通知 张秀英：等居民下次留言后送达" in card
    await lite.oa.post(lite.oa.message(RESIDENT, "/my"))  # she writes again
    await lite.settle()
    await lite.deliver()
    assert any(
        t.startswith("工单 #1（漏水渗水）有新进展：师傅下午到")
        for t in lite.api.texts("message/custom/send", RESIDENT)
    )
    assert {r.status for r in await lite.outbox()} == {"delivered"}


async def test_outside_the_window_a_template_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wx.db'}"
    async with running(url, tmp_path, wechat_template_id="tmpl-news") as bot:
        await bot.oa.post(bot.oa.message(RESIDENT, "29号楼3单元楼顶漏水了"))
        bot.api.window_closed.add(RESIDENT)  # WeChat says so (45015) before our 48 hours end
        await bot.wecom.post(bot.wecom.message(LEADER, "受理 1"))
        await bot.deliver()
        [sent] = bot.api.sent("message/template/send", RESIDENT)
        assert sent["template_id"] == "tmpl-news"
        assert sent["data"]["content"]["value"].startswith("工单 #1（漏水渗水）已由高艳娜受理")
        assert bot.api.sent("message/custom/send", RESIDENT) == []


async def test_plaintext_mode_and_news_to_the_wecom_group_robot(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wx.db'}"
    async with running(url, tmp_path, safe=False) as bot:
        answer = await bot.oa.post(bot.oa.message(RESIDENT, "29号楼3单元楼顶漏水了"))
        assert answer.reply is not None and "工单 #1" in answer.reply["Content"]
        async with bot.app.database.unit() as store:  # 刘洋 has no account: his news falls
            liu = (await store.people_named("刘洋"))[0]  # back to his building's WeCom group
            store.add(Follower(ticket_id=1, person_id=liu.id or 0, joined_at=bot.clock.now()))
        await bot.wecom.post(bot.wecom.message(LEADER, "受理 1"))
        await bot.deliver()
        [notice] = bot.api.sent("webhook/send", ROBOT_KEY)
        assert notice["text"]["content"] == "刘洋，工单 #1 有新进展，请私聊我查看详情。"
        rows = {r.person_id: r.status for r in await bot.outbox()}
        assert rows[liu.id] == "fell_back"


async def test_registration_by_home_confirmed_by_the_leader_on_wecom(lite: Harness) -> None:
    await lite.oa.post(lite.oa.event(NEWCOMER, "subscribe"))
    await lite.settle()
    unknown = await lite.oa.post(lite.oa.message(NEWCOMER, "29-9-999"))
    assert unknown.reply is not None and unknown.reply["Content"].startswith(
        "名册中没有「29-9-999」"
    )
    asked = await lite.oa.post(lite.oa.message(NEWCOMER, "29-1-101 刘洋"))
    assert asked.reply is not None
    assert asked.reply["Content"].startswith("已请网格长确认您住在29号楼1单元101室")
    again = await lite.oa.post(lite.oa.message(NEWCOMER, "29-3-502 吕新安"))  # one at a time
    assert again.reply is not None and again.reply["Content"].startswith("您的登记正在等网格长确认")
    await lite.deliver()
    full, card = lite.api.sent("message/send", LEADER)[-2:]  # the text, then its card
    assert full["text"]["content"].startswith(
        "【登记确认】刘洋 说自己住在29号楼1单元101室，是否确认？"
    )
    card = card["template_card"]
    assert card["main_title"]["title"] == "【登记确认】刘洋 说自己住在29号楼1单元101室…"
    assert [b["key"] for b in card["button_list"]] == ["g:1:y", "g:1:n"]
    press = lite.wecom.event(LEADER, "template_card_event", EventKey="g:1:y", TaskId="reg-1")
    await lite.wecom.post(press)
    await lite.settle()
    assert lite.api.texts("message/send", LEADER)[-1] == "已确认 刘洋 的登记。"
    await lite.wecom.post(lite.wecom.event(LEADER, "template_card_event", EventKey="g:1:n"))
    await lite.settle()
    assert lite.api.texts("message/send", LEADER)[-1] == "这条登记已经处理过了。"  # once only
    await lite.deliver()
    done = lite.api.texts("message/custom/send", NEWCOMER)[-1]
    assert done.startswith("登记成功：刘洋，29号楼1单元101室。")
    async with lite.app.database.unit() as store:  # the roster's 刘洋, now with his OpenID
        person = await store.person_by_identity("wechat", NEWCOMER)
        assert person is not None and person.confirmed and person.owner
        assert person.phone == "13800000111"


async def test_a_bare_number_answers_the_newest_question(lite: Harness) -> None:
    await lite.oa.post(lite.oa.message(RESIDENT, "29号楼3单元楼顶漏水了"))
    await lite.wecom.post(lite.wecom.message(LEADER, "受理 1"))
    await lite.deliver()
    wrong = await lite.oa.post(lite.oa.message(RESIDENT, "2"))  # no question is open
    assert wrong.reply is not None and wrong.reply["Content"].startswith("您没有待评价的工单")
    await lite.wecom.post(lite.wecom.message(LEADER, "办结 1 已修好"))
    await lite.deliver()
    await lite.oa.post(lite.oa.message(RESIDENT, "3"))  # 3: not satisfied, by its number
    async with lite.app.database.unit() as store:
        ticket = await store.ticket(1)
        assert ticket is not None and ticket.state == "reopened"
        assert await store.prompt("wechat", RESIDENT) is None  # answered: the question is gone
    await lite.deliver()
    reopened = lite.api.texts("message/send", LEADER)[-1]
    assert reopened.startswith("工单 #1（漏水渗水）居民评价不满意，已重新打开")
    picked = await lite.wecom.post(lite.wecom.message(LEADER, "1"))  # 1 on the card: 受理
    assert picked.reply is not None and picked.reply["Content"] == "已受理工单 #1。"


async def test_a_photo_joins_the_newest_open_ticket(lite: Harness) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    lite.api.media = {"media-1": png, "media-2": png}
    early = await lite.oa.post(lite.oa.image(RESIDENT, "media-1"))  # no ticket yet
    assert early.reply is not None and early.reply["Content"].startswith(
        "收到照片了。请再用文字说明"
    )
    await lite.oa.post(lite.oa.message(RESIDENT, "29号楼3单元楼顶漏水了"))
    photo = await lite.oa.post(lite.oa.image(RESIDENT, "media-2"))
    assert photo.reply is not None and photo.reply["Content"].startswith("照片已加入工单 #1。")
    lost = await lite.oa.post(lite.oa.image(RESIDENT, "no-such-media"))  # WeChat lost it
    assert lost.reply is not None and lost.reply["Content"].startswith("暂时只能识别文字和图片")
    async with lite.app.database.unit() as store:
        [kept] = await store.photos(1)
    assert (lite.app.media.root / kept.path).read_bytes() == png


def test_gridbot_run_mounts_both_callbacks(tmp_path: Path) -> None:
    """The real command, configured for both platforms, verifies URLs at /wechat and /wecom."""
    settings = {
        "GRIDBOT_WECHAT_APPID": OA_ID,
        "GRIDBOT_WECHAT_SECRET": "s",
        "GRIDBOT_WECHAT_TOKEN": OA_TOKEN,
        "GRIDBOT_WECHAT_API_URL": "http://127.0.0.1:1",
        "GRIDBOT_WECOM_CORP_ID": CORP_ID,
        "GRIDBOT_WECOM_AGENT_ID": str(AGENT_ID),
        "GRIDBOT_WECOM_SECRET": "s",
        "GRIDBOT_WECOM_TOKEN": CORP_TOKEN,
        "GRIDBOT_WECOM_AES_KEY": CORP_AES_KEY,
        "GRIDBOT_WECOM_API_URL": "http://127.0.0.1:1",
    }

    async def verify(root: str) -> None:
        async with httpx.AsyncClient(base_url=root, timeout=5) as client:
            oa, corp = Platform(client, "/wechat", safe=False), Platform(client, "/wecom")
            assert (await oa.verify("hello-oa")).text == "hello-oa"
            assert (await corp.verify("hello-corp")).text == "hello-corp"
            assert (await oa.verify("hello-oa", forge=True)).status_code == 403

    with gridbot_run(tmp_path, **settings) as running:
        asyncio.run(verify(running.root))
    assert running.process.returncode == 0, running.output
    assert "wechat started" in running.output and "wecom started" in running.output

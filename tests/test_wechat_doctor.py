"""`gridbot doctor` for the Official Account and WeCom, against the stand-in WeChat APIs."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.wechat.setup import wechat_frontends
from bot.app import App
from bot.doctor import Finding, diagnose_wechat
from tests.test_wechat_scenarios import AGENT_ID, settings_for
from tests.wechat_server import WeChatStandIn

TEMPLATE = "tpl-ticket-progress"


async def findings(api: WeChatStandIn, tmp_path: Path, **changed: object) -> dict[str, Finding]:
    """The doctor's WeChat checks for the scenarios' deployment of both platforms, by check."""
    url = f"sqlite:///{tmp_path / 'doctor.db'}"
    settings = settings_for(url, api, tmp_path, **{"wechat_template_id": TEMPLATE, **changed})
    app = await App.build(settings)
    frontends = wechat_frontends(app)
    try:
        return {f.check: f for f in await diagnose_wechat(frontends)}
    finally:
        await frontends.close()
        await app.close()


async def test_a_sound_deployment_passes_every_check(tmp_path: Path) -> None:
    templates = {TEMPLATE: "{{content.DATA}}", "tpl-other": "{{first.DATA}}{{remark.DATA}}"}
    async with WeChatStandIn(agent_id=AGENT_ID, templates=templates) as api:
        found = await findings(api, tmp_path)
    assert list(found) == [
        "Official Account: access token",
        "Official Account: template message",
        "WeCom: access token",
        "WeCom: app",
        "WeCom: group robots",
    ]
    assert all(f.ok for f in found.values())
    assert found["Official Account: template message"].seen == TEMPLATE
    assert found["WeCom: app"].seen == f"网格通 (agent {AGENT_ID})"
    assert found["WeCom: group robots"].seen.startswith("1 group robots configured")


async def test_wrong_credentials_a_missing_template_and_another_apps_id(tmp_path: Path) -> None:
    async with WeChatStandIn(agent_id=AGENT_ID, templates={"tpl-other": "{{content.DATA}}"}) as api:
        found = await findings(api, tmp_path, wecom_agent_id=AGENT_ID + 1)
        refused = await findings(api, tmp_path / "second", wechat_secret="wrong", wecom_secret="x")
    template = found["Official Account: template message"]
    assert not template.ok and "GRIDBOT_WECHAT_TEMPLATE_ID" in template.fix
    assert template.seen == f"{TEMPLATE} is not among 1"
    app = found["WeCom: app"]
    assert not app.ok and "40056" in app.seen and "GRIDBOT_WECOM_AGENT_ID" in app.fix
    # a refused token stops that platform's other checks
    assert list(refused) == ["Official Account: access token", "WeCom: access token"]
    account, wecom = refused.values()
    assert not account.ok and "40125" in account.seen
    assert "GRIDBOT_WECHAT_SECRET" in account.fix and "IP白名单" in account.fix
    assert not wecom.ok and "40001" in wecom.seen and "GRIDBOT_WECOM_SECRET" in wecom.fix


async def test_without_a_template_the_waiting_news_is_explained(tmp_path: Path) -> None:
    async with WeChatStandIn(agent_id=AGENT_ID) as api:
        found = await findings(api, tmp_path, wechat_template_id=None)
    template = found["Official Account: template message"]
    assert template.ok and template.seen.startswith("not set: a resident silent for 48 hours")


async def test_a_template_without_the_content_field_is_refused(tmp_path: Path) -> None:
    """gridbot writes the news into {{content.DATA}}; a library template (keyword1…) has none."""
    library = "{{first.DATA}}\n工单：{{keyword1.DATA}}\n状态：{{keyword2.DATA}}\n{{remark.DATA}}"
    async with WeChatStandIn(agent_id=AGENT_ID, templates={TEMPLATE: library}) as api:
        found = await findings(api, tmp_path)
    template = found["Official Account: template message"]
    assert not template.ok and template.seen == f"{TEMPLATE} has no {{{{content.DATA}}}}"
    assert "{{content.DATA}}" in template.fix

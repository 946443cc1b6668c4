"""`gridbot doctor`: check a deployment against Telegram and WeChat and say what to fix."""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.telegram.base import TelegramFrontend
from bot.adapters.telegram.translate import PLATFORM
from bot.adapters.wechat.api import ApiError
from bot.adapters.wechat.callbacks import Wiring
from bot.adapters.wechat.official import TEMPLATE_FIELD, OfficialAccount
from bot.adapters.wechat.setup import WeChatFrontends
from bot.adapters.wechat.wecom import WeCom
from bot.app import App
from bot.delivery import TemporaryFailure


@dataclass(frozen=True, slots=True)
class Finding:
    """One check: whether it passed, what was seen, and what to do if it did not."""

    ok: bool
    check: str
    seen: str
    fix: str = ""


async def diagnose(app: App, telegram: TelegramFrontend) -> list[Finding]:
    """Token, group-message privacy, rights in every bound chat, unreachable leaders."""
    try:
        await telegram.connect()
        me = await telegram.about_bot()
    except Exception as exc:  # whatever the library raises, the token or the server is wrong
        return [
            Finding(
                False,
                "token",
                f"getMe failed: {exc}",
                "check GRIDBOT_TELEGRAM_TOKEN and GRIDBOT_TELEGRAM_API_URL",
            )
        ]
    findings = [Finding(True, "token", f"@{me.username} (id {me.id})")]
    async with app.database.unit() as store:
        chats = [c for c in await store.all_chats() if c.platform == PLATFORM]
        holders = await store.role_holders(PLATFORM)
    for chat in chats:
        rights = await telegram.rights_in(chat.chat_id, me.id)
        where = f"chat {chat.chat_id} ({chat.scope_kind} {chat.scope_id})"
        reads = me.reads_all_group_messages or rights.status == "administrator"
        findings.append(
            Finding(
                reads,
                f"{where}: reads messages",
                "yes" if reads else "privacy mode is on and the bot is no admin",
                "turn privacy mode off (@BotFather → /setprivacy → Disable) "
                "or make the bot an admin of the group",
            )
        )
        findings.append(
            Finding(
                rights.can_send,
                f"{where}: may send",
                rights.status,
                "add the bot to the group and let members send messages",
            )
        )
        findings.append(
            Finding(
                rights.can_pin,
                f"{where}: may pin",
                rights.status,
                "make the bot an admin with the right to pin messages",
            )
        )
    for name, role, opened in holders:
        findings.append(
            Finding(
                opened,
                f"{name} ({role}): private chat",
                "opened" if opened else "never opened a private chat",
                f"ask {name} to open the bot (https://t.me/{me.username}) and "
                "press Start; until then they are told in the group only",
            )
        )
    return findings


async def diagnose_wechat(frontends: WeChatFrontends) -> list[Finding]:
    """The Official Account's and WeCom's credentials, template message and app."""
    findings: list[Finding] = []
    if frontends.official is not None:
        findings += await _official_account(frontends.official)
    if frontends.wecom is not None:
        findings += await _wecom(frontends.wecom)
    return findings


async def _official_account(account: OfficialAccount) -> list[Finding]:
    """An access token, and the template message that reaches residents after 48 hours."""
    token = await _access_token(
        "Official Account",
        account.wiring,
        "check GRIDBOT_WECHAT_APPID, GRIDBOT_WECHAT_SECRET and GRIDBOT_WECHAT_API_URL, and add "
        "this server's address to the account's IP whitelist (IP白名单)",
    )
    if not token.ok:
        return [token]
    check = "Official Account: template message"
    if account.template_id is None:
        seen = "not set: a resident silent for 48 hours hears nothing until they write"
        return [token, Finding(True, check, seen)]
    missing = (
        "add the template (模板消息) to the account and set GRIDBOT_WECHAT_TEMPLATE_ID to its id"
    )
    try:
        data = await account.wiring.api.call(
            "GET", "/cgi-bin/template/get_all_private_template", tokens=account.wiring.tokens
        )
    except (ApiError, TemporaryFailure) as exc:
        return [token, Finding(False, check, f"template list: {exc}", missing)]
    templates = {str(t.get("template_id")): t for t in data.get("template_list") or []}
    template = templates.get(account.template_id)
    if template is None:
        seen = f"{account.template_id} is not among {len(templates)}"
        return [token, Finding(False, check, seen, missing)]
    field = f"{{{{{TEMPLATE_FIELD}.DATA}}}}"  # as the template's text names it
    fits = field in str(template.get("content", ""))
    seen = account.template_id if fits else f"{account.template_id} has no {field}"
    unfit = f"choose a template whose text holds {field}, where gridbot writes the news"
    return [token, Finding(fits, check, seen, unfit)]


async def _wecom(wecom: WeCom) -> list[Finding]:
    """An access token, and the app (agent) the residents and leaders talk to."""
    token = await _access_token(
        "WeCom",
        wecom.wiring,
        "check GRIDBOT_WECOM_CORP_ID, GRIDBOT_WECOM_SECRET (the app's Secret) and "
        "GRIDBOT_WECOM_API_URL, and add this server's address to the app's trusted IPs "
        "(企业可信IP)",
    )
    if not token.ok:
        return [token]
    check = "WeCom: app"
    try:
        data = await wecom.wiring.api.call(
            "GET",
            "/cgi-bin/agent/get",
            params={"agentid": str(wecom.agent_id)},
            tokens=wecom.wiring.tokens,
        )
    except (ApiError, TemporaryFailure) as exc:
        fix = "set GRIDBOT_WECOM_AGENT_ID to the AgentId of the app whose Secret is configured"
        return [token, Finding(False, check, f"agent {wecom.agent_id}: {exc}", fix)]
    robots = f"{len(wecom.webhooks)} group robots configured (not sent to: that would post)"
    return [
        token,
        Finding(True, check, f"{data.get('name', '')} (agent {wecom.agent_id})"),
        Finding(True, "WeCom: group robots", robots),
    ]


async def _access_token(platform: str, wiring: Wiring, fix: str) -> Finding:
    """Whether the platform issues an access token for the configured credentials."""
    check = f"{platform}: access token"
    try:
        await wiring.tokens.get()
    except (ApiError, TemporaryFailure) as exc:
        return Finding(False, check, str(exc), fix)
    return Finding(True, check, "issued")

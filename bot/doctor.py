"""`gridbot doctor`: check a deployment against Telegram and say what to fix."""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.telegram.base import TelegramFrontend
from bot.adapters.telegram.translate import PLATFORM
from bot.app import App


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

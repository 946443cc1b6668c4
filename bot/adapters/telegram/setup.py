"""Build the configured Telegram adapter (aiogram or python-telegram-bot) for a running app."""

from __future__ import annotations

from bot.adapters.telegram.base import TelegramFrontend
from bot.app import App
from bot.dedup import update_log


def telegram_frontend(app: App) -> TelegramFrontend | None:
    """The Telegram adapter chosen by GRIDBOT_TELEGRAM_LIBRARY, or None without a token."""
    settings = app.settings
    if settings.telegram_token is None:
        return None
    token = settings.telegram_token.get_secret_value()
    if settings.telegram_library == "ptb":
        from bot.adapters.telegram.ptb_adapter import PtbTelegram

        return PtbTelegram(token, settings.telegram_api_url, app.router, app.media, update_log(app))
    from bot.adapters.telegram.aiogram_adapter import AiogramTelegram

    return AiogramTelegram(token, settings.telegram_api_url, app.router, app.media, update_log(app))

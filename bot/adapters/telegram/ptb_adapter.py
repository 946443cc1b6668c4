"""The Telegram adapter on python-telegram-bot 22: its Application for polling, its Bot for
the HTTP; every update goes to the shared flow as Bot API JSON."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.adapters.telegram.base import ALLOWED_UPDATES, NotEditable, TelegramFrontend
from bot.adapters.telegram.translate import reply_markup
from bot.dedup import UpdateLog
from bot.delivery import TemporaryFailure, Unreachable
from handlers.messages import Buttons
from handlers.router import Router
from storage.media import MediaStore

log = logging.getLogger(__name__)


class PtbTelegram(TelegramFrontend):
    """python-telegram-bot's Application behind the shared Telegram flow."""

    def __init__(
        self, token: str, api_url: str, router: Router, media: MediaStore, updates: UpdateLog
    ) -> None:
        super().__init__(router, media, updates)
        root = api_url.rstrip("/")
        self.application = (
            Application.builder()
            .token(token)
            .base_url(f"{root}/bot")
            .base_file_url(f"{root}/file/bot")
            .build()
        )
        self.application.add_handler(TypeHandler(Update, self._every_update))
        self._polling = False

    async def _every_update(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB hands over each update; the shared flow takes it as Bot API JSON."""
        await self.handle_update(update.to_dict())

    async def connect(self) -> None:
        """PTB's Bot answers only once initialized (which calls getMe: a bad token raises)."""
        await self.application.initialize()

    async def start(self, webhook_url: str | None, secret: str | None) -> None:
        """Learn the bot's username; set the webhook, or delete it and poll."""
        await self.connect()
        self.username = self.application.bot.username or ""
        if webhook_url:
            await self.application.bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
            return
        await self.application.bot.delete_webhook()
        updater = self.application.updater
        assert updater is not None  # the default builder makes one
        await updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=10)
        await self.application.start()
        self._polling = True

    async def stop(self) -> None:
        """Stop polling (if it runs) and release the HTTP clients."""
        if self._polling:
            updater = self.application.updater
            if updater is not None and updater.running:
                await updater.stop()
            await self.application.stop()
        await self.application.shutdown()

    async def send_message(
        self,
        chat_id: str,
        text: str,
        buttons: Buttons,
        reply_to: str | None,
        phone_button: str,
        entities: list[dict[str, Any]],
    ) -> str:
        """sendMessage with an inline keyboard (or the share-phone button) and mentions."""
        layout = reply_markup(buttons, phone_button)
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None
        if layout is not None:
            kind = InlineKeyboardMarkup if "inline_keyboard" in layout else ReplyKeyboardMarkup
            markup = kind.de_json(layout, self.application.bot)
        replying = (
            ReplyParameters(message_id=int(reply_to), allow_sending_without_reply=True)
            if reply_to
            else None
        )
        with _delivery_errors():
            sent = await self.application.bot.send_message(
                int(chat_id),
                text,
                reply_markup=markup,
                reply_parameters=replying,
                entities=MessageEntity.de_list(entities, self.application.bot) or None,
            )
        return str(sent.message_id)

    async def edit_message(
        self, chat_id: str, message_id: str, text: str, buttons: Buttons
    ) -> None:
        """editMessageText with the inline keyboard replaced."""
        layout = reply_markup(buttons)
        markup = InlineKeyboardMarkup.de_json(layout, self.application.bot) if layout else None
        try:
            with _delivery_errors():
                await self.application.bot.edit_message_text(
                    text, chat_id=int(chat_id), message_id=int(message_id), reply_markup=markup
                )
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise NotEditable(exc.message) from exc

    async def get_me(self) -> dict[str, Any]:
        """getMe."""
        return (await self.application.bot.get_me()).to_dict()

    async def chat_member(self, chat_id: str, user_id: int) -> dict[str, Any]:
        """getChatMember."""
        return (await self.application.bot.get_chat_member(int(chat_id), user_id)).to_dict()

    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        """answerCallbackQuery: an alert when asked, else just stop the spinner."""
        await self.application.bot.answer_callback_query(
            callback_id, text=text or None, show_alert=alert
        )

    async def download(self, file_id: str) -> bytes:
        """getFile, then the file's bytes."""
        file = await self.application.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())

    async def send_poll(
        self, chat_id: str, question: str, options: Sequence[str]
    ) -> tuple[str, str]:
        """sendPoll, not anonymous."""
        sent = await self.application.bot.send_poll(
            int(chat_id), question, list(options), is_anonymous=False
        )
        assert sent.poll is not None  # sendPoll answers with the poll
        return str(sent.message_id), sent.poll.id

    async def stop_poll(self, chat_id: str, message_id: str) -> None:
        """stopPoll."""
        await self.application.bot.stop_poll(int(chat_id), int(message_id))

    async def pin_message(self, chat_id: str, message_id: str) -> None:
        """pinChatMessage without a notification."""
        await self.application.bot.pin_chat_message(
            int(chat_id), int(message_id), disable_notification=True
        )


@contextlib.contextmanager
def _delivery_errors() -> Iterator[None]:
    """PTB's errors as the outbox understands them: 403 unreachable, 429 and network trouble
    temporary; a bad request (a subclass of NetworkError in PTB) stays what it is."""
    try:
        yield
    except Forbidden as exc:
        raise Unreachable(exc.message) from exc
    except RetryAfter as exc:
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        raise TemporaryFailure(exc.message, retry_after=seconds) from exc
    except BadRequest:
        raise
    except NetworkError as exc:  # includes TimedOut
        raise TemporaryFailure(exc.message) from exc

"""The Telegram adapter on aiogram 3 (the default): its Bot for the HTTP, its Dispatcher for
long polling; every update goes to the shared flow as Bot API JSON."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import (
    InlineKeyboardMarkup,
    InputPollOption,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyParameters,
    TelegramObject,
    Update,
)

from bot.adapters.telegram.base import ALLOWED_UPDATES, NotEditable, TelegramFrontend
from bot.adapters.telegram.translate import reply_markup
from bot.dedup import UpdateLog
from bot.delivery import TemporaryFailure, Unreachable
from handlers.messages import Buttons
from handlers.router import Router
from storage.media import MediaStore

log = logging.getLogger(__name__)


class AiogramTelegram(TelegramFrontend):
    """aiogram's Bot and Dispatcher behind the shared Telegram flow."""

    def __init__(
        self, token: str, api_url: str, router: Router, media: MediaStore, updates: UpdateLog
    ) -> None:
        super().__init__(router, media, updates)
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
        self.bot = Bot(token, session=session)
        self.dispatcher = Dispatcher()
        self.dispatcher.update.outer_middleware.register(self._every_update)
        self._polling: asyncio.Task[None] | None = None

    async def _every_update(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> None:
        """aiogram hands over each update; the shared flow takes it as Bot API JSON."""
        if isinstance(event, Update):
            await self.handle_update(
                event.model_dump(mode="json", exclude_none=True, by_alias=True)
            )

    async def connect(self) -> None:
        """aiogram's Bot opens its session on the first call: nothing to prepare."""

    async def start(self, webhook_url: str | None, secret: str | None) -> None:
        """Learn the bot's username; set the webhook, or delete it and poll."""
        self.username = (await self.bot.get_me()).username or ""
        if webhook_url:
            await self.bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
            return
        await self.bot.delete_webhook()
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                allowed_updates=ALLOWED_UPDATES,
                polling_timeout=10,
            )
        )

    async def stop(self) -> None:
        """Stop polling (if it runs) and close the HTTP session."""
        if self._polling is not None:
            with contextlib.suppress(RuntimeError):  # polling had not started yet
                await self.dispatcher.stop_polling()
            await asyncio.gather(self._polling, return_exceptions=True)
        await self.bot.session.close()

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
            markup = kind.model_validate(layout)
        replying = (
            ReplyParameters(message_id=int(reply_to), allow_sending_without_reply=True)
            if reply_to
            else None
        )
        with _delivery_errors():
            sent = await self.bot.send_message(
                int(chat_id),
                text,
                reply_markup=markup,
                reply_parameters=replying,
                entities=[MessageEntity.model_validate(e) for e in entities] or None,
            )
        return str(sent.message_id)

    async def edit_message(
        self, chat_id: str, message_id: str, text: str, buttons: Buttons
    ) -> None:
        """editMessageText with the inline keyboard replaced."""
        layout = reply_markup(buttons)
        markup = InlineKeyboardMarkup.model_validate(layout) if layout else None
        try:
            with _delivery_errors():
                await self.bot.edit_message_text(
                    text, chat_id=int(chat_id), message_id=int(message_id), reply_markup=markup
                )
        except TelegramBadRequest as exc:
            if "not modified" not in exc.message:
                raise NotEditable(exc.message) from exc

    async def get_me(self) -> dict[str, Any]:
        """getMe."""
        return (await self.bot.get_me()).model_dump(mode="json")

    async def chat_member(self, chat_id: str, user_id: int) -> dict[str, Any]:
        """getChatMember."""
        return (await self.bot.get_chat_member(int(chat_id), user_id)).model_dump(mode="json")

    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        """answerCallbackQuery: an alert when asked, else just stop the spinner."""
        await self.bot.answer_callback_query(callback_id, text=text or None, show_alert=alert)

    async def download(self, file_id: str) -> bytes:
        """getFile, then the file's bytes."""
        file = await self.bot.get_file(file_id)
        buffer = io.BytesIO()
        await self.bot.download_file(file.file_path or "", destination=buffer)
        return buffer.getvalue()

    async def send_poll(
        self, chat_id: str, question: str, options: Sequence[str]
    ) -> tuple[str, str]:
        """sendPoll, not anonymous."""
        sent = await self.bot.send_poll(
            int(chat_id),
            question,
            [InputPollOption(text=option) for option in options],
            is_anonymous=False,
        )
        assert sent.poll is not None  # sendPoll answers with the poll
        return str(sent.message_id), sent.poll.id

    async def stop_poll(self, chat_id: str, message_id: str) -> None:
        """stopPoll."""
        await self.bot.stop_poll(int(chat_id), int(message_id))

    async def pin_message(self, chat_id: str, message_id: str) -> None:
        """pinChatMessage without a notification."""
        await self.bot.pin_chat_message(int(chat_id), int(message_id), disable_notification=True)


@contextlib.contextmanager
def _delivery_errors() -> Iterator[None]:
    """aiogram's errors as the outbox understands them: 403 unreachable, 429 and network
    trouble temporary."""
    try:
        yield
    except TelegramForbiddenError as exc:
        raise Unreachable(exc.message) from exc
    except TelegramRetryAfter as exc:
        raise TemporaryFailure(exc.message, retry_after=exc.retry_after) from exc
    except TelegramNetworkError as exc:
        raise TemporaryFailure(exc.message) from exc

"""What both Telegram adapters share: one update in -> the router -> answers out; the outbox's
deliveries -> sendMessage within Telegram's limits. The libraries only do the HTTP."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.adapters.splitting import split_text
from bot.adapters.telegram.translate import (
    MAX_TEXT,
    PLATFORM,
    Incoming,
    incoming,
    mention_entities,
)
from bot.dedup import UpdateLog
from bot.delivery import Delivery
from bot.ratelimit import Limits, RateLimiter
from handlers.messages import Buttons, Reply
from handlers.router import Router
from storage.media import MediaError, MediaStore

log = logging.getLogger(__name__)
TELEGRAM_LIMITS = Limits(overall_per_second=30, per_chat_interval=1.0, group_per_minute=20)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "poll_answer"]


@dataclass(frozen=True, slots=True)
class BotFacts:
    """What getMe says about the bot."""

    id: int
    username: str
    reads_all_group_messages: bool


@dataclass(frozen=True, slots=True)
class ChatRights:
    """The bot's standing in one chat."""

    status: str  # administrator, member, left, kicked, or "unreachable: …"
    can_send: bool
    can_pin: bool


class NotEditable(Exception):
    """Telegram will not edit that message (deleted, too old, not the bot's)."""


class TelegramFrontend(ABC):
    """A Telegram bot: receives updates (polling or webhook) and sends messages."""

    platform = PLATFORM

    def __init__(self, router: Router, media: MediaStore, updates: UpdateLog) -> None:
        self.router = router
        self.media = media
        self.updates = updates
        self.limiter = RateLimiter(TELEGRAM_LIMITS)
        self.username = ""  # the bot's @username, learnt at start, for deep links

    # receiving --------------------------------------------------------------------------------
    async def handle_update(self, update: dict[str, Any]) -> None:
        """Serve one update once; an error is logged and never stops the next update."""
        try:
            update_id = update.get("update_id")
            if update_id is not None and not await self.updates.claim(PLATFORM, str(update_id)):
                log.info("update %s was handled before; skipped", update_id)
                return
            event = incoming(update)
            if event is None:
                return
            if event.moved_to:
                await self.router.move_chat(PLATFORM, event.inbound.chat_id, event.moved_to)
                return
            if event.photo_file_id:
                event = await self._with_photo(event, event.photo_file_id)
            await self._answer(event, await self.router.handle(event.inbound))
        except Exception:
            log.exception("telegram update %s failed", update.get("update_id"))

    async def _with_photo(self, event: Incoming, file_id: str) -> Incoming:
        """Download the photo into the media store; a photo that cannot be had is left out."""
        try:
            path = self.media.save(await self.download(file_id))
        except (MediaError, OSError) as exc:
            log.warning("photo %s not kept: %s", file_id, exc)
            return event
        return replace(event, inbound=replace(event.inbound, photos=(path,)))

    async def _answer(self, event: Incoming, replies: list[Reply]) -> None:
        """Immediate answers: an alert on the pressed button, or messages in the chat."""
        inbound = event.inbound
        if event.callback_id is not None:
            alert = next((r for r in replies if r.alert), None)
            await self.answer_callback(
                event.callback_id, alert.text if alert else "", alert is not None
            )
            replies = [r for r in replies if r is not alert]
        for reply in replies:
            delivery = Delivery(inbound.chat_id, reply.text, reply.buttons, reply.invite)
            if reply.edit and event.callback_id is not None and inbound.message_id:
                await self.edit(delivery, inbound.message_id)
                continue
            quote = (
                inbound.message_id
                if inbound.chat_kind == "group" and reply.quote and event.callback_id is None
                else None
            )
            await self.send(delivery, reply_to=quote, phone_button=reply.phone_button)

    # sending ----------------------------------------------------------------------------------
    async def send(
        self, delivery: Delivery, reply_to: str | None = None, phone_button: str = ""
    ) -> str:
        """Send within the rate limits, split below 4,096 characters, buttons on the last part;
        the id of the last message sent."""
        parts = split_text(self._with_invite(delivery), MAX_TEXT)
        message_id = ""
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await self.limiter.wait(delivery.chat_id, group=delivery.chat_id.startswith("-"))
            message_id = await self.send_message(
                delivery.chat_id,
                part,
                delivery.buttons if last else (),
                reply_to if index == 0 else None,
                phone_button if last else "",
                mention_entities(delivery.mention, part) if index == 0 else [],
            )
        return message_id

    # ballots (bot.ballots.BallotFrontend) ------------------------------------------------------
    async def edit_ballot(self, chat_id: str, message_id: str, text: str, buttons: Buttons) -> None:
        """editMessageText within the rate limits (no buttons: the keyboard goes)."""
        await self.limiter.wait(chat_id, group=chat_id.startswith("-"))
        await self.edit_message(chat_id, message_id, split_text(text, MAX_TEXT)[0], buttons)

    async def send_native_poll(
        self, chat_id: str, question: str, options: Sequence[str]
    ) -> tuple[str, str]:
        """sendPoll, not anonymous so that every answer reaches the bot."""
        await self.limiter.wait(chat_id, group=chat_id.startswith("-"))
        return await self.send_poll(chat_id, question, options)

    async def stop_native_poll(self, chat_id: str, message_id: str) -> None:
        """stopPoll at the close: the bot's own tally is the result."""
        await self.limiter.wait(chat_id, group=chat_id.startswith("-"))
        await self.stop_poll(chat_id, message_id)

    async def pin(self, chat_id: str, message_id: str) -> bool:
        """pinChatMessage without a notification; False where the bot may not pin."""
        try:
            await self.pin_message(chat_id, message_id)
        except Exception as exc:  # the library's error, whichever it is: not allowed here
            log.info("not pinned in %s: %s", chat_id, exc)
            return False
        return True

    async def edit(self, delivery: Delivery, message_id: str) -> str:
        """editMessageText with the new buttons (a leader's card showing the ticket's state);
        a message Telegram will not edit any more is sent anew. The id now showing it."""
        text = self._with_invite(delivery)
        if len(text) > MAX_TEXT:
            return await self.send(delivery)
        await self.limiter.wait(delivery.chat_id, group=delivery.chat_id.startswith("-"))
        try:
            await self.edit_message(delivery.chat_id, message_id, text, delivery.buttons)
        except NotEditable as exc:
            log.info(
                "message %s in %s not edited (%s): sent anew", message_id, delivery.chat_id, exc
            )
            return await self.send(delivery)
        return message_id

    def _with_invite(self, delivery: Delivery) -> str:
        """The text, and the deep link into a private chat when the delivery carries one."""
        if not delivery.invite:
            return delivery.text
        return f"{delivery.text}\n{self.deep_link(delivery.invite)}"

    def deep_link(self, payload: str) -> str:
        """https://t.me/<bot>?start=<payload>, the way into a private chat with the bot."""
        return f"https://t.me/{self.username}?start={payload}"

    # what each library provides ---------------------------------------------------------------
    @abstractmethod
    async def send_message(
        self,
        chat_id: str,
        text: str,
        buttons: Buttons,
        reply_to: str | None,
        phone_button: str,
        entities: list[dict[str, Any]],
    ) -> str:
        """sendMessage (entities in the Bot API's layout), returning the message id; raise
        Unreachable (403) or TemporaryFailure (429, network)."""

    @abstractmethod
    async def edit_message(
        self, chat_id: str, message_id: str, text: str, buttons: Buttons
    ) -> None:
        """editMessageText (buttons replaced, none removes them); "not modified" is success;
        raise NotEditable when Telegram refuses the edit, Unreachable or TemporaryFailure."""

    @abstractmethod
    async def send_poll(
        self, chat_id: str, question: str, options: Sequence[str]
    ) -> tuple[str, str]:
        """sendPoll (regular, one answer, not anonymous): (message id, poll id)."""

    @abstractmethod
    async def stop_poll(self, chat_id: str, message_id: str) -> None:
        """stopPoll."""

    @abstractmethod
    async def pin_message(self, chat_id: str, message_id: str) -> None:
        """pinChatMessage quietly; raises the library's error when not allowed."""

    async def about_bot(self) -> BotFacts:
        """getMe: the bot's id, username and whether it reads all group messages."""
        me = await self.get_me()
        return BotFacts(
            int(me["id"]),
            str(me.get("username") or ""),
            bool(me.get("can_read_all_group_messages")),
        )

    async def rights_in(self, chat_id: str, bot_id: int) -> ChatRights:
        """The bot's standing in a chat: may it send and pin there?"""
        try:
            member = await self.chat_member(chat_id, bot_id)
        except Exception as exc:  # the library's error, whichever it is, is the answer
            return ChatRights(f"unreachable: {exc}", False, False)
        status = str(member.get("status", ""))
        can_send = status in ("creator", "administrator", "member") or bool(
            member.get("can_send_messages")
        )
        can_pin = status == "creator" or bool(member.get("can_pin_messages"))
        return ChatRights(status, can_send, can_pin)

    @abstractmethod
    async def get_me(self) -> dict[str, Any]:
        """getMe, as Bot API JSON."""

    @abstractmethod
    async def chat_member(self, chat_id: str, user_id: int) -> dict[str, Any]:
        """getChatMember, as Bot API JSON; raises the library's error when it cannot."""

    @abstractmethod
    async def answer_callback(self, callback_id: str, text: str, alert: bool) -> None:
        """answerCallbackQuery (always, so the button stops spinning)."""

    @abstractmethod
    async def download(self, file_id: str) -> bytes:
        """getFile and download its content."""

    @abstractmethod
    async def connect(self) -> None:
        """Prepare the library's HTTP client for single calls (doctor); start() does it too."""

    @abstractmethod
    async def start(self, webhook_url: str | None, secret: str | None) -> None:
        """Learn the bot's name; register the webhook, or start long polling."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop polling and close the HTTP session."""

"""The Official Account (服务号): residents write to it one to one.

Customer-service messages reach a resident only within 48 hours of their last message (and in
limited number); after that a template message when one is configured, else the notification
waits for the resident's next message. Every message says what can be replied.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.adapters.splitting import split_text
from bot.adapters.wechat.api import ApiError
from bot.adapters.wechat.callbacks import Refused, Wiring, check_fresh
from bot.adapters.wechat.render import with_choices
from bot.delivery import Delivery, TemporaryFailure, Unreachable, Waiting
from bot.ratelimit import Limits, RateLimiter
from handlers.messages import Buttons, Inbound, Reply
from handlers.texts import DEFAULT_LANGUAGE, text

log = logging.getLogger(__name__)

PLATFORM = "wechat"
WINDOW = timedelta(hours=48)
WINDOW_WARNING = timedelta(hours=12)  # this close to the end, say that news may wait
OUT_OF_WINDOW = frozenset({45015, 45047})  # response out of time limit, out of count limit
UNFOLLOWED = frozenset({43004, 40003})  # not a follower (any more), invalid OpenID
TEMPLATE_FIELD = "content"  # the template's one field the news goes into: {{content.DATA}}
MAX_TEXT = 600  # characters per text: the API cuts at 2,048 bytes (3 per hanzi)
LIMITS = Limits(overall_per_second=20, per_chat_interval=0.2, group_per_minute=20)


class OfficialAccount:
    """Callbacks in (`/wechat`), customer-service and template messages out."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        app_id: str,
        token: str,
        aes_key: str | None,
        template_id: str | None,
        wiring: Wiring,
    ) -> None:
        self.app_id = app_id
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None
        self.template_id = template_id
        self.wiring = wiring
        self.limiter = RateLimiter(LIMITS)

    # callbacks --------------------------------------------------------------------------------
    def verify_url(self, query: Mapping[str, str]) -> str:
        """GET /wechat: the signature over token, timestamp and nonce (in both modes)."""
        check_fresh(query["timestamp"])
        check_signature(self.token, query["signature"], query["timestamp"], query["nonce"])
        return query["echostr"]

    def open(self, query: Mapping[str, str], body: bytes) -> BaseMessage:
        """Plaintext mode: check `signature`; safe mode: decrypt, checking `msg_signature`."""
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        check_fresh(timestamp)
        if self.crypto is None:
            check_signature(self.token, query.get("signature", ""), timestamp, nonce)
            return parse_message(body)
        if query.get("encrypt_type") != "aes":
            raise Refused("safe mode: the callback is not encrypted")
        xml = self.crypto.decrypt_message(body, query.get("msg_signature", ""), timestamp, nonce)
        return parse_message(xml)

    def update_id(self, message: BaseMessage) -> str:
        """MsgId; for events (no MsgId) the follower and the event's time."""
        if message.id:
            return str(message.id)
        return f"{message.source}:{message.time}:{getattr(message, 'event', '')}"

    async def inbound(self, message: BaseMessage) -> Inbound | None:
        """Text (and recognised voice) and photos are what residents send; following says
        hello."""
        if message.type == "text":
            return _private(message, message.content or "")
        if message.type == "voice" and getattr(message, "recognition", None):
            return _private(message, message.recognition)
        if getattr(message, "event", "") in ("subscribe", "subscribe_scan"):
            return _private(message, "/start")
        if message.type == "image":
            photos = await self.wiring.fetch_photo(message.media_id)
            return replace(_private(message, ""), photos=photos)
        if message.type in ("voice", "video", "shortvideo", "location", "link"):
            return _private(message, "")  # answered: words, please
        return None  # unsubscribe, menu clicks, template receipts…

    async def passive(
        self, query: Mapping[str, str], message: BaseMessage, reply: Reply
    ) -> str | None:
        """A text reply in the callback's answer (encrypted in safe mode) when it fits."""
        body = await self._compose(message.source, reply.text, reply.buttons, closing=False)
        if len(body) > MAX_TEXT:
            return None
        xml = TextReply(
            source=message.target, target=message.source, content=body, time=message.time
        ).render()
        if self.crypto is None:
            return str(xml)
        return str(self.crypto.encrypt_message(xml, query.get("nonce", ""), query["timestamp"]))

    # sending ----------------------------------------------------------------------------------
    async def send(self, delivery: Delivery) -> str:
        """Within the window a customer-service message; outside it a template message, or
        Waiting. The id of the last message sent."""
        openid = delivery.chat_id
        async with self.wiring.database.unit() as store:
            identity = await store.identity(PLATFORM, openid)
        last = identity.last_inbound_at if identity else None
        left = (last + WINDOW - self.wiring.clock.now()) if last else timedelta(0)
        closing = self.template_id is None and timedelta(0) < left < WINDOW_WARNING
        body = await self._compose(openid, delivery.text, delivery.buttons, closing, left)
        if left <= timedelta(0):
            return await self._outside_window(openid, body)
        try:
            message_id = ""
            for part in split_text(body, MAX_TEXT):
                await self.limiter.wait(openid, group=False)
                data = await self.wiring.api.call(
                    "POST",
                    "/cgi-bin/message/custom/send",
                    payload={"touser": openid, "msgtype": "text", "text": {"content": part}},
                    tokens=self.wiring.tokens,
                )
                message_id = str(data.get("msgid", ""))
            return message_id
        except ApiError as exc:
            if exc.code in OUT_OF_WINDOW:
                return await self._outside_window(openid, body)
            if exc.code in UNFOLLOWED:
                raise Unreachable(str(exc)) from exc
            raise TemporaryFailure(str(exc)) from exc

    async def _outside_window(self, openid: str, body: str) -> str:
        """A template message, or wait for the resident to write again."""
        if self.template_id is None:
            raise Waiting("outside the 48-hour window and no template message configured")
        try:
            data = await self.wiring.api.call(
                "POST",
                "/cgi-bin/message/template/send",
                payload={
                    "touser": openid,
                    "template_id": self.template_id,
                    "data": {TEMPLATE_FIELD: {"value": body}},
                },
                tokens=self.wiring.tokens,
            )
        except ApiError as exc:
            if exc.code in UNFOLLOWED:
                raise Unreachable(str(exc)) from exc
            raise TemporaryFailure(str(exc)) from exc
        return str(data.get("msgid", ""))

    async def _compose(
        self,
        openid: str,
        body: str,
        buttons: Buttons,
        closing: bool,
        left: timedelta = WINDOW,
    ) -> str:
        """The text with what can be replied; numbered choices are remembered for the reply."""
        async with self.wiring.database.unit() as store:
            person = await store.person_by_identity(PLATFORM, openid)
            language = person.language if person else DEFAULT_LANGUAGE
            message, options = with_choices(body, buttons, language, free=True)
            if options:
                await store.ask(PLATFORM, openid, options, self.wiring.clock.now())
        if closing:
            hours = max(int(left.total_seconds() // 3600), 1)
            message += "\n" + text(language, "reply.window_closing", hours=hours)
        return message


def _private(message: BaseMessage, body: str) -> Inbound:
    """A follower's message in their one-to-one chat with the account."""
    return Inbound(
        platform=PLATFORM,
        chat_id=message.source,
        chat_kind="private",
        sender_id=message.source,
        text=body,
        message_id=str(message.id or message.time),
    )

"""WeCom (企业微信): community staff in the self-built app, and group robots for WeCom groups.

App messages carry buttons as template cards (button_interaction; a poll's ballot as a
vote_interaction card); the same choices are numbered in the text, and the text commands (受理 12,
投票 12 同意 …) are always accepted. A card comes back as a template_card_event: a button's data
is its EventKey, a ballot's is the id of the option chosen (SelectedItems).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import replace

from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.replies import TextReply
from wechatpy.messages import BaseMessage

from bot.adapters.splitting import split_text
from bot.adapters.wechat.api import ApiError
from bot.adapters.wechat.callbacks import Wiring, check_fresh
from bot.adapters.wechat.render import with_choices
from bot.delivery import Delivery, TemporaryFailure, Unreachable
from bot.ratelimit import Limits, RateLimiter
from handlers.messages import Button, Buttons, Inbound, Reply
from handlers.polls import ballot_poll
from handlers.texts import DEFAULT_LANGUAGE, text

log = logging.getLogger(__name__)

PLATFORM = "wecom"
MAX_TEXT = 600  # characters per text message: the API cuts at 2,048 bytes (3 per hanzi)
CARD_TITLE, CARD_TEXT, CARD_BUTTONS = 26, 112, 6  # template card limits
VOTE_DESC, VOTE_OPTIONS, VOTE_OPTION_TEXT = 44, 20, 11  # a vote_interaction card's limits
UNKNOWN_USER = frozenset({81013, 60111, 40031})  # not a member, UserID unknown, invalid list
# a member may get 30 app messages a minute; a group robot takes 20 a minute
LIMITS = Limits(overall_per_second=20, per_chat_interval=2.0, group_per_minute=20)


class WeCom:
    """Callbacks in (`/wecom`, always encrypted), app and robot messages out."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        corp_id: str,
        agent_id: int,
        token: str,
        aes_key: str,
        webhooks: Mapping[str, str],
        wiring: Wiring,
    ) -> None:
        self.crypto = WeChatCrypto(token, aes_key, corp_id)
        self.agent_id = agent_id
        self.webhooks = dict(webhooks)
        self.wiring = wiring
        self.limiter = RateLimiter(LIMITS)

    # callbacks --------------------------------------------------------------------------------
    def verify_url(self, query: Mapping[str, str]) -> str:
        """GET /wecom: echostr is encrypted; answer it decrypted."""
        check_fresh(query["timestamp"])
        echo = self.crypto.check_signature(
            query["msg_signature"], query["timestamp"], query["nonce"], query["echostr"]
        )
        return echo.decode() if isinstance(echo, bytes) else str(echo)

    def open(self, query: Mapping[str, str], body: bytes) -> BaseMessage:
        """Decrypt (checking msg_signature) and parse."""
        timestamp = query.get("timestamp", "")
        check_fresh(timestamp)
        xml = self.crypto.decrypt_message(
            body, query.get("msg_signature", ""), timestamp, query.get("nonce", "")
        )
        return parse_message(xml)

    def update_id(self, message: BaseMessage) -> str:
        """MsgId; for events the member, the time and the event (with the card's task)."""
        if message.id:
            return str(message.id)
        data = message._data
        return f"{message.source}:{message.time}:{data.get('Event', '')}:{data.get('TaskId', '')}"

    async def inbound(self, message: BaseMessage) -> Inbound | None:
        """Text, a photo, a card's button, or the first visit to the app."""
        data = message._data
        event = str(data.get("Event", "")).lower()
        if message.type == "text":
            return _member(message, text=message.content or "")
        if event == "template_card_event":
            return _member(message, button=_card_choice(data))
        if event == "subscribe":
            return _member(message, text="/start")
        if message.type == "image":
            photos = await self.wiring.fetch_photo(message.media_id)
            return replace(_member(message), photos=photos)
        if message.type in ("voice", "video", "location", "link"):
            return _member(message, text="")
        return None  # enter_agent, clicks on menus, job results…

    async def passive(
        self, query: Mapping[str, str], message: BaseMessage, reply: Reply
    ) -> str | None:
        """A plain text answer to a text message goes back in the callback's answer."""
        if message.type != "text" or reply.buttons or len(reply.text) > MAX_TEXT:
            return None
        xml = TextReply(
            source=message.target,
            target=message.source,
            content=reply.text,
            agent=self.agent_id,
            time=message.time,
        ).render()
        return str(self.crypto.encrypt_message(xml, query.get("nonce", ""), query["timestamp"]))

    # sending ----------------------------------------------------------------------------------
    async def send(self, delivery: Delivery) -> str:
        """A group's robot for a WeCom group of the roster; else an app message (a card when
        there are buttons). The id of the last message sent."""
        if delivery.chat_id in self.webhooks:
            return await self._robot(delivery.chat_id, delivery.text)
        async with self.wiring.database.unit() as store:
            if await store.chat(PLATFORM, delivery.chat_id) is not None:
                raise Unreachable(f"no group robot configured for {delivery.chat_id}")
            person = await store.person_by_identity(PLATFORM, delivery.chat_id)
            language = person.language if person else DEFAULT_LANGUAGE
            body, options = with_choices(delivery.text, delivery.buttons, language, free=False)
            if options:
                await store.ask(PLATFORM, delivery.chat_id, options, self.wiring.clock.now())
        if delivery.buttons:
            return await self._card(delivery.chat_id, body, delivery.buttons, language)
        message_id = ""
        for part in split_text(body, MAX_TEXT):
            message_id = await self._app_message(
                delivery.chat_id, {"msgtype": "text", "text": {"content": part}}
            )
        return message_id

    async def _card(self, user_id: str, body: str, buttons: Buttons, language: str) -> str:
        """button_interaction, or vote_interaction for a poll's ballot; a body longer than the
        card's text goes before it as text."""
        flat = [b for row in buttons for b in row]
        poll_id = ballot_poll(flat)
        limit = CARD_TEXT if poll_id is None else VOTE_DESC
        title, _, rest = body.partition("\n")
        if len(title) > CARD_TITLE or len(rest) > limit:
            await self._app_message(user_id, {"msgtype": "text", "text": {"content": body}})
            rest = rest[-limit:] if len(rest) > limit else rest
        if len(title) > CARD_TITLE:
            title = title[: CARD_TITLE - 1] + "…"
        if poll_id is None:
            card: dict[str, object] = {
                "card_type": "button_interaction",
                "main_title": {"title": title},
                "sub_title_text": rest,
                "button_list": [
                    {"text": b.label[:10], "style": 1, "key": b.data} for b in flat[:CARD_BUTTONS]
                ],
            }
        else:
            card = {
                **_vote_card(poll_id, flat, language),
                "main_title": {"title": title, "desc": rest},
            }
        card["task_id"] = uuid.uuid4().hex
        return await self._app_message(user_id, {"msgtype": "template_card", "template_card": card})

    async def _app_message(self, user_id: str, content: dict[str, object]) -> str:
        """message/send to one member."""
        await self.limiter.wait(user_id, group=False)
        try:
            data = await self.wiring.api.call(
                "POST",
                "/cgi-bin/message/send",
                payload={"touser": user_id, "agentid": self.agent_id, **content},
                tokens=self.wiring.tokens,
            )
        except ApiError as exc:
            if exc.code in UNKNOWN_USER:
                raise Unreachable(str(exc)) from exc
            raise TemporaryFailure(str(exc)) from exc
        if data.get("invaliduser"):
            raise Unreachable(f"{user_id} is not a member of the app")
        return str(data.get("msgid", ""))

    async def _robot(self, chat_id: str, body: str) -> str:
        """webhook/send through the group's robot, within its 20 messages a minute."""
        message_id = ""
        for index, part in enumerate(split_text(body, MAX_TEXT)):
            await self.limiter.wait(chat_id, group=True)
            try:
                await self.wiring.api.call(
                    "POST",
                    "/cgi-bin/webhook/send",
                    params={"key": self.webhooks[chat_id]},
                    payload={"msgtype": "text", "text": {"content": part}},
                )
            except ApiError as exc:
                raise TemporaryFailure(str(exc), 60.0) from exc
            message_id = f"{chat_id}:{index}"
        return message_id


def _vote_card(poll_id: int, ballot: list[Button], language: str) -> dict[str, object]:
    """A ballot as vote_interaction (title and task added by the caller): one choice, each
    option's id its ballot data."""
    return {
        "card_type": "vote_interaction",
        "checkbox": {
            "question_key": f"poll-{poll_id}",
            "mode": 0,  # single choice
            "option_list": [
                {"id": b.data, "text": b.label[:VOTE_OPTION_TEXT]} for b in ballot[:VOTE_OPTIONS]
            ],
        },
        "submit_button": {"text": text(language, "poll.card_submit"), "key": f"poll-{poll_id}"},
        "replace_text": text(language, "poll.card_submitted"),
    }


def _card_choice(data: Mapping[str, object]) -> str:
    """The data a card event carries: the chosen option of a vote card, else the button's key
    (an empty or doubtful selection gives "", which the router refuses)."""
    if str(data.get("CardType", "")) != "vote_interaction":
        return str(data.get("EventKey", ""))
    items = data.get("SelectedItems")
    item = items.get("SelectedItem") if isinstance(items, Mapping) else None
    options = item.get("OptionIds") if isinstance(item, Mapping) else None
    chosen = options.get("OptionId") if isinstance(options, Mapping) else None
    return chosen if isinstance(chosen, str) else ""  # several selections: not one vote


def _member(message: BaseMessage, text: str = "", button: str | None = None) -> Inbound:
    """A staff member's message in the app (always a one-to-one chat)."""
    return Inbound(
        platform=PLATFORM,
        chat_id=message.source,
        chat_kind="private",
        sender_id=message.source,
        text=text,
        message_id=str(message.id or message.time),
        button=button,
    )

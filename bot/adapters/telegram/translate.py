"""Bot API JSON <-> the project's messages. Pure functions, shared by both libraries' adapters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.delivery import Mention
from handlers.messages import Buttons, Inbound
from handlers.polls import native_answer_data

PLATFORM = "telegram"
MAX_TEXT = 4096  # Telegram's limit per message
GROUP_TYPES = frozenset({"group", "supergroup"})
LANGUAGES = {
    "zh-hans": "zh-CN",
    "zh-cn": "zh-CN",
    "zh": "zh-CN",
    "zh-hant": "zh-TW",
    "zh-tw": "zh-TW",
    "zh-hk": "zh-TW",
    "en": "en",
}


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update, translated: the inbound message and what the adapter must do around it."""

    inbound: Inbound
    callback_id: str | None = None  # a button press: answer it (with an alert when asked)
    photo_file_id: str | None = None  # download into the media store before handling
    moved_to: str | None = None  # the group became a supergroup with this chat id


def language_of(code: str | None) -> str | None:
    """A Telegram language_code ("zh-hans", "en-US") as one of gridbot's languages."""
    if not code:
        return None
    code = code.lower()
    return LANGUAGES.get(code) or LANGUAGES.get(code.split("-")[0])


def incoming(update: dict[str, Any]) -> Incoming | None:
    """The project's message for an update, or None for updates gridbot does not read."""
    if "callback_query" in update:
        query = update["callback_query"]
        message = query.get("message") or {}
        chat = message.get("chat") or {"id": query["from"]["id"], "type": "private"}
        return Incoming(
            _inbound(
                chat,
                query["from"],
                str(message.get("message_id", "")),
                button=str(query.get("data") or ""),
            ),
            callback_id=str(query["id"]),
        )
    if "poll_answer" in update:
        return _poll_answer(update["poll_answer"])
    message = update.get("message") or update.get("edited_message")
    if not message or "from" not in message:
        return None  # channel posts, polls and other updates are not residents' messages
    chat, sender = message["chat"], message["from"]
    if sender.get("is_bot"):
        return None
    if "migrate_to_chat_id" in message:
        return Incoming(
            _inbound(chat, sender, str(message["message_id"])),
            moved_to=str(message["migrate_to_chat_id"]),
        )
    photos = message.get("photo") or []
    largest = max(photos, key=lambda p: p.get("file_size") or p.get("width", 0)) if photos else None
    contact = message.get("contact")
    phone = None
    if contact and contact.get("user_id") == sender["id"]:
        phone = str(contact.get("phone_number") or "")  # only one's own number registers
    reply = message.get("reply_to_message") or {}
    return Incoming(
        _inbound(
            chat,
            sender,
            str(message["message_id"]),
            text=str(message.get("text") or message.get("caption") or ""),
            reply_to=str(reply["message_id"]) if reply else None,
            phone=phone,
        ),
        photo_file_id=largest["file_id"] if largest else None,
    )


def _poll_answer(answer: dict[str, Any]) -> Incoming | None:
    """A vote in a native poll, as the press of the matching ballot button; its answers go to
    the voter privately. A retraction changes nothing: the household's last vote stands."""
    user, options = answer.get("user"), answer.get("option_ids") or []
    if not user or not options:
        return None  # answered on behalf of a chat, or a retraction
    data = native_answer_data(str(answer["poll_id"]), int(options[0]))
    return Incoming(_inbound({"id": user["id"], "type": "private"}, user, "", button=data))


def _inbound(
    chat: dict[str, Any], sender: dict[str, Any], message_id: str, **fields: Any
) -> Inbound:
    """The Inbound common to every kind of update."""
    name = " ".join(p for p in (sender.get("first_name"), sender.get("last_name")) if p)
    return Inbound(
        platform=PLATFORM,
        chat_id=str(chat["id"]),
        chat_kind="group" if chat.get("type") in GROUP_TYPES else "private",
        sender_id=str(sender["id"]),
        sender_name=name or str(sender["id"]),
        message_id=message_id,
        language_hint=language_of(sender.get("language_code")),
        **fields,
    )


def reply_markup(buttons: Buttons, phone_button: str = "") -> dict[str, Any] | None:
    """Bot API reply_markup: an inline keyboard (callback data is at most 64 bytes), or a
    one-time keyboard with the share-my-phone button, or nothing."""
    if buttons:
        return {
            "inline_keyboard": [
                [{"text": b.label, "callback_data": b.data[:64]} for b in row] for row in buttons
            ]
        }
    if phone_button:
        return {
            "keyboard": [[{"text": phone_button, "request_contact": True}]],
            "resize_keyboard": True,
            "one_time_keyboard": True,
        }
    return None


def mention_entities(mention: Mention | None, text: str) -> list[dict[str, Any]]:
    """The Bot API entity that makes the name a text opens with a mention of that person
    (offsets count UTF-16 code units); none when the text does not open with it."""
    if mention is None or not text.startswith(mention.name) or not mention.user_id.isdigit():
        return []
    user = {"id": int(mention.user_id), "is_bot": False, "first_name": mention.name}
    length = len(mention.name.encode("utf-16-le")) // 2
    return [{"type": "text_mention", "offset": 0, "length": length, "user": user}]

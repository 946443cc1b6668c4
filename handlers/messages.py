"""The project's own message types: adapters translate platform updates into these and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChatKind = Literal["private", "group"]


@dataclass(frozen=True, slots=True)
class Button:
    """A button: what it says, and the data that comes back when it is pressed."""

    label: str
    data: str


Buttons = tuple[tuple[Button, ...], ...]  # rows of buttons, as a chat shows them


def buttons_to_json(buttons: Buttons) -> list[list[dict[str, str]]]:
    """Rows of buttons in the shape the outbox stores."""
    return [[{"label": b.label, "data": b.data} for b in row] for row in buttons]


def buttons_from_json(rows: list[list[dict[str, str]]]) -> Buttons:
    """Inverse of buttons_to_json."""
    return tuple(tuple(Button(b["label"], b["data"]) for b in row) for row in rows)


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a person did in a chat: wrote text, sent a photo, or pressed a button."""

    platform: str
    chat_id: str
    chat_kind: ChatKind
    sender_id: str
    sender_name: str = ""
    text: str = ""
    message_id: str = ""
    photos: tuple[str, ...] = ()  # paths in the media store, already downloaded by the adapter
    button: str | None = None  # the data of a pressed button
    reply_to: str | None = None  # id of the message this one answers
    language_hint: str | None = None  # the platform's guess at the sender's language
    phone: str | None = None  # a phone number the sender shared as their own (registration)


@dataclass(frozen=True, slots=True)
class Reply:
    """An immediate answer to the person acting (not a notification: no outbox)."""

    text: str
    buttons: Buttons = ()
    alert: bool = False  # for a button press: show as an alert rather than a message
    quote: bool = True  # in a group, answer as a reply to the person's message
    phone_button: str = ""  # label of a "share my phone number" button to offer, if any
    invite: str = ""  # a start payload: add the way into a private chat with the bot
    edit: bool = False  # for a button press: replace the message that carried the button


@dataclass(frozen=True, slots=True)
class Outbound:
    """A notification the sender delivers: to a person, or to a group chat."""

    text: str
    person_id: int | None = None
    platform: str | None = None
    chat_id: str | None = None
    buttons: Buttons = field(default=())
    group_text: str = ""

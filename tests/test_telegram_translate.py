"""Bot API JSON to the project's messages, and long texts cut below Telegram's limit."""

from __future__ import annotations

from bot.adapters.splitting import split_text
from bot.adapters.telegram.translate import MAX_TEXT, incoming, language_of, mention_entities
from bot.delivery import Mention

ALICE = {
    "id": 29035021,
    "is_bot": False,
    "first_name": "新安",
    "last_name": "吕",
    "language_code": "zh-hans",
}
GROUP = {"id": -1002901, "type": "supergroup", "title": "29号楼"}


def test_group_text_message() -> None:
    event = incoming(
        {
            "update_id": 1,
            "message": {
                "message_id": 7,
                "date": 0,
                "chat": GROUP,
                "from": ALICE,
                "text": "楼顶漏水了",
                "reply_to_message": {"message_id": 5, "date": 0, "chat": GROUP},
            },
        }
    )
    assert event is not None
    inbound = event.inbound
    assert (inbound.platform, inbound.chat_id, inbound.chat_kind) == (
        "telegram",
        "-1002901",
        "group",
    )
    assert (inbound.sender_id, inbound.sender_name, inbound.text) == (
        "29035021",
        "新安 吕",
        "楼顶漏水了",
    )
    assert (inbound.message_id, inbound.reply_to, inbound.language_hint) == ("7", "5", "zh-CN")


def test_photo_caption_contact_and_button() -> None:
    photo = incoming(
        {
            "update_id": 2,
            "message": {
                "message_id": 8,
                "date": 0,
                "chat": GROUP,
                "from": ALICE,
                "caption": "看这里",
                "photo": [
                    {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
                    {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 960},
                ],
            },
        }
    )
    assert photo is not None and photo.photo_file_id == "big" and photo.inbound.text == "看这里"
    private = {"id": 29035021, "type": "private"}
    own = incoming(
        {
            "update_id": 3,
            "message": {
                "message_id": 9,
                "date": 0,
                "chat": private,
                "from": ALICE,
                "contact": {
                    "phone_number": "+8613800000101",
                    "first_name": "新安",
                    "user_id": 29035021,
                },
            },
        }
    )
    assert own is not None and own.inbound.phone == "+8613800000101"
    someone_elses = incoming(
        {
            "update_id": 4,
            "message": {
                "message_id": 10,
                "date": 0,
                "chat": private,
                "from": ALICE,
                "contact": {"phone_number": "+8613900000000", "first_name": "别人", "user_id": 1},
            },
        }
    )
    assert someone_elses is not None and someone_elses.inbound.phone is None
    pressed = incoming(
        {
            "update_id": 5,
            "callback_query": {
                "id": "cb1",
                "from": ALICE,
                "chat_instance": "x",
                "data": "t:acknowledge:1",
                "message": {"message_id": 11, "date": 0, "chat": private},
            },
        }
    )
    assert pressed is not None and pressed.callback_id == "cb1"
    assert pressed.inbound.button == "t:acknowledge:1" and pressed.inbound.chat_kind == "private"


def test_migration_stickers_bots_and_other_updates() -> None:
    moved = incoming(
        {
            "update_id": 6,
            "message": {
                "message_id": 12,
                "date": 0,
                "chat": {"id": -2901, "type": "group"},
                "from": ALICE,
                "migrate_to_chat_id": -1002901,
            },
        }
    )
    assert moved is not None and moved.moved_to == "-1002901"
    sticker = incoming(
        {
            "update_id": 7,
            "message": {
                "message_id": 13,
                "date": 0,
                "chat": GROUP,
                "from": ALICE,
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                },
            },
        }
    )
    assert sticker is not None and sticker.inbound.text == "" and not sticker.inbound.photos
    robot = {**ALICE, "is_bot": True}
    assert (
        incoming(
            {
                "update_id": 8,
                "message": {
                    "message_id": 14,
                    "date": 0,
                    "chat": GROUP,
                    "from": robot,
                    "text": "hi",
                },
            }
        )
        is None
    )
    assert (
        incoming({"update_id": 9, "channel_post": {"message_id": 1, "date": 0, "chat": GROUP}})
        is None
    )


def test_languages() -> None:
    assert [language_of(c) for c in ("zh-hans", "zh-hant", "zh-TW", "en-US", "ru", None)] == [
        "zh-CN",
        "zh-TW",
        "zh-TW",
        "en",
        None,
        None,
    ]


def test_split_text_keeps_every_character_below_the_limit() -> None:
    lines = "\n".join(f"#{n} 漏水渗水 · 待受理 · 已等3小时" for n in range(600))
    parts = split_text(lines, MAX_TEXT)
    assert len(parts) > 1 and all(len(p) <= MAX_TEXT for p in parts)
    assert "\n".join(parts) == lines
    assert split_text("短", MAX_TEXT) == ["短"]
    assert split_text("", MAX_TEXT) == [""]
    unbroken = "漏" * (MAX_TEXT * 2 + 5)
    assert "".join(split_text(unbroken, MAX_TEXT)) == unbroken


def test_a_mention_covers_the_name_in_utf16_units() -> None:
    (entity,) = mention_entities(Mention("42", "𠮷野"), "𠮷野，工单 #1 有新进展")
    assert (entity["type"], entity["offset"], entity["length"]) == ("text_mention", 0, 3)
    assert entity["user"] == {"id": 42, "is_bot": False, "first_name": "𠮷野"}
    assert mention_entities(Mention("42", "吕新安"), "工单 #1 有新进展") == []
    assert mention_entities(Mention("吕新安", "吕新安"), "吕新安，工单 #1") == []  # no user id
    assert mention_entities(None, "吕新安，工单 #1") == []

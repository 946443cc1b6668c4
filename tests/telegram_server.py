"""A local stand-in for the Telegram Bot API, for tests that run the real client libraries.

It serves the Bot API's URL layout on 127.0.0.1 with an ephemeral port:

    POST {root}/bot{token}/{method}        (GET works too, as on the real server)
    GET  {root}/file/bot{token}/{file_path}

Point the clients at it with:

    aiogram:  Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.root)))
    PTB:      Bot(token, base_url=f"{api.root}/bot", base_file_url=f"{api.root}/file/bot")

Requests may be JSON, form-encoded or multipart; nested fields sent as JSON text (reply_markup,
allowed_updates, options, ...) are decoded. Answers are {"ok": true, "result": ...} or
{"ok": false, "error_code": N, "description": "...", "parameters": {...}}, with the descriptions
the real server uses for the cases a bot meets: wrong token, unknown method, blocked user, flood
control, message too long, malformed HTML, oversized callback_data, unknown messages, edits that
change nothing, a group upgraded to a supergroup.

Tests drive it from the "Telegram side": push updates (api.text(...), api.callback(...), ...),
inject failures (api.block, api.throttle), and read what the bot did (api.calls, api.sent(),
api.edits, api.answers, api.deleted). Markdown is not parsed; HTML is checked and stripped only to
measure the text's length, and sent messages keep their text as the bot wrote it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import html
import inspect
import itertools
import json
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import BodyPartReader, ClientResponse, ClientSession, MultipartReader, web

from tests.loopback import serve_on_loopback

Json = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Parameters that are text even when they look like JSON ("123", "true", "[draft]").
STRING_FIELDS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_title",
        "data",
        "description",
        "document",
        "emoji",
        "explanation",
        "file_id",
        "first_name",
        "inline_message_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "parse_mode",
        "phone_number",
        "photo",
        "query",
        "question",
        "secret_token",
        "short_description",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
    }
)
# Update types getUpdates leaves out unless allowed_updates names them.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "u",
    }
)
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>|<")
BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_send_welcome_messages": True,
    "can_post_messages": True,
    "can_edit_messages": True,
    "can_pin_messages": True,
    "can_manage_topics": False,
}
RESTRICTED_RIGHTS = {
    "is_member": True,
    "until_date": 0,
    **{
        f"can_{right}": False
        for right in (
            "send_messages",
            "send_audios",
            "send_documents",
            "send_photos",
            "send_videos",
            "send_video_notes",
            "send_voice_notes",
            "send_polls",
            "send_other_messages",
            "add_web_page_previews",
            "react_to_messages",
            "edit_tag",
            "change_info",
            "invite_users",
            "pin_messages",
            "manage_topics",
        )
    },
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiFailure(Exception):
    """An error answer of the Bot API: HTTP status, description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> Json:
        """The JSON body the real server sends for this error."""
        body: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiFailure:
    """A 400 answer with the "Bad Request: " prefix."""
    return ApiFailure(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's sending limits as the stand-in enforces them once asked (enforce_flood_limits):
    about 30 messages a second overall, one a second per chat, 20 a minute per group. `grace`
    is the slack the real server shows before it answers 429."""

    overall_per_second: int = 30
    per_chat_interval: float = 1.0
    group_per_minute: int = 20
    grace: float = 0.1


@dataclass
class Throttle:
    """Flood control on one chat: the next `times` sends answer 429."""

    retry_after: int
    times: int


@dataclass
class StoredFile:
    """A file getFile and the download URL serve."""

    file_id: str
    file_path: str
    content: bytes

    def as_file(self) -> Json:
        """The File object for getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": unique_id(self.file_id),
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


def unique_id(file_id: str) -> str:
    """A stable file_unique_id for a file_id."""
    return f"U{zlib.crc32(file_id.encode()):08x}"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of MessageEntity offsets."""
    return len(text.encode("utf-16-le")) // 2


def decode_field(name: str, value: str) -> Any:
    """A form field's value: JSON-decoded unless it is a text parameter or not JSON."""
    if name in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text the user sees; HTML markup is checked like the real parser and removed."""
    if (parse_mode or "").upper() != "HTML":
        return text
    open_tags: list[str] = []
    for match in HTML_TAG.finditer(text):
        offset = len(text[: match.start()].encode())
        closing, name = match.group(1), match.group(2)
        if name is None:
            raise bad_request(
                f"can't parse entities: Unexpected character '<' at byte offset {offset}"
            )
        name = name.lower()
        if name not in HTML_TAGS:
            raise bad_request(
                f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}'
            )
        if not closing:
            open_tags.append(name)
        elif open_tags and open_tags[-1] == name:
            open_tags.pop()
        else:
            raise bad_request(
                f"can't parse entities: Unmatched end tag at byte offset {offset}, expected \""
                f'</{open_tags[-1] if open_tags else ""}>", found "</{name}>"'
            )
    if open_tags:
        raise bad_request(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"'
        )
    return html.unescape(HTML_TAG.sub("", text))


def check_entities(entities: Any, text: str) -> None:
    """Reject entities the real server rejects: outside the text, or a text_mention without
    the user it mentions."""
    if entities is None:
        return
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    for entity in entities:
        if not isinstance(entity, dict) or not {"type", "offset", "length"} <= entity.keys():
            raise bad_request("can't parse entities: an entity needs type, offset and length")
        if entity["offset"] < 0 or entity["offset"] + entity["length"] > utf16_len(text):
            raise bad_request("can't parse entities: entity beyond the end of the text")
        if entity["type"] == "text_mention" and not isinstance(entity.get("user"), dict):
            raise bad_request("can't parse entities: text_mention without a user")


def check_reply_markup(markup: Any) -> None:
    """Reject keyboards the real server rejects (callback_data over 64 bytes, bare buttons)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode())
                if not 1 <= size <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif len(button) == 1:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
    for row in markup.get("keyboard", []):
        for button in row:
            if isinstance(button, dict) and not button.get("text"):
                raise bad_request("keyboard button text is empty")


def update_type(update: Json) -> str:
    """The kind of an update: its one key besides update_id."""
    return next((key for key in update if key != "update_id"), "")


class TelegramStandIn:
    """A loopback Bot API server with recorded calls, update queue and failure injection."""

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        first_name: str = "gridbot",
        username: str = "gridbot_test_bot",
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
        host: str = "127.0.0.1",
    ) -> None:
        """Configure the bot; nothing listens until start() or `async with`."""
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError(f"not a bot token: {token!r}")
        self.token = token
        self.host = host
        self.bot_user: Json = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": can_join_groups,
            "can_read_all_group_messages": can_read_all_group_messages,
            "supports_inline_queries": False,
        }
        self.calls: list[tuple[str, Json]] = []
        self.edits: list[Json] = []
        self.answers: list[Json] = []
        self.deleted: list[tuple[int, int]] = []
        self.webhook: Json | None = None
        self._sent: list[Json] = []
        self._queue: list[Json] = []
        self._allowed_updates: list[str] = []
        self._next_update_id = 1
        self._ids = itertools.count(1)
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], Json] = {}
        self._chats: dict[int, Json] = {}
        self._users: dict[int, Json] = {}
        self._members: dict[tuple[int, int], Json] = {}
        self._seen_in_chat: set[tuple[int, int]] = set()
        self._pinned: dict[int, Json] = {}
        self._migrated: dict[int, int] = {}
        self._blocked: dict[int, str] = {}
        self._throttled: dict[int, Throttle] = {}
        self._flood: FloodLimits | None = None
        self._send_times: collections.deque[float] = collections.deque()
        self._chat_send_times: dict[int, collections.deque[float]] = {}
        self.flood_refusals = 0  # 429s answered because a limit was broken (not throttle())
        self._files: dict[str, StoredFile] = {}
        self._polls: dict[str, tuple[int, int]] = {}
        self._votes: dict[str, dict[int, list[int]]] = {}
        self._callbacks: dict[str, bool] = {}
        self._commands: dict[tuple[str, str], list[Json]] = {}
        self._wakeup = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._root: str | None = None
        self._methods: dict[str, tuple[str, Callable[[Json], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "sendPoll": self._send_poll,
                "sendChatAction": self._send_chat_action,
                "stopPoll": self._stop_poll,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "pinChatMessage": self._pin_chat_message,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
                "getChatAdministrators": self._get_chat_administrators,
                "getFile": self._get_file,
            }.items()
        }

    # ---------------------------------------------------------------- lifecycle

    @property
    def root(self) -> str:
        """The server's base URL, "http://127.0.0.1:PORT"."""
        if self._root is None:
            raise RuntimeError("TelegramStandIn is not running; use `async with` or start()")
        return self._root

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        self._closing = False
        self._runner, self._root = await serve_on_loopback(app, self.host)

    async def stop(self) -> None:
        """Release pending long polls and close the server."""
        self._closing = True
        self._wakeup.set()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self._root = None

    async def __aenter__(self) -> Self:
        """Start serving."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop serving."""
        await self.stop()

    # ---------------------------------------------------------------- updates from "users"

    def push(self, update: Json) -> Json:
        """Queue (a copy of) an update, assigning update_id if missing; returns what was queued."""
        self._number(update)
        queued = copy.deepcopy(update)
        self._index_update(queued)
        self._queue.append(queued)
        self._wakeup.set()
        return queued

    @property
    def pending(self) -> list[Json]:
        """Updates queued and not yet confirmed by an offset."""
        return list(self._queue)

    def text(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
        reply_to_message_id: int | None = None,
        message_id: int | None = None,
    ) -> Json:
        """Queue a text message from a user; a leading /command gets its bot_command entity."""
        message = self._incoming(
            chat_id, user_id, chat_type, first_name, username, message_id, reply_to_message_id
        )
        message["text"] = text
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self.push({"message": message})

    def photo(
        self,
        chat_id: int,
        user_id: int,
        file_id: str,
        *,
        caption: str | None = None,
        content: bytes | None = None,
        chat_type: str | None = None,
        first_name: str | None = None,
    ) -> Json:
        """Queue a photo message; pass content to make the file downloadable."""
        if content is not None:
            self.add_file(file_id, content, file_path=f"photos/{file_id}.jpg")
        size = len(self._files[file_id].content) if file_id in self._files else 1024
        message = self._incoming(chat_id, user_id, chat_type, first_name)
        message["photo"] = [
            {
                "file_id": file_id,
                "file_unique_id": unique_id(file_id),
                "width": 1280,
                "height": 960,
                "file_size": size,
            }
        ]
        if caption is not None:
            message["caption"] = caption
        return self.push({"message": message})

    def sticker(
        self,
        chat_id: int,
        user_id: int,
        file_id: str = "sticker-1",
        *,
        emoji: str = "👍",
        chat_type: str | None = None,
        first_name: str | None = None,
    ) -> Json:
        """Queue a sticker message."""
        message = self._incoming(chat_id, user_id, chat_type, first_name)
        message["sticker"] = {
            "file_id": file_id,
            "file_unique_id": unique_id(file_id),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self.push({"message": message})

    def contact(
        self,
        chat_id: int,
        user_id: int,
        phone_number: str,
        *,
        first_name: str | None = None,
        chat_type: str | None = None,
    ) -> Json:
        """Queue the user sharing their own contact (what a request_contact button sends)."""
        message = self._incoming(chat_id, user_id, chat_type, first_name)
        message["contact"] = {
            "phone_number": phone_number,
            "first_name": self._user(user_id)["first_name"],
            "user_id": user_id,
        }
        return self.push({"message": message})

    def callback(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str | None = None,
    ) -> Json:
        """Queue a press of an inline button under message (chat_id, message_id)."""
        query_id = str(next(self._ids))
        self._callbacks[query_id] = False
        message = copy.deepcopy(self._messages.get((chat_id, message_id))) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self.bot_user,
        }
        query = {
            "id": query_id,
            "from": self._user(user_id, first_name),
            "message": message,
            "chat_instance": f"ci{abs(chat_id)}",
            "data": data,
        }
        return self.push({"callback_query": query})

    def migrate(self, old_chat_id: int, new_chat_id: int, *, user_id: int | None = None) -> Json:
        """Queue the service message of a group upgraded to a supergroup; later sends fail."""
        self._migrated[old_chat_id] = new_chat_id
        old_chat = self._chat(old_chat_id, "group")
        self._chat(new_chat_id, "supergroup", title=old_chat.get("title"))
        message: Json = {
            "message_id": self._message_id(old_chat_id),
            "date": int(time.time()),
            "chat": old_chat,
            "migrate_to_chat_id": new_chat_id,
        }
        if user_id is not None:
            message["from"] = self._user(user_id)
        return self.push({"message": message})

    def poll_answer(self, poll_id: str, user_id: int, option_ids: list[int]) -> Json:
        """Queue a vote (or a retraction, with []) in a non-anonymous poll."""
        self._votes.setdefault(poll_id, {})[user_id] = list(option_ids)
        if poll_id in self._polls:
            self._count_votes(poll_id)
        answer = {
            "poll_id": poll_id,
            "user": self._user(user_id),
            "option_ids": list(option_ids),
            "option_persistent_ids": [str(option) for option in option_ids],
        }
        return self.push({"poll_answer": answer})

    # ---------------------------------------------------------------- world set-up

    def add_user(
        self, user_id: int, first_name: str, *, username: str | None = None, **fields: Any
    ) -> Json:
        """Register (or rename) a user; returns the User object."""
        user = self._user(user_id, first_name)
        if username is not None:
            user["username"] = username
        user.update(fields)
        return user

    def add_chat(
        self,
        chat_id: int,
        chat_type: str | None = None,
        *,
        title: str | None = None,
        username: str | None = None,
    ) -> Json:
        """Register a chat (type inferred from the id when omitted); returns the Chat object."""
        chat = self._chat(chat_id, chat_type, title=title)
        if username is not None:
            chat["username"] = username
        return chat

    def add_file(self, file_id: str, content: bytes, *, file_path: str | None = None) -> str:
        """Make file_id known to getFile and downloadable; returns its file_path."""
        path = file_path or f"documents/{file_id}"
        self._files[file_id] = StoredFile(file_id, path, content)
        return path

    def file_content(self, file_id: str) -> bytes:
        """The bytes of a registered or uploaded file."""
        return self._files[file_id].content

    def set_member(self, chat_id: int, user_id: int, status: str = "member", **rights: Any) -> Json:
        """Set a user's ChatMember status in a chat; rights override that status's defaults."""
        member: Json = {"status": status, "user": self._user(user_id)}
        if status == "administrator":
            member.update(ADMIN_RIGHTS)
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "restricted":
            member.update(RESTRICTED_RIGHTS)
        elif status == "kicked":
            member["until_date"] = 0
        elif status not in ("member", "left"):
            raise ValueError(f"unknown chat member status: {status!r}")
        member.update(rights)
        self._members[(chat_id, user_id)] = member
        return member

    def set_bot_member(self, chat_id: int, status: str = "administrator", **rights: Any) -> Json:
        """Set the bot's own status in a chat (unset, the bot is a plain member)."""
        return self.set_member(chat_id, self.bot_user["id"], status, **rights)

    def block(
        self,
        chat_id: int,
        description: str = "Forbidden: bot can't initiate conversation with a user",
    ) -> None:
        """Make sends to chat_id answer 403 with description."""
        self._blocked[chat_id] = description

    def unblock(self, chat_id: int) -> None:
        """Undo block()."""
        self._blocked.pop(chat_id, None)

    def enforce_flood_limits(self, limits: FloodLimits | None = None) -> None:
        """From now on, sends past Telegram's flood limits answer 429 with retry_after."""
        self._flood = limits or FloodLimits()

    def throttle(self, chat_id: int, retry_after: int = 5, times: int = 1) -> None:
        """Make the next `times` sends to chat_id answer 429 with parameters.retry_after."""
        self._throttled[chat_id] = Throttle(retry_after, times)

    # ---------------------------------------------------------------- what the bot did

    def sent(self, chat_id: int | None = None) -> list[Json]:
        """Messages the bot sent (to one chat), oldest first: Message plus request fields."""
        return [record for record in self._sent if chat_id is None or record["chat_id"] == chat_id]

    def calls_to(self, method: str) -> list[Json]:
        """The params of every call to one method."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    def message(self, chat_id: int, message_id: int) -> Json | None:
        """The current state of a message (after edits), or None when unknown or deleted."""
        return self._messages.get((chat_id, message_id))

    def pinned(self, chat_id: int) -> Json | None:
        """The message pinned in a chat, if any."""
        return self._pinned.get(chat_id)

    def my_commands(self, scope: Json | None = None, language_code: str = "") -> list[Json]:
        """The commands set with setMyCommands for a scope and language."""
        return self._commands.get(self._commands_key(scope, language_code), [])

    async def deliver_webhook(self, update: Json) -> int:
        """POST an update to the webhook with its secret header; returns the HTTP status."""
        if not self.webhook:
            raise RuntimeError("no webhook is set; the bot must call setWebhook first")
        self._number(update)
        self._index_update(copy.deepcopy(update))
        headers = {}
        if self.webhook.get("secret_token"):
            headers[SECRET_HEADER] = self.webhook["secret_token"]
        async with (
            ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            if response.status == 200:
                reply = await self._read_webhook_reply(response)
                if reply and "method" in reply:
                    method = str(reply.pop("method"))
                    await self._call(method, reply)
            return response.status

    # ---------------------------------------------------------------- HTTP layer

    async def _handle_api(self, request: web.Request) -> web.Response:
        """Serve one Bot API call."""
        if request.match_info["token"] != self.token:
            return web.json_response(ApiFailure(401, "Unauthorized").payload(), status=401)
        try:
            params = await self._read_params(request)
        except ValueError as error:
            failure = bad_request(f"can't parse request: {error}")
            return web.json_response(failure.payload(), status=400)
        status, body = await self._call(request.match_info["method"], params)
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        """Serve a file download."""
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f.file_path == path), None)
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(ApiFailure(404, "Not Found").payload(), status=404)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        """Anything outside /bot... and /file/bot...."""
        return web.json_response(ApiFailure(404, "Not Found").payload(), status=404)

    async def _read_params(self, request: web.Request) -> Json:
        """Parameters from the query string and a JSON, form-encoded or multipart body."""
        params: Json = {key: decode_field(key, value) for key, value in request.query.items()}
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update(
                {k: decode_field(k, v) if isinstance(v, str) else v for k, v in body.items()}
            )
        elif request.content_type == "multipart/form-data":
            params.update(await self._read_multipart(await request.multipart()))
        elif request.can_read_body:
            form = await request.post()
            params.update({key: decode_field(key, str(value)) for key, value in form.items()})
        return self._resolve_attachments(params)

    @staticmethod
    async def _read_multipart(reader: MultipartReader) -> Json:
        """Fields of a multipart body: text decoded like form fields, files as Upload."""
        params: Json = {}
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                params[part.name] = Upload(part.filename, content_type, bytes(await part.read()))
            else:
                params[part.name] = decode_field(part.name, await part.text())
        return params

    @staticmethod
    def _resolve_attachments(params: Json) -> Json:
        """Replace "attach://name" values with the uploaded part called name."""
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                part = value.removeprefix("attach://")
                if isinstance(params.get(part), Upload):
                    params[key] = params.pop(part)
        return params

    async def _read_webhook_reply(self, response: ClientResponse) -> Json | None:
        """A method call the bot put in its webhook response, if any."""
        if response.content_type == "application/json":
            body = await response.json()
            return body if isinstance(body, dict) else None
        if response.content_type == "multipart/form-data":
            reader = MultipartReader(response.headers, response.content)
            return self._resolve_attachments(await self._read_multipart(reader))
        return None

    async def _call(self, method: str, params: Json) -> tuple[int, Json]:
        """Record and execute one call; returns (HTTP status, JSON body)."""
        name, handler = self._methods.get(method.lower(), (method, None))
        self.calls.append((name, params))
        try:
            if handler is None:
                raise ApiFailure(404, "Not Found: method not found")
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except ApiFailure as failure:
            return failure.code, failure.payload()
        return 200, {"ok": True, "result": result}

    # ---------------------------------------------------------------- world state helpers

    def _number(self, update: Json) -> None:
        """Give an update the next update_id unless it has one."""
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)

    def _index_update(self, update: Json) -> None:
        """Remember the messages, chats and users an update carries."""
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            if isinstance(message := update.get(key), dict) and "chat" in message:
                chat_id = message["chat"]["id"]
                self._chats.setdefault(chat_id, message["chat"])
                self._messages[(chat_id, message["message_id"])] = message
                self._next_message_id[chat_id] = max(
                    self._next_message_id.get(chat_id, 1), message["message_id"] + 1
                )
                if "from" in message:
                    self._users.setdefault(message["from"]["id"], message["from"])
                    self._seen_in_chat.add((chat_id, message["from"]["id"]))
        if isinstance(query := update.get("callback_query"), dict):
            self._callbacks.setdefault(str(query["id"]), False)

    def _user(self, user_id: int, first_name: str | None = None) -> Json:
        """The User for an id, created on first use."""
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        )
        if first_name is not None:
            user["first_name"] = first_name
        return user

    def _chat(
        self, chat_id: int, chat_type: str | None = None, *, title: str | None = None
    ) -> Json:
        """The Chat for an id, created on first use (>0 private, -100… supergroup, else group)."""
        if chat_type is None and chat_id in self._chats:
            chat_type = self._chats[chat_id]["type"]
        elif chat_type is None and chat_id > 0:
            chat_type = "private"
        elif chat_type is None:
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat = self._chats.setdefault(chat_id, {"id": chat_id, "type": chat_type})
        chat["type"] = chat_type
        if chat_type == "private":
            chat.pop("title", None)
            chat.setdefault("first_name", self._user(chat_id)["first_name"])
        else:
            chat.pop("first_name", None)
            chat["title"] = title or chat.get("title") or f"Group {chat_id}"
        return chat

    def _message_id(self, chat_id: int, wanted: int | None = None) -> int:
        """The next message_id in a chat (ids are per chat and shared by both sides)."""
        message_id = wanted if wanted is not None else self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = max(self._next_message_id.get(chat_id, 1), message_id + 1)
        return message_id

    def _incoming(
        self,
        chat_id: int,
        user_id: int,
        chat_type: str | None,
        first_name: str | None,
        username: str | None = None,
        message_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> Json:
        """A Message from a user, without its content."""
        user = self._user(user_id, first_name)
        if username is not None:
            user["username"] = username
        chat = self._chat(chat_id, chat_type)
        message: Json = {
            "message_id": self._message_id(chat_id, message_id),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        }
        if reply_to_message_id is not None:
            message["reply_to_message"] = self._reply_target(chat_id, reply_to_message_id)
        return message

    def _reply_target(self, chat_id: int, message_id: int) -> Json:
        """The quoted message of a reply, without its own reply_to_message."""
        original = self._messages.get((chat_id, message_id)) or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
        }
        return {key: value for key, value in original.items() if key != "reply_to_message"}

    def _count_votes(self, poll_id: str) -> None:
        """Recount a poll's options from the recorded votes."""
        message = self._messages.get(self._polls[poll_id])
        if message is None:
            return
        poll = message["poll"]
        votes = self._votes.get(poll_id, {})
        for index, option in enumerate(poll["options"]):
            option["voter_count"] = sum(index in chosen for chosen in votes.values())
        poll["total_voter_count"] = sum(bool(chosen) for chosen in votes.values())

    def _member(self, chat_id: int, user_id: int) -> Json:
        """A user's ChatMember in a chat: as configured, else member if seen there, else left."""
        if (chat_id, user_id) in self._members:
            return self._members[(chat_id, user_id)]
        user = self.bot_user if user_id == self.bot_user["id"] else self._users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        present = (
            user_id in (self.bot_user["id"], chat_id) or (chat_id, user_id) in self._seen_in_chat
        )
        return {"status": "member" if present else "left", "user": user}

    def _bot_can(self, chat_id: int, right: str) -> bool:
        """Whether the bot holds an administrator right in a chat."""
        member = self._members.get((chat_id, self.bot_user["id"]), {})
        return member.get("status") == "creator" or bool(
            member.get("status") == "administrator" and member.get(right)
        )

    @staticmethod
    def _commands_key(scope: Json | None, language_code: str | None) -> tuple[str, str]:
        """The storage key of a command list."""
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""

    # ---------------------------------------------------------------- parameter helpers

    @staticmethod
    def _required(params: Json, name: str) -> Any:
        """A parameter that must be present."""
        value = params.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        return value

    def _int(self, params: Json, name: str) -> int:
        """A required integer parameter."""
        value = self._required(params, name)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def _chat_id(self, params: Json) -> int:
        """The chat a call targets, resolving @username."""
        value = self._required(params, "chat_id")
        if isinstance(value, str) and value.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == value[1:].lower():
                    return int(chat["id"])
            raise bad_request("chat not found")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def _known_chat(self, params: Json) -> int:
        """A chat_id that must refer to a chat the server has seen."""
        chat_id = self._chat_id(params)
        if chat_id not in self._chats:
            raise bad_request("chat not found")
        return chat_id

    def _target(self, params: Json, what: str) -> tuple[int, int, Json]:
        """(chat_id, message_id, message) of an existing message, else a 400."""
        chat_id = self._chat_id(params)
        message_id = self._int(params, "message_id")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise bad_request(f"message to {what} not found")
        return chat_id, message_id, message

    def _admit_send(self, chat_id: int, *, throttled: bool = True) -> None:
        """Apply migration, flood control and blocking to a send into chat_id."""
        if chat_id in self._migrated:
            raise ApiFailure(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        throttle = self._throttled.get(chat_id)
        if throttled and throttle is not None and throttle.times > 0:
            throttle.times -= 1
            raise ApiFailure(
                429,
                f"Too Many Requests: retry after {throttle.retry_after}",
                {"retry_after": throttle.retry_after},
            )
        if chat_id in self._blocked:
            raise ApiFailure(403, self._blocked[chat_id])
        if throttled and self._flood is not None:
            self._admit_within_flood_limits(chat_id, self._flood)

    def _admit_within_flood_limits(self, chat_id: int, limits: FloodLimits) -> None:
        """Count this send against the limits, or answer 429 like the real server."""
        now = time.monotonic()
        overall = self._send_times
        while overall and overall[0] <= now - 1.0:
            overall.popleft()
        in_chat = self._chat_send_times.setdefault(chat_id, collections.deque())
        while in_chat and in_chat[0] <= now - 60.0:
            in_chat.popleft()
        slack = 1 + limits.grace
        broken = (
            len(overall) >= limits.overall_per_second * slack
            or bool(in_chat and now - in_chat[-1] < limits.per_chat_interval / slack)
            or (chat_id < 0 and len(in_chat) >= limits.group_per_minute * slack)
        )
        if broken:
            self.flood_refusals += 1
            raise ApiFailure(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        overall.append(now)
        in_chat.append(now)

    def _new_message(self, method: str, chat_id: int, params: Json, content: Json) -> Json:
        """Store and record a message the bot sends; returns the Message for the answer."""
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id", params.get("reply_to_message_id"))
        message: Json = {
            "message_id": 0,
            "from": self.bot_user,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            reply_to = int(reply_to)
            if (chat_id, reply_to) in self._messages:
                message["reply_to_message"] = self._reply_target(chat_id, reply_to)
            elif not (
                reply.get("allow_sending_without_reply")
                or params.get("allow_sending_without_reply")
            ):
                raise bad_request("message to be replied not found")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        message["message_id"] = self._message_id(chat_id)
        self._messages[(chat_id, message["message_id"])] = message
        extras = {
            "parse_mode": params.get("parse_mode"),
            "reply_markup": markup,
            "reply_to_message_id": reply_to,
            "link_preview_options": params.get("link_preview_options"),
        }
        self._sent.append(
            {
                **message,
                "method": method,
                "chat_id": chat_id,
                **{key: value for key, value in extras.items() if value is not None},
            }
        )
        return message

    def _caption(self, params: Json) -> Json:
        """The caption fields of a media message, checked for length."""
        caption = params.get("caption")
        if not caption:
            return {}
        if len(visible_text(caption, params.get("parse_mode"))) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return {"caption": caption}

    def _media(self, params: Json, field: str, default_name: str) -> Json:
        """The file an upload or file_id parameter names, registered for getFile."""
        value = self._required(params, field)
        if isinstance(value, Upload):
            file_id = f"{field}-{next(self._ids)}"
            self.add_file(file_id, value.content, file_path=f"{field}s/{value.filename}")
            return {"file_id": file_id, "file_name": value.filename, "size": len(value.content)}
        file_id = str(value)
        size = len(self._files[file_id].content) if file_id in self._files else 0
        return {"file_id": file_id, "file_name": default_name, "size": size}

    # ---------------------------------------------------------------- Bot API methods

    def _get_me(self, params: Json) -> Json:
        """getMe."""
        return self.bot_user

    async def _get_updates(self, params: Json) -> list[Json]:
        """getUpdates: confirm by offset, filter by allowed_updates, long-poll up to timeout."""
        if self.webhook:
            raise ApiFailure(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = list(params["allowed_updates"])
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._wakeup.set()  # an older long poll ends with 409, as on the real server
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiFailure(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            batch = [u for u in self._queue if self._wanted(u)][:limit]
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or self._closing or remaining <= 0:
                return batch
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)

    def _wanted(self, update: Json) -> bool:
        """Whether allowed_updates lets an update through."""
        kind = update_type(update)
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in NOT_BY_DEFAULT

    def _set_webhook(self, params: Json) -> bool:
        """setWebhook; an empty url removes the webhook."""
        url = params.get("url") or ""
        if not url:
            return self._delete_webhook(params)
        if not str(url).startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._queue.clear()
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = list(params["allowed_updates"])
        self.webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "allowed_updates": params.get("allowed_updates"),
            "max_connections": int(params.get("max_connections") or 40),
        }
        self._wakeup.set()
        return True

    def _delete_webhook(self, params: Json) -> bool:
        """deleteWebhook."""
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self.webhook = None
        return True

    def _get_webhook_info(self, params: Json) -> Json:
        """getWebhookInfo."""
        info: Json = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
        return info

    def _send_message(self, params: Json) -> Json:
        """sendMessage."""
        chat_id = self._chat_id(params)
        self._admit_send(chat_id)
        text = params.get("text")
        parse_mode = params.get("parse_mode")
        if parse_mode and str(parse_mode).lower() not in ("html", "markdown", "markdownv2"):
            raise bad_request(f"unsupported parse_mode {parse_mode!r}")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        if len(visible_text(text, parse_mode)) > MAX_TEXT:
            raise bad_request("message is too long")
        content: Json = {"text": text}
        entities = params.get("entities")
        check_entities(entities, text)
        if entities:
            content["entities"] = entities
        return self._new_message("sendMessage", chat_id, params, content)

    def _send_photo(self, params: Json) -> Json:
        """sendPhoto (an upload or a file_id)."""
        chat_id = self._chat_id(params)
        self._admit_send(chat_id)
        media = self._media(params, "photo", "photo.jpg")
        photo = {
            "file_id": media["file_id"],
            "file_unique_id": unique_id(media["file_id"]),
            "width": 1280,
            "height": 960,
            "file_size": media["size"],
        }
        content = {"photo": [photo], **self._caption(params)}
        return self._new_message("sendPhoto", chat_id, params, content)

    def _send_document(self, params: Json) -> Json:
        """sendDocument (an upload or a file_id)."""
        chat_id = self._chat_id(params)
        self._admit_send(chat_id)
        media = self._media(params, "document", "document")
        document = {
            "file_id": media["file_id"],
            "file_unique_id": unique_id(media["file_id"]),
            "file_name": media["file_name"],
            "file_size": media["size"],
        }
        content = {"document": document, **self._caption(params)}
        return self._new_message("sendDocument", chat_id, params, content)

    def _send_poll(self, params: Json) -> Json:
        """sendPoll; options are strings or InputPollOption objects."""
        chat_id = self._chat_id(params)
        self._admit_send(chat_id)
        question = self._required(params, "question")
        options = [
            option.get("text", "") if isinstance(option, dict) else str(option)
            for option in params.get("options") or []
        ]
        if len(options) < 2:
            raise bad_request("poll must have at least 2 option")
        if not all(options):
            raise bad_request("poll options must be non-empty")
        poll_id = str(5_000_000_000 + next(self._ids))
        poll = {
            "id": poll_id,
            "question": question,
            "options": [
                {"persistent_id": str(index), "text": text, "voter_count": 0}
                for index, text in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True) is not False,
            "type": params.get("type") or "regular",
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": True,
            "members_only": False,
        }
        message = self._new_message("sendPoll", chat_id, params, {"poll": poll})
        self._polls[poll_id] = (chat_id, message["message_id"])
        if poll_id in self._votes:
            self._count_votes(poll_id)
        return message

    def _send_chat_action(self, params: Json) -> bool:
        """sendChatAction (blocked chats fail; flood control is not applied)."""
        self._admit_send(self._chat_id(params), throttled=False)
        self._required(params, "action")
        return True

    def _stop_poll(self, params: Json) -> Json:
        """stopPoll."""
        chat_id = self._chat_id(params)
        message = self._messages.get((chat_id, self._int(params, "message_id")))
        if message is None or "poll" not in message:
            raise bad_request("message with poll to stop not found")
        if message["poll"]["is_closed"]:
            raise bad_request("poll has already been closed")
        message["poll"]["is_closed"] = True
        if "reply_markup" in params:
            check_reply_markup(params["reply_markup"])
            message["reply_markup"] = params["reply_markup"]
        return dict(message["poll"])

    def _edit(self, params: Json, method: str, changes: Json) -> Json | bool:
        """Apply an edit of a bot message (or an inline message) and record it."""
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        record = {"method": method, **params}
        if params.get("inline_message_id"):
            self.edits.append(record)
            return True
        chat_id, _, message = self._target(params, "edit")
        record["chat_id"] = chat_id
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        new = {**message, **changes}
        if markup is None:
            new.pop("reply_markup", None)
        else:
            new["reply_markup"] = markup
        if all(new.get(k) == message.get(k) for k in ("text", "caption", "reply_markup")):
            raise bad_request(NOT_MODIFIED)
        message.clear()
        message.update(new, edit_date=int(time.time()))
        self.edits.append(record)
        return message

    def _edit_message_text(self, params: Json) -> Json | bool:
        """editMessageText; leaving out reply_markup removes the inline keyboard."""
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        if len(visible_text(text, params.get("parse_mode"))) > MAX_TEXT:
            raise bad_request("message is too long")
        if not params.get("inline_message_id"):
            _, _, message = self._target(params, "edit")
            if "text" not in message:
                raise bad_request("there is no text in the message to edit")
        return self._edit(params, "editMessageText", {"text": text})

    def _edit_message_reply_markup(self, params: Json) -> Json | bool:
        """editMessageReplyMarkup; no reply_markup removes the keyboard."""
        return self._edit(params, "editMessageReplyMarkup", {})

    def _delete_message(self, params: Json) -> bool:
        """deleteMessage; others' messages in groups need can_delete_messages."""
        chat_id, message_id, message = self._target(params, "delete")
        own = message.get("from", {}).get("id") == self.bot_user["id"]
        private = message["chat"].get("type") == "private"
        if not (own or private or self._bot_can(chat_id, "can_delete_messages")):
            raise bad_request("message can't be deleted")
        del self._messages[(chat_id, message_id)]
        self.deleted.append((chat_id, message_id))
        return True

    def _answer_callback_query(self, params: Json) -> bool:
        """answerCallbackQuery; each query can be answered once."""
        query_id = str(self._required(params, "callback_query_id"))
        if self._callbacks.get(query_id, True):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callbacks[query_id] = True
        self.answers.append(params)
        return True

    def _pin_chat_message(self, params: Json) -> bool:
        """pinChatMessage; groups need can_pin_messages, channels can_edit_messages."""
        chat_id, _, message = self._target(params, "pin")
        chat_type = message["chat"].get("type")
        right = "can_edit_messages" if chat_type == "channel" else "can_pin_messages"
        if chat_type != "private" and not self._bot_can(chat_id, right):
            raise bad_request("not enough rights to manage pinned messages in the chat")
        self._pinned[chat_id] = self._reply_target(chat_id, message["message_id"])
        return True

    def _set_my_commands(self, params: Json) -> bool:
        """setMyCommands."""
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("commands is empty")
        for command in commands:
            if not BOT_COMMAND.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description is invalid")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = commands
        return True

    def _get_my_commands(self, params: Json) -> list[Json]:
        """getMyCommands."""
        return self.my_commands(params.get("scope"), params.get("language_code") or "")

    def _delete_my_commands(self, params: Json) -> bool:
        """deleteMyCommands."""
        self._commands.pop(
            self._commands_key(params.get("scope"), params.get("language_code")), None
        )
        return True

    def _get_chat(self, params: Json) -> Json:
        """getChat, answering a ChatFullInfo."""
        chat_id = self._known_chat(params)
        pinned = {"pinned_message": self._pinned[chat_id]} if chat_id in self._pinned else {}
        return {
            **self._chats[chat_id],
            **pinned,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, params: Json) -> Json:
        """getChatMember."""
        return self._member(self._known_chat(params), self._int(params, "user_id"))

    def _get_chat_administrators(self, params: Json) -> list[Json]:
        """getChatAdministrators: the members set as creator or administrator."""
        chat_id = self._known_chat(params)
        if self._chats[chat_id]["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            member
            for (member_chat, _), member in self._members.items()
            if member_chat == chat_id and member["status"] in ("creator", "administrator")
        ]

    def _get_file(self, params: Json) -> Json:
        """getFile for files registered with add_file or uploaded by the bot."""
        stored = self._files.get(str(self._required(params, "file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.as_file()

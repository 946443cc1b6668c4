"""The console front end: the terminal plays every person, private chats and group chats.

Private chats are named after the person; group chats are named by the roster's console chats.
Buttons are shown numbered; typing the number presses the button.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.delivery import Delivery
from handlers.messages import Button, Buttons, Inbound, Reply

PLATFORM = "console"


def render(text: str, buttons: Buttons) -> str:
    """Text followed by its buttons, numbered from 1: [1] 受理  [2] 进度."""
    flat = [button for row in buttons for button in row]
    if not flat:
        return text
    labels = "  ".join(f"[{index}] {button.label}" for index, button in enumerate(flat, 1))
    return f"{text}\n    {labels}"


class ConsoleFrontend:
    """Prints what gridbot says and remembers the buttons each chat was last shown."""

    platform = PLATFORM

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.buttons: dict[str, list[Button]] = {}
        self._message_ids = 0

    async def send(self, delivery: Delivery) -> str:
        """A notification arrives in a chat (a person's private chat or a group)."""
        self.show(delivery.chat_id, "📨", delivery.text, delivery.buttons)
        self._message_ids += 1
        return str(self._message_ids)

    def show(self, chat_id: str, mark: str, text: str, buttons: Buttons = ()) -> None:
        """Print one message of the bot in a chat."""
        if buttons:
            self.buttons[chat_id] = [button for row in buttons for button in row]
        body = render(text, buttons).replace("\n", "\n    ")
        self.write(f"{mark} → {chat_id}：{body}")

    def answer(self, chat_id: str, replies: list[Reply]) -> None:
        """Print the bot's immediate answers to the person who acted."""
        for reply in replies:
            self.show(chat_id, "🤖", reply.text, reply.buttons)

    def inbound(self, person: str, text: str, group: str | None = None) -> Inbound:
        """What a person typed, as the project's message; a number presses a shown button."""
        self._message_ids += 1
        chat_id = group or person
        pressed = self.pressed(chat_id, text)
        return Inbound(
            platform=PLATFORM,
            chat_id=chat_id,
            chat_kind="group" if group else "private",
            sender_id=person,
            sender_name=person,
            text="" if pressed else text,
            message_id=str(self._message_ids),
            button=pressed,
        )

    def pressed(self, chat_id: str, text: str) -> str | None:
        """The data of the button numbered `text` in this chat, if it is one."""
        shown = self.buttons.get(chat_id, [])
        if text.strip().isdigit() and 1 <= int(text) <= len(shown):
            return shown[int(text) - 1].data
        return None

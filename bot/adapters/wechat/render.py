"""Chats without buttons: every message says what can be replied, buttons become numbers."""

from __future__ import annotations

from handlers.messages import Buttons
from handlers.texts import text


def choices(buttons: Buttons, language: str) -> tuple[str, list[str]]:
    """The line "请回复数字：1 受理　2 进度" and the button data each number stands for;
    ("", []) without buttons."""
    flat = [button for row in buttons for button in row]
    if not flat:
        return "", []
    labels = "　".join(
        f"{index} {button.label.removeprefix(f'{index} ')}" for index, button in enumerate(flat, 1)
    )
    return text(language, "reply.options", options=labels), [button.data for button in flat]


def with_choices(body: str, buttons: Buttons, language: str, free: bool) -> tuple[str, list[str]]:
    """The message with its choices below; `free`: say so when there are none (free text)."""
    line, options = choices(buttons, language)
    if not line and free:
        line = text(language, "reply.free")
    return (f"{body}\n\n{line}" if line else body), options

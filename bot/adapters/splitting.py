"""Long texts cut into messages a platform accepts: shared by every adapter."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long text into messages of at most `limit` characters, at line breaks where
    possible."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text or not parts else parts

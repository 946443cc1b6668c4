"""The media store: photos sent with reports, kept as files any platform or page can show."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

MAX_BYTES = 20 * 2**20  # Telegram's bot download limit; larger files are refused
_SUFFIXES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png", b"GIF8": ".gif", b"RIFF": ".webp"}


class MediaError(ValueError):
    """A file the store will not keep."""


class MediaStore:
    """Content-addressed files under one folder: the same photo twice is stored once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, data: bytes) -> str:
        """Keep a photo; returns its path relative to the store (e.g. ab/abcdef….jpg)."""
        if not data:
            raise MediaError("empty file")
        if len(data) > MAX_BYTES:
            raise MediaError(f"file larger than {MAX_BYTES // 2**20} MiB")
        suffix = next((s for magic, s in _SUFFIXES.items() if data.startswith(magic)), ".bin")
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{digest[:2]}/{digest}{suffix}"
        target = self.root / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # write then rename: a crash never leaves half a photo under its final name
            handle, temporary = tempfile.mkstemp(dir=target.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        return relative

    def path(self, relative: str) -> Path:
        """The file of a stored photo; refuses paths that leave the store."""
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise MediaError(f"not a media path: {relative}")
        return target

"""Pinyin readings for homophone typos: every reading of a character, with fuzzy initials/finals."""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

_NO_READINGS: frozenset[str] = frozenset()
# Readings residents' input methods and accents confuse: zh/z, ch/c, sh/s, -ng/-n.
_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_cache: dict[str, frozenset[str]] = {}


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """pypinyin's character readings, read from its data file: importing the package would
    also load its phrase dictionary, half a second that nothing here needs."""
    spec = importlib.util.find_spec("pypinyin")
    assert spec is not None and spec.origin is not None, "pypinyin is a dependency"
    data = json.loads(Path(spec.origin).with_name("pinyin_dict.json").read_text("utf-8"))
    return {int(code): readings for code, readings in data.items()}


def _fuzzy(reading: str) -> str:
    """A toneless reading folded so that commonly confused sounds compare equal."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFD", reading) if not unicodedata.combining(ch)
    ).replace("ü", "v")
    for retroflex, flat in _INITIALS:
        if plain.startswith(retroflex):
            plain = flat + plain[len(retroflex) :]
            break
    return plain[:-1] if plain.endswith("ng") else plain


def readings(char: str) -> frozenset[str]:
    """All fuzzy readings of one character; empty for anything that is not a Chinese character."""
    cached = _cache.get(char)
    if cached is None:
        entry = _table().get(ord(char)) if len(char) == 1 else None
        # The first two readings are the ones input methods offer; rarer ones only add noise.
        cached = frozenset(_fuzzy(r) for r in entry.split(",")[:2]) if entry else _NO_READINGS
        _cache[char] = cached
    return cached


def sounds_alike(left: str, right: str) -> bool:
    """Whether two equally long strings can be read the same, character by character."""
    return len(left) == len(right) and all(
        a == b or not readings(a).isdisjoint(readings(b)) for a, b in zip(left, right, strict=True)
    )


def slips(left: str, right: str) -> int:
    """How many characters differ between two equally long strings."""
    return sum(a != b for a, b in zip(left, right, strict=True))

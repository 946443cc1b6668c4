"""Common Chinese words (jieba's dictionary): a homophone that is a real word is not a typo."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

MIN_FREQUENCY = 20  # jieba counts; rarer words are as likely typos as words


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words of two to four characters that jieba's bundled dictionary counts as common."""
    spec = importlib.util.find_spec("jieba")  # the file only: importing jieba takes long
    assert spec is not None and spec.origin is not None, "jieba is a dependency"
    dictionary = Path(spec.origin).with_name("dict.txt")
    words = []
    with dictionary.open(encoding="utf-8") as lines:
        for line in lines:
            word, frequency, _ = line.split(" ", 2)
            if 2 <= len(word) <= 4 and int(frequency) >= MIN_FREQUENCY:
                words.append(word)
    return frozenset(words)

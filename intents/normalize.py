"""Text normalisation: one canonical form for everything the matcher compares."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import opencc

# Longer texts are cut: a report is never longer, and a 100 kB paste must stay cheap.
MAX_CHARS = 1000

_QUOTE = re.compile(r"「[^「」]{0,40}?[:：][^「」]*」")
_SEPARATOR = re.compile(r"^\s*(?:-\s*){3,}$")
_MENTION = re.compile(r"@[^\s@]{1,24}(?:\s|$)")
_KEPT = re.compile(r"[^0-9a-z\u3007\u3400-\u4dbf\u4e00-\u9fff?!\-]+")  # \u3007 is 〇
_LONE_DASH = re.compile(r"(?<![0-9a-z])-|-(?![0-9])")  # "3-2-502", "b-2-801"
_REPEATS = re.compile(r"([?!])\1+")
_SPACES = re.compile(r"\s+")
# pictographs, symbols and the letters of flags (skin tones and variation selectors left out:
# they only modify one)
_EMOJI = re.compile(
    "[\U0001f1e6-\U0001f1ff\U0001f300-\U0001f3fa\U0001f400-\U0001faff\u2600-\u27bf\u2b50\u2b55]"
)

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_TENS = {"廿": 20, "卅": 30}  # "廿五栋" is 25
_NUMERAL = re.compile(
    r"[廿卅][一二三四五六七八九]?(?=号楼|号|栋|幢|单元|楼|层|室)"
    r"|[零〇一二两三四五六七八九十百]+(?=号楼|号|栋|幢|单元|楼|层|室)"
    r"|(?:(?<=单元)|(?<=单元 )|(?<=楼))[零〇一二三四五六七八九]{3,4}(?![零〇一二三四五六七八九])"
)
# "12#楼", "12#2单元", "26#韩先生": in a compound a number marked # is a building ("5#楼道" keeps
# its 楼道)
_BUILDING_MARK = re.compile(r"(?<=[0-9])#(?:楼(?![道梯顶上下里门前后]))?")


@lru_cache(maxsize=1)
def _traditional() -> tuple[opencc.OpenCC, frozenset[str]]:
    """OpenCC's Traditional-to-Simplified converter and the characters it changes (for a fast
    check)."""
    table_file = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    changed = set()
    for line in table_file.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and targets and targets.split()[0] != source:
            changed.add(source)
    return opencc.OpenCC("t2s"), frozenset(changed)


def to_simplified(text: str) -> str:
    """Traditional Chinese to Simplified (OpenCC, phrases included); Simplified is untouched."""
    converter, traditional = _traditional()
    if traditional.isdisjoint(text):
        return text
    return str(converter.convert(text))


def chinese_number(numeral: str) -> int:
    """Value of a Chinese numeral such as 二十九, 十五, 廿五, 一百零二 or digit-by-digit 五零二."""
    if numeral[0] in _TENS:
        return _TENS[numeral[0]] + (_DIGITS[numeral[1]] if len(numeral) > 1 else 0)
    if not any(ch in "十百" for ch in numeral):
        value = 0
        for ch in numeral:
            value = value * 10 + _DIGITS[ch]
        return value
    total, digit = 0, 0
    for ch in numeral:
        if ch == "百":
            total += (digit or 1) * 100
            digit = 0
        elif ch == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = _DIGITS[ch]
    return total + digit


def split_quote(text: str) -> tuple[str, str]:
    """Split a reply from the message it quotes: WeChat's 「name：…」 and "- - -" blocks."""
    if "「" not in text and "-" not in text:
        return text, ""  # most messages quote nothing
    quoted: list[str] = []
    lines = text.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if _SEPARATOR.match(lines[index]):
            quoted.append("\n".join(lines[:index]))
            text = "\n".join(lines[index + 1 :])
            break
    quoted.extend(match.group(0)[1:-1] for match in _QUOTE.finditer(text))
    return _QUOTE.sub(" ", text), " ".join(quoted)


def normalize(text: str) -> str:
    """Canonical form: NFKC, Simplified, lower case, no emoji, punctuation or @mentions."""
    if not text:
        return text
    text = text.encode("utf-8", "ignore").decode("utf-8") if _has_surrogates(text) else text
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2])
    text = to_simplified(text).lower()
    # the substitutions are skipped where their character is absent: most messages have none
    if "@" in text:
        text = _MENTION.sub(" ", text)
    if "#" in text:
        text = _BUILDING_MARK.sub("栋", text)
    text = _KEPT.sub(" ", text)
    if "-" in text:
        text = _LONE_DASH.sub(" ", text)
    text = _REPEATS.sub(r"\1", text)
    text = _NUMERAL.sub(lambda m: str(chinese_number(m.group(0))), text)
    return _SPACES.sub(" ", text).strip()[:MAX_CHARS].strip()


class Prepared(NamedTuple):
    """One raw message as the matcher reads it."""

    reply: str  # normalised
    quoted: str  # the message it replies to, normalised
    # the reply's emoji, which normalisation drops though "😂" says "a joke" as plainly as words
    emoji: frozenset[str]


def prepare(text: str) -> Prepared:
    """Normalised reply and quoted text of one raw message, and the reply's emoji."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2])
    reply, quoted = split_quote(text)
    # a nickname's emoji ("@小王🌸") say nothing about the message
    spoken = _MENTION.sub(" ", reply) if "@" in reply else reply
    return Prepared(normalize(reply), normalize(quoted), frozenset(_EMOJI.findall(spoken)))


def _has_surrogates(text: str) -> bool:
    """Whether the string holds lone surrogates, which cannot be encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False

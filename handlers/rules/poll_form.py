"""The one-line poll form for experienced leaders, read strictly and explained when wrong:

    /poll 是否同意加装电梯 | 同意 | 反对 | 弃权 --rule civil-code-special --for 7d

Question and options are separated by `|`; flags start at the first ` --`. Chinese input
methods turn `--` into `——` and `|` into `｜`; both are read as meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.rules.tickets import Refusal
from handlers.rules.voting import Rule, Sides, sides

DEFAULT_DURATION = timedelta(days=7)
MAX_DURATION = timedelta(days=90)
MAX_OPTIONS = 10  # Telegram's limit for a native poll; a keyboard of ten still reads well
MAX_QUESTION = 300  # Telegram's limit for a poll question
MAX_OPTION = 100  # and for an option
_DURATION = re.compile(r"^(\d{1,4})([mhd])$")
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_SCOPE_KINDS = ("building", "grid", "community")
_VALUED_FLAGS = ("rule", "for", "until", "scope", "approve", "oppose")


@dataclass(frozen=True, slots=True)
class Scope:
    """Who votes: one or more buildings, one grid, or the whole community."""

    kind: str  # building | grid | community
    ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.kind if self.kind == "community" else f"{self.kind}:{','.join(self.ids)}"


@dataclass(frozen=True, slots=True)
class PollForm:
    """A poll as a leader asked for it, checked; scope None means the chat's own."""

    question: str
    options: tuple[str, ...]
    rule: Rule
    closes_at: datetime
    scope: Scope | None = None
    native: bool = False
    sides: Sides | None = None  # None for plurality


def parse_scope(value: str) -> Scope:
    """building:29 | building:29,30 | grid:G01 | community."""
    kind, _, rest = value.strip().partition(":")
    kind = kind.lower()
    ids = tuple(dict.fromkeys(i.strip() for i in rest.split(",") if i.strip()))
    if kind == "community" and not rest:
        return Scope("community")
    if kind not in _SCOPE_KINDS or kind == "community" or not ids:
        raise Refusal("poll.error.scope", scope=value)
    if kind == "grid" and len(ids) > 1:
        raise Refusal("poll.error.scope", scope=value)
    return Scope(kind, ids)


def parse_rule(value: str) -> Rule:
    """A rule by its name."""
    try:
        return Rule(value.strip().lower())
    except ValueError:
        raise Refusal(
            "poll.error.rule", rule=value, rules="、".join(r.value for r in Rule)
        ) from None


def parse_duration(value: str) -> timedelta:
    """30m, 12h, 7d."""
    found = _DURATION.match(value.strip().lower())
    if not found or int(found.group(1)) == 0:
        raise Refusal("poll.error.duration", value=value)
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def parse_until(value: str, zone: ZoneInfo) -> datetime:
    """2026-12-01T18:00 (or with a space) in the deployment's zone, as aware UTC."""
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        raise Refusal("poll.error.until", value=value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def check_closing(closes_at: datetime, now: datetime) -> datetime:
    """A closing time must be ahead, and not too far ahead."""
    if closes_at <= now:
        raise Refusal("poll.error.past")
    if closes_at - now > MAX_DURATION:
        raise Refusal("poll.error.too_far", days=MAX_DURATION.days)
    return closes_at


def check_options(question: str, options: list[str]) -> tuple[str, tuple[str, ...]]:
    """A question and 2–10 distinct options within Telegram's lengths."""
    question = question.strip()
    options = [o.strip() for o in options if o.strip()]
    if not question:
        raise Refusal("poll.error.question")
    if len(question) > MAX_QUESTION:
        raise Refusal("poll.error.question_long", limit=MAX_QUESTION)
    if len(options) < 2:
        raise Refusal("poll.error.options")
    if len(options) > MAX_OPTIONS:
        raise Refusal("poll.error.too_many_options", limit=MAX_OPTIONS)
    for option in options:
        if len(option) > MAX_OPTION:
            raise Refusal("poll.error.option_long", option=option[:20], limit=MAX_OPTION)
    repeated = next((o for i, o in enumerate(options) if o in options[:i]), None)
    if repeated is not None:
        raise Refusal("poll.error.option_repeated", option=repeated)
    return question, tuple(options)


def _normalise(body: str) -> str:
    """What input methods make of `--` and `|`, back to them."""
    return body.replace("——", "--").replace("—", "--").replace("｜", "|")


def _flags(text: str) -> dict[str, str]:
    """`--name value` pairs (`--native` stands alone); unknown or repeated flags are named."""
    found: dict[str, str] = {}
    tokens = text.split()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        name = token[2:].lower() if token.startswith("--") else ""
        if name == "native":
            found[name] = ""
            index += 1
            continue
        if name not in _VALUED_FLAGS:
            raise Refusal("poll.error.flag", flag=token)
        if name in found:
            raise Refusal("poll.error.flag_repeated", flag=token)
        if index + 1 >= len(tokens) or tokens[index + 1].startswith("--"):
            raise Refusal("poll.error.flag_value", flag=token)
        value = tokens[index + 1]
        index += 2
        # --until 2026-12-01 18:00: the time may come as a second word
        if name == "until" and index < len(tokens) and _CLOCK.fullmatch(tokens[index]):
            value, index = f"{value}T{tokens[index]}", index + 1
        found[name] = value
    return found


def _side_number(flags: dict[str, str], name: str) -> int | None:
    """--approve 3: a 1-based option number."""
    if name not in flags:
        return None
    if not flags[name].isdigit():
        raise Refusal("poll.error.side_number", flag=f"--{name}", value=flags[name])
    return int(flags[name])


def parse_poll(body: str, now: datetime, zone: ZoneInfo) -> PollForm:
    """The poll a one-line form asks for, or a Refusal naming the first mistake."""
    body = _normalise(body)
    cut = body.find(" --")
    head, tail = (body, "") if cut < 0 else (body[:cut], body[cut:])
    flags = _flags(tail)
    question, *options = head.split("|")
    question, checked = check_options(question, options)
    rule = parse_rule(flags["rule"]) if "rule" in flags else Rule.MAJORITY
    if "for" in flags and "until" in flags:
        raise Refusal("poll.error.both_times")
    if "until" in flags:
        closes_at = parse_until(flags["until"], zone)
    else:
        closes_at = now + (parse_duration(flags["for"]) if "for" in flags else DEFAULT_DURATION)
    approve, oppose = _side_number(flags, "approve"), _side_number(flags, "oppose")
    if rule is Rule.PLURALITY and (approve or oppose):
        raise Refusal("poll.error.sides_plurality")
    return PollForm(
        question=question,
        options=checked,
        rule=rule,
        closes_at=check_closing(closes_at, now),
        scope=parse_scope(flags["scope"]) if "scope" in flags else None,
        native="native" in flags,
        sides=sides(len(checked), approve, oppose) if rule.has_sides else None,
    )

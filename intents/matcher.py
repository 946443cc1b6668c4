"""Decide whether a message reports a problem, which one, and how sure we are.

Every category has `problems` (phrases that say something is wrong) and `topics` (phrases that
name the subject). A problem is a report on its own; a topic becomes one only beside a request
cue (a complaint or a question). Matching is exact, by homophone (every pinyin reading of every
character), or fuzzy (rapidfuzz alignment, one slip in a longer phrase). Cues that say the
problem is over, that a message is a notice, praise, or a question about the bot, stop chatter
from becoming tickets.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import product
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz

from intents.catalog import Catalog
from intents.context import ContextModel, features
from intents.lexicon import common_words
from intents.location import extract_location
from intents.model import MAYBE, NONE, SURE, Alternative, Band, Intent, Location
from intents.normalize import prepare
from intents.phonetic import readings, slips, sounds_alike

COMBO_WINDOW = 12  # "A*B": B must start within this many characters after A ends
FUZZY_CUTOFF = 80.0  # rapidfuzz partial_ratio: one slip in a phrase of five or more characters
_PHONETIC = 0.85
_PHONETIC_WORD = 0.7  # the text is itself a common word (露水 is dew): only with other evidence
# A slip on a function character is never a typo of a keyword ("咚的" is not "冻得").
_FUNCTION_CHARS = frozenset("的了是在着得和就都也还吗呢吧啊呀哦么个这那有我你他她它")
_FUZZY = 0.8
_QUOTED = 0.8
_REQUEST_BOOST = 0.25
_TOPIC_ALONE = 0.55  # below MAYBE
_EXTRA_HIT = 0.03
_MEMO_SIZE = 100_000  # bigrams and windows remembered; cleared when full: memory stays bounded
_QUESTION_AFTER = ("吗", "没", "么", "?", "不")
_NOT_YET = ("没", "能", "会", "才", "时候", "不", "几点", "多久", "何时", "哪天", "请问", "要")
_NEGATION_GAP = "再会太用也都还就"
# A message that opens as a notice or a forward is never a resident's report.
_NOTICE_HEAD = re.compile(
    r"^\s*(?:【[^】]{0,10}(?:通知|公告|提示|提醒|科普|公示|预告|告知|转发|转载|须知)[^】]{0,10}】"
    r"|(?:转发|转载|科普|通知|公告|温馨提示|友情提示|社区通知|物业通知)\s*[:：])"
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the catalog's phrases and cues found in one message, before any decision."""

    ranked: tuple[tuple[str, float], ...]  # categories by rule score, best first
    strong: frozenset[str]  # categories named by a problem phrase
    requested: frozenset[str]  # categories with a complaint or a question beside them
    negated: frozenset[str]  # categories whose problem is denied ("不漏水了")
    cues: frozenset[str]  # kinds of phrase found: problem, topic, request, notice, ...
    urgent: frozenset[str]  # categories whose urgent cues are present
    resolved: bool  # an "it is fixed" cue ends (part of) the story


_NO_EVIDENCE = Evidence((), frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), False)


class _Hit(NamedTuple):  # a tuple: made many times per message, so cheap to make
    start: int
    end: int
    quality: float  # 1 exact, less for homophones and fuzzy alignments


@dataclass(frozen=True, slots=True)
class _Phrase:
    parts: tuple[str, ...]
    category: str | None  # None for the catalog's global cues
    kind: str  # problem, topic, resolved, urgent, or a global cue kind
    length: int  # characters in all parts
    sloppy: bool  # typos tolerated: only problems and topics; cues are read as written
    later: frozenset[str]  # the parts after the first, all of which must be found

    @classmethod
    def of(cls, phrase: str, category: str | None, kind: str) -> _Phrase:
        """A catalog phrase ("A*B" is A then B) of a category, or a global cue."""
        parts = tuple(phrase.split("*"))
        length = sum(len(part) for part in parts)
        sloppy = kind in ("problem", "topic")
        return cls(parts, category, kind, length, sloppy, frozenset(parts[1:]))


class _Starts(NamedTuple):
    """What may begin at a position of the text, found from the bigram that starts there."""

    single: bool  # the first character is itself a part
    exact: tuple[str, ...]  # parts that begin with this bigram
    sounding: tuple[str, ...]  # parts whose first two characters can be read like it
    fuzzy: tuple[str, ...]  # long parts holding this bigram, for a fuzzy alignment


_UNSEEN = _Starts(False, (), (), ())  # a memo key not looked up yet (None means "nothing here")


class _PartIndex:
    """Finds every occurrence of many short strings in a text in one pass over its bigrams."""

    def __init__(self, parts: set[str], sound_parts: set[str], lexicon: frozenset[str]) -> None:
        self.lexicon = lexicon
        self.singles = {p for p in parts if len(p) == 1}
        self.by_bigram: dict[str, list[str]] = {}
        self.by_sound: dict[tuple[str, str], list[str]] = {}
        self.fuzzy_by_bigram: dict[str, set[str]] = {}
        # bigram of the text -> what may start there (None: nothing); the same bigrams recur
        self._memo: dict[str, _Starts | None] = {}
        self._slipped: dict[tuple[str, str], float] = {}  # (window, part) -> quality, 0 if none
        for part in parts:
            if len(part) >= 2:
                self.by_bigram.setdefault(part[:2], []).append(part)
        for part in sound_parts:
            if len(part) >= 2 and readings(part[0]) and readings(part[1]):
                for pair in product(readings(part[0]), readings(part[1])):
                    self.by_sound.setdefault(pair, []).append(part)
            if len(part) >= 5:
                for index in range(len(part) - 1):
                    self.fuzzy_by_bigram.setdefault(part[index : index + 2], set()).add(part)

    def find(self, text: str) -> dict[str, list[_Hit]]:
        """Occurrences of every indexed part: exact, then by sound, then fuzzy."""
        found: dict[str, list[_Hit]] = defaultdict(list)
        fuzzy_candidates: set[str] = set()
        memo, slipped = self._memo, self._slipped
        for start in range(len(text)):
            bigram = text[start : start + 2]
            starts = memo.get(bigram, _UNSEEN)
            if starts is _UNSEEN:
                starts = self._starts(bigram)
            if starts is None:
                continue
            if starts.single:
                found[bigram[0]].append(_Hit(start, start + 1, 1.0))
            for part in starts.exact:
                if text.startswith(part, start):
                    found[part].append(_Hit(start, start + len(part), 1.0))
            fuzzy_candidates.update(starts.fuzzy)
            for part in starts.sounding:
                window = text[start : start + len(part)]
                if window != part:
                    quality = slipped.get((window, part))
                    if quality is None:
                        quality = self._slip_quality(window, part)
                    if quality:
                        found[part].append(_Hit(start, start + len(part), quality))
        for part in fuzzy_candidates - found.keys():
            if len(text) < len(part):
                continue
            alignment = fuzz.partial_ratio_alignment(part, text, score_cutoff=FUZZY_CUTOFF)
            if alignment is not None and alignment.dest_end - alignment.dest_start >= len(part) - 1:
                found[part].append(
                    _Hit(alignment.dest_start, alignment.dest_end, _FUZZY * alignment.score / 100)
                )
        return found

    def _slip_quality(self, window: str, part: str) -> float:
        """How good a homophone typo of `part` the text's `window` is, 0 if none (remembered)."""
        quality = 0.0
        if _slip(window, part):
            quality = _PHONETIC_WORD if window in self.lexicon else _PHONETIC
        if len(self._slipped) >= _MEMO_SIZE:
            self._slipped.clear()
        self._slipped[window, part] = quality
        return quality

    def _starts(self, bigram: str) -> _Starts | None:
        """What may begin with this bigram of a text (remembered)."""
        sounding: list[str] = []
        if len(bigram) == 2:
            second = readings(bigram[1])
            for first in readings(bigram[0]):
                for reading in second:
                    sounding.extend(self.by_sound.get((first, reading), ()))
        single = bigram[0] in self.singles
        exact = self.by_bigram.get(bigram, ())
        fuzzy = self.fuzzy_by_bigram.get(bigram, ())
        starts = (
            _Starts(single, tuple(exact), tuple(dict.fromkeys(sounding)), tuple(fuzzy))
            if single or exact or sounding or fuzzy
            else None
        )
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[bigram] = starts
        return starts


class Matcher:
    """The intent engine over one catalog; build once at start-up, call `match` per message.

    With a context model (`ContextModel.bundled()`, what the product runs), the model weighs the
    catalog's evidence against the words around it; without one, the catalog's rules decide.
    """

    def __init__(self, catalog: Catalog, context: ContextModel | None = None) -> None:
        self.catalog = catalog
        self.context = context
        phrases: list[_Phrase] = []
        for kind, cue_phrases in catalog.cues.items():
            phrases.extend(_Phrase.of(p, None, kind) for p in cue_phrases)
        for category in catalog.categories:
            for kind, items in (
                ("problem", category.problems),
                ("topic", category.topics),
                ("resolved", category.resolved_cues),
                ("urgent", category.urgent_cues),
            ):
                phrases.extend(_Phrase.of(p, category.id, kind) for p in items)
        self._by_first_part: dict[str, list[_Phrase]] = defaultdict(list)
        for phrase in phrases:
            self._by_first_part[phrase.parts[0]].append(phrase)
        parts = {part for phrase in phrases for part in phrase.parts}
        sound_parts = {
            part
            for phrase in phrases
            if phrase.kind in ("problem", "topic")
            for part in phrase.parts
        }
        self._index = _PartIndex(parts, sound_parts, common_words())
        self._urgent_categories = {c.id for c in catalog.categories if c.urgency == "urgent"}
        self._order = {category_id: index for index, category_id in enumerate(catalog.ids)}
        # the model's labels that this catalog has (a deployment may have dropped some), in the
        # catalog's order, which breaks exact ties
        self._known = sorted(
            (
                (index, label)
                for index, label in enumerate(context.labels if context else ())
                if label in self._order
            ),
            key=lambda known: self._order[known[1]],
        )

    @classmethod
    def with_context(cls, catalog: Catalog, model_file: str | Path | None = None) -> Matcher:
        """What gridbot runs: the catalog read in context, by the bundled model unless a
        deployment trained its own (`python -m intents.training --out FILE`)."""
        model = ContextModel.load(model_file) if model_file else ContextModel.bundled()
        return cls(catalog, model)

    def _phrase_hits(self, text: str) -> list[tuple[_Phrase, _Hit]]:
        """Every phrase found in the text, combinations ("A*B") included."""
        if not text:
            return []
        found = self._index.find(text)
        hits: list[tuple[_Phrase, _Hit]] = []
        found_parts = found.keys()
        by_first_part = self._by_first_part
        candidates = [p for part in found if part in by_first_part for p in by_first_part[part]]
        for phrase in candidates:
            if phrase.later and not phrase.later <= found_parts:
                continue
            sloppy = phrase.sloppy
            for hit in found[phrase.parts[0]]:
                if not sloppy and hit.quality < 1.0:
                    continue
                combined: _Hit | None = hit
                for part in phrase.parts[1:]:
                    assert combined is not None
                    combined = _follow(text, combined, found.get(part, ()), sloppy)
                    if combined is None:
                        break
                if combined is not None:
                    hits.append((phrase, combined))
                    break
        return hits

    def match(self, text: str) -> Intent:
        """Classify one raw message."""
        reply, quoted, emoji = prepare(text)
        location = _place(reply, quoted)
        if _NOTICE_HEAD.match(text):
            return Intent(NONE, 1.0, "none", location=location)
        evidence = self.evidence(reply, quoted)
        if self.context is None:
            return self._decide_by_rules(evidence, location)
        return self._decide_in_context(features(reply, evidence, emoji), evidence, location)

    def evidence(self, reply: str, quoted: str) -> Evidence:
        """What the catalog's phrases and cues say about a normalised message."""
        hits = self._phrase_hits(reply)
        if not hits and not quoted:
            return _NO_EVIDENCE  # a quarter of all messages: no phrase or cue at all
        by_kind: dict[str, list[tuple[_Phrase, _Hit]]] = defaultdict(list)
        for phrase, hit in hits:
            by_kind[phrase.kind].append((phrase, hit))

        # "It is fixed" ends a story: what came before it no longer counts. A category's own
        # cues (来水了) only end that category's story.
        over_all = _resolution_end(
            reply, [(p, h) for p, h in by_kind["resolved"] if not p.category]
        )
        over: defaultdict[str | None, int] = defaultdict(lambda: over_all)
        for phrase, hit in by_kind["resolved"]:
            if phrase.category and _resolution_end(reply, [(phrase, hit)]):
                over[phrase.category] = max(over[phrase.category], hit.end)
        # An urgent cue ("救命", "被困") is also a plea for help. A question about a service
        # belongs to it too, but a one-character subject (狗, 树) needs a real complaint.
        pleas = [hit.start for _, hit in by_kind["request"] + by_kind["urgent"]]
        questions = [hit.start for _, hit in by_kind["question"]]
        negations = [phrase.parts[0] for phrase, _ in by_kind["negation"]]
        exact = {
            phrase.category
            for phrase, hit in by_kind["problem"] + by_kind["topic"]
            if hit.quality == 1.0
        }

        strong: dict[str, list[float]] = defaultdict(list)
        weak: dict[str, list[float]] = defaultdict(list)
        asked: set[str] = set()  # categories whose subject was asked about
        negated: set[str] = set()
        for phrase, hit in by_kind["problem"] + by_kind["topic"]:
            category = phrase.category
            assert category is not None
            if hit.quality == _PHONETIC_WORD:
                if category not in exact:
                    continue
                hit = _Hit(hit.start, hit.end, _PHONETIC)  # corroborated: read as a typo
            if hit.start < over[category]:
                continue
            if phrase.kind == "topic":
                weak[category].append(_value(phrase, hit, base=0.45))
                if phrase.length > 1 and any(start >= over[category] for start in questions):
                    asked.add(category)
            elif _negated(reply, hit.start, negations):
                negated.add(category)
            elif hit.quality < 1.0 and phrase.length <= 2:
                weak[category].append(_value(phrase, hit, base=0.65))  # a cue makes it sure
            else:
                strong[category].append(_value(phrase, hit, base=0.80))
        for phrase, hit in self._phrase_hits(quoted):
            if phrase.kind in ("problem", "topic") and phrase.category is not None:
                weak[phrase.category].append(_value(phrase, hit, base=0.45) * _QUOTED)

        scores: dict[str, float] = {}
        requested: set[str] = set()
        for category in strong.keys() | weak.keys():
            request = any(start >= over[category] for start in pleas) or category in asked
            if request:
                requested.add(category)
            values = sorted(strong.get(category, []), reverse=True)
            if values:
                score = values[0] + _EXTRA_HIT * min(len(values) - 1, 2)
                score += _EXTRA_HIT if request else 0.0
            else:
                score = max(weak[category])
                if request:
                    score += _REQUEST_BOOST
                elif not _any_typo_problem(by_kind["problem"], category):
                    score = min(score, _TOPIC_ALONE)  # a subject alone is never a report
            scores[category] = score
        # The most specific evidence wins; the catalog's order only breaks exact ties.
        ranked = tuple(sorted(scores.items(), key=lambda item: (-item[1], self._order[item[0]])))
        urgent = frozenset(
            phrase.category for phrase, _ in by_kind["urgent"] if phrase.category is not None
        )
        return Evidence(
            ranked=ranked,
            strong=frozenset(strong),
            requested=frozenset(requested),
            negated=frozenset(negated),
            cues=frozenset(kind for kind, hits in by_kind.items() if hits),
            urgent=urgent,
            resolved=over_all > 0 or any(over[c] > over_all for c in scores),
        )

    def _decide_by_rules(self, evidence: Evidence, location: Location) -> Intent:
        """The catalog's rules alone: the strongest evidence, unless a cue says it is chatter."""
        ranked = evidence.ranked
        if not ranked:
            return Intent(NONE, 1.0, "none", location=location)
        best, score = ranked[0][0], min(ranked[0][1], 1.0)
        alternatives = tuple(Alternative(c, min(s, 1.0)) for c, s in ranked[1:4])
        request = best in evidence.requested
        cues = evidence.cues
        suppressed = (("notice" in cues or "elsewhere" in cues) and not request) or (
            ("praise" in cues or "bot" in cues) and best not in evidence.strong
        )
        if suppressed or score < MAYBE:
            return Intent(
                NONE,
                1.0 - score / 2,
                "none",
                location=location,
                alternatives=tuple(Alternative(c, min(s, 1.0)) for c, s in ranked[:3]),
            )
        band: Band = "sure" if score >= SURE else "maybe"
        return Intent(best, score, band, self._is_urgent(best, evidence), location, alternatives)

    def _is_urgent(self, category: str, evidence: Evidence) -> bool:
        """An urgent category, or an urgent cue of this category in the message."""
        return category in self._urgent_categories or category in evidence.urgent

    def _decide_in_context(self, names: set[str], evidence: Evidence, location: Location) -> Intent:
        """The context model's reading of the message's features; categories it was never
        trained on (a deployment's own) keep their rule score, scaled by how much the text
        reads as a report."""
        assert self.context is not None
        probabilities = self.context.probabilities(names)
        chances = {label: probabilities[index] for index, label in self._known}
        report = sum(chances.values())
        for category, score in evidence.ranked:
            if category not in chances and score >= MAYBE:
                chances[category] = report * min(score, 1.0)
        # stable: equal chances stay in the catalog's order (new categories after the model's)
        ranked = sorted(chances.items(), key=itemgetter(1), reverse=True)
        if not ranked or report < self.context.maybe:
            return Intent(
                NONE,
                1.0 - report,
                "none",
                location=location,
                alternatives=tuple(Alternative(c, p) for c, p in ranked[:3] if p >= 0.05),
            )
        best, chance = ranked[0]
        band: Band = "sure" if report >= self.context.sure else "maybe"
        alternatives = tuple(Alternative(c, p) for c, p in ranked[1:4] if p >= 0.05)
        return Intent(best, chance, band, self._is_urgent(best, evidence), location, alternatives)

    def location(self, text: str) -> Location:
        """The location named in a message, whatever its category."""
        reply, quoted, _ = prepare(text)
        return _place(reply, quoted)


def _place(reply: str, quoted: str) -> Location:
    """The place the reply names, else the one in the message it quotes."""
    return extract_location(reply) or extract_location(quoted)


def _follow(
    text: str, previous: _Hit, candidates: list[_Hit] | tuple[()], sloppy: bool
) -> _Hit | None:
    """The first occurrence of the next part of a combination, close after the previous one
    and in the same clause (punctuation became spaces)."""
    for hit in candidates:
        if not sloppy and hit.quality < 1.0:
            continue
        if (
            previous.end <= hit.start <= previous.end + COMBO_WINDOW
            and " " not in text[previous.end : hit.start]
        ):
            return _Hit(previous.start, hit.end, min(previous.quality, hit.quality))
    return None


def _any_typo_problem(problems: list[tuple[_Phrase, _Hit]], category: str) -> bool:
    """Whether a category's weak evidence includes a misspelt problem (楼顶露水): worth asking."""
    return any(p.category == category and h.quality < 1.0 for p, h in problems)


def _slip(window: str, phrase: str) -> bool:
    """Whether `window` is `phrase` typed with a homophone or two (one per three characters),
    none of them on a function character."""
    return (
        sounds_alike(window, phrase)
        and slips(window, phrase) <= max(1, len(phrase) // 3)
        and not any(a != b and a in _FUNCTION_CHARS for a, b in zip(window, phrase, strict=True))
    )


def _value(phrase: _Phrase, hit: _Hit, base: float) -> float:
    """Longer, exact phrases are stronger evidence."""
    length = phrase.length
    return (base + 0.04 * min(length, 5) + 0.01 * max(0, min(length, 12) - 5)) * hit.quality


def _negated(text: str, start: int, negations: list[str]) -> bool:
    """Whether a negation word stands right before a phrase ("不漏水了", "没再停电")."""
    before = text[max(0, start - 4) : start].rstrip(_NEGATION_GAP)
    return any(before.endswith(word) for word in negations)


def _resolution_end(text: str, resolved: list[tuple[_Phrase, _Hit]]) -> int:
    """Where the last "it is fixed" cue ends (0 if none); a question or "not yet" does not count."""
    end = 0
    for _, hit in resolved:
        after = text[hit.end : hit.end + 2]
        before = text[max(0, hit.start - 6) : hit.start]
        if any(after.startswith(q) for q in _QUESTION_AFTER):
            continue
        if any(word in before for word in _NOT_YET):
            continue
        end = max(end, hit.end)
    return end

"""Scores of the matcher against labelled messages: accuracy, macro-F1, false tickets, misses."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intents.matcher import Matcher
from intents.model import NONE, Location


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message."""

    text: str
    category: str
    location: Location | None = None


@dataclass(slots=True)
class Report:
    """What `gridbot intents eval` prints."""

    total: int = 0
    correct: int = 0
    macro_f1: float = 0.0
    chatter: int = 0
    false_tickets: int = 0
    reports: int = 0
    misses: int = 0
    located: int = 0
    location_exact: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_label: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        """Share of messages given the right label."""
        return self.correct / self.total if self.total else 0.0

    @property
    def false_ticket_rate(self) -> float:
        """Share of `none` messages given a category."""
        return self.false_tickets / self.chatter if self.chatter else 0.0

    @property
    def miss_rate(self) -> float:
        """Share of reports answered `none`."""
        return self.misses / self.reports if self.reports else 0.0

    @property
    def location_accuracy(self) -> float:
        """Exact location matches over the messages with a gold location."""
        return self.location_exact / self.located if self.located else 1.0

    def to_dict(self) -> dict[str, Any]:
        """Figures as JSON-ready data."""
        return {
            "messages": self.total,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "false_ticket_rate": round(self.false_ticket_rate, 4),
            "miss_rate": round(self.miss_rate, 4),
            "location_exact_match": round(self.location_accuracy, 4),
            "confusions": [
                {"gold": g, "predicted": p, "count": n}
                for (g, p), n in self.confusions.most_common(10)
            ],
        }


def read_examples(path: str | Path) -> list[Example]:
    """Labelled messages from a JSON-lines file ({"text", "category", optional "location"})."""
    examples = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            examples.append(
                Example(
                    text=str(row["text"]),
                    category=str(row["category"]),
                    location=Location.from_dict(row["location"]) if "location" in row else None,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"{path}:{number}: expected an object with text and category ({exc})"
            ) from exc
    return examples


def evaluate(matcher: Matcher, examples: Iterable[Example]) -> Report:
    """Run the matcher over labelled messages and score it."""
    report = Report()
    pairs: list[tuple[str, str]] = []
    for example in examples:
        intent = matcher.match(example.text)
        predicted = intent.category
        pairs.append((example.category, predicted))
        report.total += 1
        report.correct += predicted == example.category
        if predicted != example.category:
            report.confusions[(example.category, predicted)] += 1
        if example.category == NONE:
            report.chatter += 1
            report.false_tickets += predicted != NONE
        else:
            report.reports += 1
            report.misses += predicted == NONE
        if example.location is not None:
            report.located += 1
            report.location_exact += intent.location == example.location
    report.macro_f1, report.per_label = macro_f1(pairs)
    return report


def macro_f1(
    pairs: list[tuple[str, str]],
) -> tuple[float, dict[str, tuple[float, float, float, int]]]:
    """Macro-averaged F1 over the gold labels, and (precision, recall, F1, support) per label."""
    labels = sorted({gold for gold, _ in pairs})
    per_label: dict[str, tuple[float, float, float, int]] = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        predicted = sum(1 for _, p in pairs if p == label)
        support = sum(1 for g, _ in pairs if g == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = (precision, recall, f1, support)
    average = sum(f1 for _, _, f1, _ in per_label.values()) / len(per_label) if per_label else 0.0
    return average, per_label

"""The context model: how residents write a report, as opposed to chatter that names a problem.

The catalog says what each problem is called; it cannot tell "停电了" from "停电的时候我正在洗头"
or "漏水保险理赔下来了". A multinomial logistic model over the message's character n-grams and
the matcher's evidence (which phrases and cues it found, and for which category) weighs one
against the other. It is trained on labelled messages by `python -m intents.training`, and its
weights ship beside this file as plain JSON, read into one numpy matrix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import repeat
from math import exp
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from intents.model import MAYBE, SURE

if TYPE_CHECKING:
    from intents.matcher import Evidence

BUNDLED_MODEL = Path(__file__).with_name("context_model.json")
_LENGTHS = (4, 8, 16, 32, 64)
# "27、嘟嘟爸爸 18号楼2单元 两个人": a line of a sign-up list (接龙) opens with its number
_LIST_ENTRY = re.compile(r"[0-9]{1,3} (?![0-9]|栋|号|单元|楼|幢|座|层|点|天|个|月|日|年|分|块|元)")


def features(reply: str, evidence: Evidence, emoji: Iterable[str]) -> set[str]:
    """The model's inputs for one normalised message: its character n-grams as they are (they
    never hold a colon), its emoji, and the matcher's evidence as `kind:value`."""
    padded = f"^{reply}$"
    found = set(padded)
    found.update([padded[start : start + 2] for start in range(len(padded) - 1)])
    found.update([padded[start : start + 3] for start in range(len(padded) - 2)])
    found.difference_update((" ", "^", "$"))
    if _LIST_ENTRY.match(reply):
        found.add("shape:entry")
    found.add(f"len:{next((n for n in _LENGTHS if len(reply) <= n), 'more')}")
    found.update(f"emoji:{mark}" for mark in emoji)
    found.update(f"cue:{kind}" for kind in evidence.cues)
    if evidence.resolved:
        found.add("cue:over")
    for rank, (category, score) in enumerate(evidence.ranked[:2]):
        found.add(f"rank{rank}:{category}")
        found.add(f"rank{rank}:{'sure' if score >= SURE else 'maybe' if score >= MAYBE else 'low'}")
    found.update(f"strong:{category}" for category in evidence.strong)
    found.update(f"asked:{category}" for category in evidence.requested)
    found.update(f"negated:{category}" for category in evidence.negated)
    return found


class ContextModel:
    """A multinomial logistic model over named features, and the bands' thresholds."""

    def __init__(
        self,
        labels: Sequence[str],
        bias: Sequence[float],
        features: Sequence[str],
        matrix: np.ndarray,  # one row of label weights per feature
        sure: float,
        maybe: float,
    ) -> None:
        self.labels = tuple(labels)
        self.sure = sure  # probability of "some report" from which a ticket opens unasked
        self.maybe = maybe  # ... from which the sender is asked to confirm
        self._bias = np.asarray(bias, dtype=np.float64)
        self._rows = {name: row for row, name in enumerate(features)}
        assert len(self._rows) == len(features), "feature names are unique"
        self._absent = len(self._rows)
        weights = np.asarray(matrix, dtype=np.float64).reshape(len(features), len(self.labels))
        # the row after the last feature is zero: every unknown name reads it
        self._matrix = np.vstack([weights, np.zeros((1, len(self.labels)))])

    @classmethod
    def from_weights(
        cls,
        labels: Sequence[str],
        bias: Sequence[float],
        weights: Mapping[str, Sequence[tuple[int, float]]],
        sure: float,
        maybe: float,
    ) -> ContextModel:
        """A model from each feature's (label index, weight) pairs."""
        matrix = np.zeros((len(weights), len(labels)))
        for row, pairs in enumerate(weights.values()):
            for label, weight in pairs:
                matrix[row, label] = weight
        return cls(labels, bias, list(weights), matrix, sure, maybe)

    @property
    def feature_count(self) -> int:
        """How many features carry a weight."""
        return len(self._rows)

    def probabilities(self, names: Iterable[str]) -> list[float]:
        """Probability of each label (categories and "none", in `labels` order) given the
        features present."""
        # one lookup per name; an unknown one reads the zero row after the last feature
        found = list(map(self._rows.get, names, repeat(self._absent)))
        logits: list[float] = (self._bias + self._matrix.take(found, axis=0).sum(axis=0)).tolist()
        # one number per label: plain floats are quicker than numpy's per-call overhead
        top = max(logits)
        exps = [exp(logit - top) for logit in logits]
        total = sum(exps)
        return [e / total for e in exps]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape written by the trainer: the weights that are not zero, row by row
        (`nonzero` of them per feature), as flat lists that load in one step."""
        weights = self._matrix[:-1]
        rows, columns = np.nonzero(weights)
        return {
            "labels": list(self.labels),
            "bias": [round(float(b), 4) for b in self._bias],
            "thresholds": {"sure": self.sure, "maybe": self.maybe},
            "features": list(self._rows),
            "nonzero": np.count_nonzero(weights, axis=1).tolist(),
            "label": columns.tolist(),
            "weight": [round(float(w), 4) for w in weights[rows, columns]],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContextModel:
        """Inverse of to_dict."""
        labels = [str(label) for label in data["labels"]]
        features = [str(name) for name in data["features"]]
        matrix = np.zeros((len(features), len(labels)))
        rows = np.repeat(np.arange(len(features)), np.asarray(data["nonzero"], dtype=np.int64))
        matrix[rows, np.asarray(data["label"], dtype=np.int64)] = np.asarray(data["weight"])
        return cls(
            labels=labels,
            bias=[float(b) for b in data["bias"]],
            features=features,
            matrix=matrix,
            sure=float(data["thresholds"]["sure"]),
            maybe=float(data["thresholds"]["maybe"]),
        )

    @classmethod
    def load(cls, path: str | Path) -> ContextModel:
        """Read weights written by `python -m intents.training`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @staticmethod
    @lru_cache(maxsize=1)
    def bundled() -> ContextModel:
        """The model shipped with the package, trained on the bundled messages."""
        return ContextModel.load(BUNDLED_MODEL)

"""The intent engine's answer: plain, frozen data that every layer can pass around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

NONE = "none"
Band = Literal["sure", "maybe", "none"]
# A rule score (the catalog's evidence alone) from which a ticket opens, and one worth asking.
SURE = 0.75
MAYBE = 0.6


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the community as residents name it; any part may be unknown."""

    building: str | None = None
    unit: str | None = None
    room: str | None = None

    def to_dict(self) -> dict[str, str]:
        """Only the parts that are known."""
        return {
            k: v
            for k, v in (("building", self.building), ("unit", self.unit), ("room", self.room))
            if v is not None
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Location:
        """Inverse of to_dict; missing keys stay unknown."""
        data = data or {}
        return cls(
            *(
                str(data[k]) if data.get(k) is not None else None
                for k in ("building", "unit", "room")
            )
        )

    def __bool__(self) -> bool:
        return any((self.building, self.unit, self.room))


@dataclass(frozen=True, slots=True)
class Alternative:
    """A runner-up category and its score."""

    category: str
    score: float


@dataclass(frozen=True, slots=True)
class Intent:
    """What one message is about: a category (or "none"), how sure, how urgent, and where."""

    category: str
    score: float
    band: Band
    urgent: bool = False
    location: Location = field(default_factory=Location)
    alternatives: tuple[Alternative, ...] = ()

    @property
    def is_report(self) -> bool:
        """A report worth a ticket without asking the sender."""
        return self.band == "sure"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `gridbot intents classify`."""
        return {
            "category": self.category,
            "score": round(self.score, 4),
            "alternatives": [
                {"category": a.category, "score": round(a.score, 4)} for a in self.alternatives
            ],
            "band": self.band,
            "urgent": self.urgent,
            "location": self.location.to_dict(),
        }

"""The intent catalog: categories, their phrases, cues, urgency, SLA and duplicate scope."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from intents.normalize import normalize

BUNDLED_CATALOG = Path(__file__).with_name("catalog.yaml")
CATALOG_ENV = "GRIDBOT_CATALOG_FILE"
LANGUAGES = ("zh-CN", "zh-TW", "en")
URGENCIES = ("low", "normal", "high", "urgent")
SCOPES = ("room", "unit", "building", "grid")
CUE_KINDS = ("request", "question", "resolved", "praise", "notice", "bot", "negation", "elsewhere")
_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_DURATION = re.compile(r"^([0-9]+)\s*([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}

Urgency = Literal["low", "normal", "high", "urgent"]
Scope = Literal["room", "unit", "building", "grid"]


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class Sla:
    """How long a ticket may wait for acknowledgement and for resolution."""

    ack: timedelta
    resolve: timedelta


@dataclass(frozen=True, slots=True)
class Category:
    """One kind of problem residents report."""

    id: str
    names: dict[str, str]
    urgency: Urgency
    sla: Sla
    duplicate_scope: Scope
    problems: tuple[str, ...]
    topics: tuple[str, ...]
    resolved_cues: tuple[str, ...]
    urgent_cues: tuple[str, ...]
    examples: tuple[str, ...]

    def name(self, language: str = "zh-CN") -> str:
        """Display name in a language, falling back to Simplified Chinese."""
        return self.names.get(language) or self.names["zh-CN"]


@dataclass(frozen=True, slots=True)
class Catalog:
    """All categories and the global cues, in file order."""

    categories: tuple[Category, ...]
    cues: dict[str, tuple[str, ...]]
    source: str

    def get(self, category_id: str) -> Category:
        """The category with this id; KeyError if the catalog has none."""
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def __contains__(self, category_id: object) -> bool:
        return any(c.id == category_id for c in self.categories)

    @property
    def ids(self) -> tuple[str, ...]:
        """Category ids in file order."""
        return tuple(c.id for c in self.categories)


def parse_duration(value: object, where: str) -> timedelta:
    """'30m', '4h' or '3d' as a timedelta."""
    match = _DURATION.match(str(value).strip())
    if not match or int(match.group(1)) == 0:
        raise CatalogError(f"{where}: expected a duration such as 30m, 4h or 3d, got {value!r}")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate a catalog: the given file, else $GRIDBOT_CATALOG_FILE, else the default."""
    chosen = Path(path or os.environ.get(CATALOG_ENV) or BUNDLED_CATALOG)
    try:
        # libyaml's parser when PyYAML was built with it: the catalog is large
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(chosen.read_text(encoding="utf-8"), Loader=loader)
    except OSError as exc:
        raise CatalogError(f"{chosen}: cannot read the catalog: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{chosen}: not valid YAML: {exc}") from exc
    return parse_catalog(data, source=str(chosen))


def parse_catalog(data: object, source: str = "<catalog>") -> Catalog:
    """Validate catalog data already read from YAML."""
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: the catalog must be a mapping with 'cues' and 'categories'")
    cues_data = data.get("cues") or {}
    if not isinstance(cues_data, dict):
        raise CatalogError(f"{source}: cues: expected a mapping of cue lists")
    unknown = set(cues_data) - set(CUE_KINDS)
    if unknown:
        raise CatalogError(
            f"{source}: cues: unknown kind {sorted(unknown)[0]!r}; known: {', '.join(CUE_KINDS)}"
        )
    cues = {kind: _phrases(cues_data.get(kind), f"{source}: cues.{kind}") for kind in CUE_KINDS}
    entries = data.get("categories")
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{source}: categories: expected a non-empty list")
    categories: list[Category] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        category = _category(entry, f"{source}: categories[{index}]")
        if category.id in seen:
            raise CatalogError(f"{source}: category {category.id!r}: id: appears twice")
        seen.add(category.id)
        categories.append(category)
    return Catalog(categories=tuple(categories), cues=cues, source=source)


def _category(entry: object, where: str) -> Category:
    """One validated category entry."""
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    category_id = entry.get("id")
    if not isinstance(category_id, str) or not _ID.match(category_id) or category_id == "none":
        raise CatalogError(
            f"{where}: id: expected a lower-case identifier other than 'none', got {category_id!r}"
        )
    where = f"{where.rsplit(':', 1)[0]}: category {category_id!r}"
    names = entry.get("names")
    if not isinstance(names, dict) or not isinstance(names.get("zh-CN"), str):
        raise CatalogError(f"{where}: names: expected a mapping with at least zh-CN")
    extra = set(names) - set(LANGUAGES)
    if extra:
        raise CatalogError(f"{where}: names: unknown language {sorted(extra)[0]!r}")
    urgency = entry.get("urgency", "normal")
    if urgency not in URGENCIES:
        raise CatalogError(
            f"{where}: urgency: expected one of {', '.join(URGENCIES)}, got {urgency!r}"
        )
    scope = entry.get("duplicate_scope", "building")
    if scope not in SCOPES:
        raise CatalogError(
            f"{where}: duplicate_scope: expected one of {', '.join(SCOPES)}, got {scope!r}"
        )
    sla = entry.get("sla")
    if not isinstance(sla, dict) or "ack" not in sla or "resolve" not in sla:
        raise CatalogError(f"{where}: sla: expected a mapping with ack and resolve")
    problems = _phrases(entry.get("problems"), f"{where}: problems")
    topics = _phrases(entry.get("topics"), f"{where}: topics")
    if not problems and not topics:
        raise CatalogError(f"{where}: problems: a category needs problems or topics to match")
    return Category(
        id=category_id,
        names={str(k): str(v) for k, v in names.items()},
        urgency=cast(Urgency, urgency),
        sla=Sla(
            ack=parse_duration(sla["ack"], f"{where}: sla.ack"),
            resolve=parse_duration(sla["resolve"], f"{where}: sla.resolve"),
        ),
        duplicate_scope=cast(Scope, scope),
        problems=problems,
        topics=topics,
        resolved_cues=_phrases(entry.get("resolved_cues"), f"{where}: resolved_cues"),
        urgent_cues=_phrases(entry.get("urgent_cues"), f"{where}: urgent_cues"),
        examples=tuple(str(e) for e in _list(entry.get("examples"), f"{where}: examples")),
    )


def _list(value: object, where: str) -> list[Any]:
    """A YAML list, or empty when absent."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise CatalogError(f"{where}: expected a list")
    return value


def _phrases(value: object, where: str) -> tuple[str, ...]:
    """Phrases in matching form (normalised; 'A*B' parts kept); empty ones refused."""
    phrases: list[str] = []
    for index, item in enumerate(_list(value, where)):
        if not isinstance(item, str | int):
            raise CatalogError(f"{where}[{index}]: expected text, got {item!r}")
        parts = [normalize(str(part)) for part in str(item).split("*")]
        if not all(parts):
            raise CatalogError(f"{where}[{index}]: {item!r} has an empty part")
        phrases.append("*".join(parts))
    return tuple(dict.fromkeys(phrases))

"""Roster import: a community YAML or a resident list (CSV/XLSX) -> a checked plan -> the tables.

Two layers. `parse_roster` reads the file and nothing else, checks it, and returns a `RosterPlan`
of plain dataclasses or raises `RosterError` listing every problem as "row N: reason" (lists) or
"grids[0].buildings[1].households[2]: reason" (YAML). `apply_roster` writes a plan in the
caller's transaction, so a clash with the database or a failure half-way changes nothing.

Matching on re-import: households by (building, unit, room); people by phone, then by any
platform id (telegram, wechat, wecom), then -- residents only -- by name within their household;
only then is a person created. Nothing is deleted unless `prune` is given, and pruning never
deletes a person a ticket (or its trail, photos, followers, outbox or a department) refers to.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlmodel import SQLModel, col, select

from storage.models import (
    Building,
    Chat,
    Community,
    Department,
    Follower,
    Grid,
    Household,
    Identity,
    Outbox,
    Person,
    RoleGrant,
    Ticket,
    TicketEvent,
    TicketPhoto,
)
from storage.repository import Store

PLATFORMS = ("telegram", "wechat", "wecom")
ROSTER_ROLES = ("grid_leader", "building_leader", "staff", "liaison")
KINDS = (
    "community",
    "grids",
    "buildings",
    "households",
    "people",
    "identities",
    "roles",
    "departments",
    "chats",
)
TABLE_COLUMNS = (
    "grid",
    "building",
    "unit",
    "room",
    "area_m2",
    "name",
    "phone",
    "owner",
    "telegram",
    "wechat",
    "wecom",
)
# Chinese headers as community offices write them, mapped to the column names above.
COLUMN_ALIASES = {
    "网格": "grid",
    "楼栋": "building",
    "楼号": "building",
    "单元": "unit",
    "房号": "room",
    "面积": "area_m2",
    "姓名": "name",
    "电话": "phone",
    "手机": "phone",
    "业主": "owner",
    "微信": "wechat",
    "企业微信": "wecom",
}
TRUE_WORDS = frozenset({"true", "是", "1", "y", "yes"})
FALSE_WORDS = frozenset({"false", "否", "0", "n", "no"})

_PHONE = re.compile(r"^1\d{10}$")
_TELEGRAM_USER = re.compile(r"^[1-9]\d{0,19}$")
_TELEGRAM_CHAT = re.compile(r"^-?[1-9]\d{0,19}$")
_TOKEN = re.compile(r"^\S{1,128}$")

_PERSON_KEYS = ("name", "phone", "telegram", "wechat", "wecom")
_TOP_KEYS = ("community", "street", "district", "staff", "departments", "grids")

HouseholdKey = tuple[str, str, str]
_Row = TypeVar("_Row", bound=SQLModel)


class RosterError(Exception):
    """A roster that cannot be imported; `errors` lists every reason, one a line."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# the plan ---------------------------------------------------------------------------------------
@dataclass
class CommunityPlan:
    """The community row."""

    name: str
    street: str = ""
    district: str = ""


@dataclass
class GridPlan:
    """A grid; `name` is None when the file only refers to it (a resident list)."""

    id: str
    name: str | None
    where: str


@dataclass
class BuildingPlan:
    """A building and its grid."""

    id: str
    grid_id: str
    where: str


@dataclass
class HouseholdPlan:
    """A flat; `area_m2` None leaves the stored area as it is."""

    building: str
    unit: str
    room: str
    area_m2: float | None
    where: str

    @property
    def key(self) -> HouseholdKey:
        """(building, unit, room), the household's identity."""
        return (self.building, self.unit, self.room)


@dataclass
class PersonPlan:
    """One person, however often the file mentions them; `owner` None for non-residents."""

    name: str
    phone: str | None
    ids: dict[str, str]  # platform -> external id
    household: HouseholdKey | None
    owner: bool | None
    where: str


@dataclass
class RolePlan:
    """A role grant; `person` indexes RosterPlan.people."""

    person: int
    role: str
    scope_kind: str
    scope_id: str
    title: str = ""

    @property
    def key(self) -> tuple[int, str, str, str]:
        """What makes two grants the same."""
        return (self.person, self.role, self.scope_kind, self.scope_id)


@dataclass
class DepartmentPlan:
    """A department; `liaison` indexes RosterPlan.people."""

    name: str
    categories: list[str]
    liaison: int | None
    where: str


@dataclass
class ChatPlan:
    """A group chat bound to a grid or a building."""

    platform: str
    chat_id: str
    scope_kind: str
    scope_id: str
    where: str


@dataclass
class RosterPlan:
    """What a file says; source "yaml" is the whole community, "table" some grids' residents."""

    source: str
    community: CommunityPlan | None = None
    grids: list[GridPlan] = field(default_factory=list)
    buildings: list[BuildingPlan] = field(default_factory=list)
    households: list[HouseholdPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    roles: list[RolePlan] = field(default_factory=list)
    departments: list[DepartmentPlan] = field(default_factory=list)
    chats: list[ChatPlan] = field(default_factory=list)

    @property
    def steps(self) -> int:
        """How many progress steps apply_roster reports (one per household and per person)."""
        return len(self.households) + len(self.people)


@dataclass
class Counts:
    """What an import did to one kind of row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    pruned: int = 0
    kept: int = 0  # would have been pruned, but tickets (or a department) refer to them


@dataclass
class ImportSummary:
    """Counts per kind (see KINDS)."""

    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})

    def __getitem__(self, kind: str) -> Counts:
        """The counts of one kind, e.g. summary["people"]."""
        return self.counts[kind]

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return any(c.created or c.updated or c.pruned for c in self.counts.values())


# parsing ----------------------------------------------------------------------------------------
def parse_roster(
    path: Path | str, grid: str | None = None, categories: Collection[str] | None = None
) -> RosterPlan:
    """Read and check a roster file (.yaml/.yml, .csv, .xlsx); RosterError lists every problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    errors: list[str] = []
    if not path.is_file():
        raise RosterError([f"{path}: no such file"])
    if suffix in (".yaml", ".yml"):
        if grid is not None:
            errors.append("--grid applies to CSV and XLSX lists; a YAML file names its grids")
        plan = _parse_yaml(path, categories, errors)
    elif suffix == ".csv":
        plan = _parse_table(_csv_rows(path, errors), grid, errors)
    elif suffix in (".xlsx", ".xlsm"):
        plan = _parse_table(_xlsx_rows(path, errors), grid, errors)
    else:
        raise RosterError([f"{path}: expected a .yaml, .csv or .xlsx file"])
    if errors or plan is None:
        errors.sort(key=_row_number)  # rows in file order; YAML paths keep the reading order
        raise RosterError(errors or [f"{path}: nothing to import"])
    return plan


def _row_number(error: str) -> int:
    """N of an error "row N: ...", 0 for any other."""
    match = re.match(r"row (\d+):", error)
    return int(match.group(1)) if match else 0


def parse_owner(value: object) -> bool | None:
    """true/false/是/否/1/0/y/n (any case) as a bool; empty means owner; None if not understood."""
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text or text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def normalize_phone(value: object) -> str | None:
    """A mainland mobile number as 11 digits (spaces, dashes and +86 dropped); None if invalid."""
    text = re.sub(r"[\s\-]", "", _text(value))
    if text.startswith("+86"):
        text = text[3:]
    return text if _PHONE.match(text) else None


def _text(value: object) -> str:
    """A cell or YAML scalar as trimmed text (whole floats without '.0', as Excel gives them)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class _Mention:
    """One place the file names a person."""

    name: str
    phone: str | None
    ids: dict[str, str]
    where: str
    household: HouseholdKey | None = None
    owner: bool | None = None

    def identifiers(self) -> list[tuple[str, str]]:
        """What identifies this person across mentions."""
        keys = [(platform, external) for platform, external in self.ids.items()]
        if self.phone:
            keys.insert(0, ("phone", self.phone))
        if self.household is not None:
            keys.append(("resident", "-".join(self.household) + "/" + self.name))
        return keys


def _describe(key: tuple[str, str]) -> str:
    """A key as the error messages say it."""
    kind, value = key
    if kind == "resident":
        return "the same name in the same household"
    return f"{kind} {value}"


def _mention(
    fields: dict[str, Any], where: str, errors: list[str], *, resident: bool
) -> _Mention | None:
    """A person's fields checked; None (with errors noted) if unusable."""
    ok = True
    name = _text(fields.get("name"))
    if not name:
        errors.append(f"{where}: missing name")
        ok = False
    phone: str | None = None
    if _text(fields.get("phone")):
        phone = normalize_phone(fields.get("phone"))
        if phone is None:
            errors.append(
                f"{where}: phone {_text(fields.get('phone'))!r} is not a mainland mobile number "
                "(11 digits starting with 1)"
            )
            ok = False
    ids: dict[str, str] = {}
    for platform in PLATFORMS:
        raw = fields.get(platform)
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            errors.append(f"{where}: {platform} {raw!r} is not an account id")
            ok = False
            continue
        value = _text(raw)
        if not value:
            continue
        pattern = _TELEGRAM_USER if platform == "telegram" else _TOKEN
        if not pattern.match(value):
            kind = "a numeric user id" if platform == "telegram" else "an id without spaces"
            errors.append(f"{where}: {platform} {value!r} is not {kind}")
            ok = False
            continue
        ids[platform] = value
    owner: bool | None = None
    if resident:
        owner = parse_owner(fields.get("owner"))
        if owner is None:
            errors.append(
                f"{where}: owner {_text(fields.get('owner'))!r} is not one of "
                "true/false/是/否/1/0/y/n"
            )
            ok = False
    elif ok and phone is None and not ids:
        errors.append(f"{where}: {name} needs a phone or a telegram, wechat or wecom id")
        ok = False
    return _Mention(name, phone, ids, where, owner=owner) if ok else None


def _merge_people(
    mentions: list[_Mention], errors: list[str]
) -> tuple[list[PersonPlan], list[int]]:
    """Mentions sharing a phone, a platform id or (residents) name and household are one person."""
    parent = list(range(len(mentions)))

    def find(index: int) -> int:
        """The representative of a mention's group."""
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first: dict[tuple[str, str], int] = {}
    for index, mention in enumerate(mentions):
        for key in mention.identifiers():
            other = first.setdefault(key, index)
            if other != index:
                parent[find(index)] = find(other)
    groups: dict[int, list[int]] = {}
    for index in range(len(mentions)):
        groups.setdefault(find(index), []).append(index)

    people: list[PersonPlan] = []
    person_of = [0] * len(mentions)
    for members in sorted(groups.values(), key=lambda group: group[0]):
        lead = mentions[members[0]]
        person = PersonPlan(
            lead.name, lead.phone, dict(lead.ids), lead.household, lead.owner, lead.where
        )
        seen: dict[tuple[str, str], _Mention] = {key: lead for key in lead.identifiers()}
        resident = lead if lead.household is not None else None
        for index in members[1:]:
            mention = mentions[index]
            shared = next((key for key in mention.identifiers() if key in seen), None)
            if shared is not None and mention.name != seen[shared].name:
                errors.append(
                    f"{mention.where}: {_describe(shared)} already belongs to "
                    f"{seen[shared].name} ({seen[shared].where}), not {mention.name}"
                )
            if mention.phone:
                if person.phone and person.phone != mention.phone:
                    errors.append(
                        f"{mention.where}: {mention.name} has two phones "
                        f"({person.phone}, {mention.phone})"
                    )
                person.phone = person.phone or mention.phone
            for platform, external in mention.ids.items():
                known = person.ids.setdefault(platform, external)
                if known != external:
                    errors.append(
                        f"{mention.where}: {mention.name} has two {platform} ids "
                        f"({known}, {external})"
                    )
            if mention.household is not None:
                if resident is not None:
                    place = (
                        "this household"
                        if resident.household == mention.household
                        else (
                            "household "
                            + "-".join(part for part in resident.household or () if part)
                        )
                    )
                    errors.append(
                        f"{mention.where}: {mention.name} is already listed in {place} "
                        f"({resident.where})"
                    )
                else:
                    resident = mention
                    person.household, person.owner = mention.household, mention.owner
            for key in mention.identifiers():
                seen.setdefault(key, mention)
        for index in members:
            person_of[index] = len(people)
        people.append(person)
    return people, person_of


# YAML -------------------------------------------------------------------------------------------
def _where(base: str, key: str) -> str:
    """A YAML path one level down."""
    return f"{base}.{key}" if base else key


def _mapping(
    value: object, where: str, allowed: Sequence[str], errors: list[str]
) -> dict[str, Any] | None:
    """A YAML mapping (unknown keys noted as errors); None (with an error) if it is not one."""
    if not isinstance(value, dict):
        errors.append(f"{where or 'top level'}: expected a mapping, got {_text(value)!r}")
        return None
    for key in value:
        if key not in allowed:
            errors.append(
                f"{where or 'top level'}: unknown key {key!r} (expected {', '.join(allowed)})"
            )
    return value


def _items(value: object, where: str, errors: list[str]) -> list[Any]:
    """A YAML list (missing means empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(f"{where}: expected a list")
        return []
    return value


def _identifier(value: object, where: str, what: str, errors: list[str]) -> str:
    """A required id or name as text ("" with an error when missing)."""
    if isinstance(value, bool | dict | list):
        errors.append(f"{where}: {what} {value!r} is not text")
        return ""
    text = _text(value)
    if not text:
        errors.append(f"{where}: missing {what}")
    return text


class _YamlReader:
    """Walks a community YAML, collecting mentions, roles and errors."""

    def __init__(self, categories: Collection[str] | None, errors: list[str]) -> None:
        self.categories = categories
        self.errors = errors
        self.plan = RosterPlan(source="yaml")
        self.mentions: list[_Mention] = []
        # (mention index, role, scope kind, scope id, title)
        self.roles: list[tuple[int, str, str, str, str]] = []
        self.liaisons: list[int | None] = []  # per department: mention index
        self.chat_owner: dict[tuple[str, str], str] = {}
        self.building_at: dict[str, str] = {}
        self.grid_at: dict[str, str] = {}
        self.household_at: dict[HouseholdKey, str] = {}
        self.category_at: dict[str, str] = {}

    def person(
        self, value: object, where: str, extra: Sequence[str] = (), resident: bool = False
    ) -> int | None:
        """Record a person mention; its index, or None if invalid."""
        fields = _mapping(value, where, (*_PERSON_KEYS, *extra), self.errors)
        if fields is None:
            return None
        mention = _mention(fields, where, self.errors, resident=resident)
        if mention is None:
            return None
        self.mentions.append(mention)
        return len(self.mentions) - 1

    def role(self, mention: int | None, role: str, kind: str, scope: str, title: str = "") -> None:
        """Record a role of a mentioned person."""
        if mention is not None:
            self.roles.append((mention, role, kind, scope, title))

    def read(self, data: object) -> None:
        """The whole file."""
        top = _mapping(data, "", _TOP_KEYS, self.errors)
        if top is None:
            return
        name = _identifier(top.get("community"), "community", "community name", self.errors)
        self.plan.community = CommunityPlan(
            name, _text(top.get("street")), _text(top.get("district"))
        )
        for index, entry in enumerate(_items(top.get("staff"), "staff", self.errors)):
            where = f"staff[{index}]"
            mention = self.person(entry, where, extra=("role",))
            title = _text(entry.get("role")) if isinstance(entry, dict) else ""
            self.role(mention, "staff", "community", "", title)
        for index, entry in enumerate(_items(top.get("departments"), "departments", self.errors)):
            self.department(entry, f"departments[{index}]")
        grids = _items(top.get("grids"), "grids", self.errors)
        if not grids:
            self.errors.append("grids: the community needs at least one grid")
        for index, entry in enumerate(grids):
            self.grid(entry, f"grids[{index}]")

    def department(self, entry: object, where: str) -> None:
        """One department, its categories and its liaison."""
        fields = _mapping(entry, where, ("name", "categories", "liaison"), self.errors)
        if fields is None:
            return
        name = _identifier(fields.get("name"), where, "name", self.errors)
        if any(d.name == name for d in self.plan.departments):
            self.errors.append(f"{where}: department {name} is listed twice")
        categories: list[str] = []
        for position, raw in enumerate(
            _items(fields.get("categories"), f"{where}.categories", self.errors)
        ):
            category = _text(raw)
            if self.categories is None:
                from intents import load_catalog  # the bundled catalog, read once when needed

                self.categories = load_catalog().ids
            if category not in self.categories:
                self.errors.append(
                    f"{where}.categories[{position}]: unknown category "
                    f"{category!r} (not in the intent catalog)"
                )
            elif category in self.category_at:
                self.errors.append(
                    f"{where}.categories[{position}]: {category} already belongs "
                    f"to {self.category_at[category]}"
                )
            else:
                self.category_at[category] = name
                categories.append(category)
        liaison = None
        if fields.get("liaison") is not None:
            liaison = self.person(fields["liaison"], f"{where}.liaison")
            self.role(liaison, "liaison", "department", name)
        self.plan.departments.append(DepartmentPlan(name, categories, None, where))
        self.liaisons.append(liaison)

    def chats(self, value: object, where: str, kind: str, scope: str) -> None:
        """The group chats bound to a grid or a building."""
        for index, entry in enumerate(_items(value, where, self.errors)):
            at = f"{where}[{index}]"
            fields = _mapping(entry, at, ("platform", "chat_id"), self.errors)
            if fields is None:
                continue
            platform = _text(fields.get("platform"))
            chat_id = _text(fields.get("chat_id"))
            if platform not in PLATFORMS:
                self.errors.append(
                    f"{at}: platform {platform!r} is not one of {', '.join(PLATFORMS)}"
                )
                continue
            pattern = _TELEGRAM_CHAT if platform == "telegram" else _TOKEN
            if not pattern.match(chat_id):
                self.errors.append(f"{at}: chat_id {chat_id!r} is not a {platform} chat id")
                continue
            owner = self.chat_owner.setdefault((platform, chat_id), f"{kind} {scope}")
            if owner != f"{kind} {scope}" or any(
                c.platform == platform and c.chat_id == chat_id for c in self.plan.chats
            ):
                self.errors.append(f"{at}: {platform} chat {chat_id} is already bound to {owner}")
                continue
            self.plan.chats.append(ChatPlan(platform, chat_id, kind, scope, at))

    def grid(self, entry: object, where: str) -> None:
        """One grid with its leader, chats and buildings."""
        fields = _mapping(entry, where, ("id", "name", "leader", "chats", "buildings"), self.errors)
        if fields is None:
            return
        grid_id = _identifier(fields.get("id"), where, "id", self.errors)
        name = _identifier(fields.get("name"), where, "name", self.errors)
        if grid_id in self.grid_at:
            self.errors.append(
                f"{where}: grid {grid_id} is already defined at {self.grid_at[grid_id]}"
            )
        self.grid_at.setdefault(grid_id, where)
        self.plan.grids.append(GridPlan(grid_id, name, where))
        if fields.get("leader") is None:
            self.errors.append(f"{where}: missing leader (the grid leader, 网格员)")
        else:
            leader = self.person(fields["leader"], f"{where}.leader")
            self.role(leader, "grid_leader", "grid", grid_id)
        self.chats(fields.get("chats"), f"{where}.chats", "grid", grid_id)
        for index, building in enumerate(
            _items(fields.get("buildings"), f"{where}.buildings", self.errors)
        ):
            self.building(building, f"{where}.buildings[{index}]", grid_id)

    def building(self, entry: object, where: str, grid_id: str) -> None:
        """One building with its optional leader, chats and households."""
        fields = _mapping(entry, where, ("id", "leader", "chats", "households"), self.errors)
        if fields is None:
            return
        building_id = _identifier(fields.get("id"), where, "id", self.errors)
        if building_id in self.building_at:
            self.errors.append(
                f"{where}: building {building_id} is already listed at "
                f"{self.building_at[building_id]} (building ids are unique "
                "within the community)"
            )
        else:
            self.building_at[building_id] = where
            self.plan.buildings.append(BuildingPlan(building_id, grid_id, where))
        if fields.get("leader") is not None:
            leader = self.person(fields["leader"], f"{where}.leader")
            self.role(leader, "building_leader", "building", building_id)
        self.chats(fields.get("chats"), f"{where}.chats", "building", building_id)
        for index, household in enumerate(
            _items(fields.get("households"), f"{where}.households", self.errors)
        ):
            self.household(household, f"{where}.households[{index}]", building_id)

    def household(self, entry: object, where: str, building_id: str) -> None:
        """One flat and its residents."""
        fields = _mapping(entry, where, ("unit", "room", "area_m2", "residents"), self.errors)
        if fields is None:
            return
        unit = _text(fields.get("unit"))
        room = _identifier(fields.get("room"), where, "room", self.errors)
        area = _area(fields.get("area_m2"), where, self.errors)
        key = (building_id, unit, room)
        if key in self.household_at:
            self.errors.append(
                f"{where}: household {_flat(key)} is already listed at {self.household_at[key]}"
            )
            return
        self.household_at[key] = where
        self.plan.households.append(HouseholdPlan(building_id, unit, room, area, where))
        for index, resident in enumerate(
            _items(fields.get("residents"), f"{where}.residents", self.errors)
        ):
            mention = self.person(
                resident, f"{where}.residents[{index}]", extra=("owner",), resident=True
            )
            if mention is not None:
                self.mentions[mention].household = key

    def finish(self) -> RosterPlan:
        """Merge the mentions into people and resolve the role and liaison references."""
        people, person_of = _merge_people(self.mentions, self.errors)
        self.plan.people = people
        seen: set[tuple[int, str, str, str]] = set()
        for mention, role, kind, scope, title in self.roles:
            grant = RolePlan(person_of[mention], role, kind, scope, title)
            if grant.key not in seen:
                seen.add(grant.key)
                self.plan.roles.append(grant)
        for department, liaison in zip(self.plan.departments, self.liaisons, strict=True):
            department.liaison = None if liaison is None else person_of[liaison]
        return self.plan


def _flat(key: HouseholdKey) -> str:
    """building-unit-room for messages (no empty unit)."""
    return "-".join(part for part in key if part)


def _area(value: object, where: str, errors: list[str]) -> float | None:
    """A floor area in m² (> 0), or None when not given."""
    text = _text(value)
    if not text:
        return None
    try:
        area = float(text)
    except ValueError:
        errors.append(f"{where}: area_m2 {text!r} is not a number")
        return None
    if not area > 0 or area == float("inf"):
        errors.append(f"{where}: area_m2 must be greater than 0, got {text}")
        return None
    return area


def _parse_yaml(
    path: Path, categories: Collection[str] | None, errors: list[str]
) -> RosterPlan | None:
    """A community YAML as a plan."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(f"{path}: cannot read the file: {exc}")
        return None
    except yaml.YAMLError as exc:
        errors.append(f"{path}: not valid YAML: {exc}")
        return None
    reader = _YamlReader(categories, errors)
    reader.read(data)
    return reader.finish()


# CSV and XLSX -----------------------------------------------------------------------------------
def _csv_rows(path: Path, errors: list[str]) -> Iterator[tuple[int, list[object]]]:
    """(row number, cells) of a CSV file: UTF-8 with or without Excel's BOM, else GB18030."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        errors.append(f"{path}: cannot read the file: {exc.strerror}")
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # what Chinese Excel saves as "CSV"
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, list(row)
    except csv.Error as exc:
        errors.append(f"{path}: not a valid CSV file: {exc}")


def _xlsx_rows(path: Path, errors: list[str]) -> Iterator[tuple[int, list[object]]]:
    """(row number, cells) of the first worksheet of an XLSX workbook."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files
        errors.append(f"{path}: not a readable XLSX workbook: {exc}")
        return
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def _header(cells: list[object], errors: list[str]) -> list[str] | None:
    """The column names of the first row; None when they cannot be used."""
    names: list[str] = []
    ok = True
    for cell in cells:
        name = _text(cell)
        name = COLUMN_ALIASES.get(name, name.lower().replace(" ", "_"))
        if name in ("area", "area_m²"):
            name = "area_m2"
        if name and name not in TABLE_COLUMNS:
            errors.append(
                f"row 1: unknown column {_text(cell)!r} (expected {', '.join(TABLE_COLUMNS)})"
            )
            ok = False
        elif name and name in names:
            errors.append(f"row 1: column {name} appears twice")
            ok = False
        names.append(name)
    for required in ("building", "room", "name"):
        if required not in names:
            errors.append(f"row 1: missing column {required}")
            ok = False
    return names if ok else None


def _parse_table(
    rows: Iterable[tuple[int, list[object]]], grid: str | None, errors: list[str]
) -> RosterPlan | None:
    """A resident list (one row per resident) as a plan; rows of a flat form one household."""
    plan = RosterPlan(source="table")
    header: list[str] | None = None
    mentions: list[_Mention] = []
    households: dict[HouseholdKey, HouseholdPlan] = {}
    building_grid: dict[str, tuple[str, int]] = {}
    grids: dict[str, GridPlan] = {}
    grid = (grid or "").strip() or None
    for number, cells in rows:
        if not any(_text(cell) for cell in cells):
            continue
        if header is None:
            header = _header(cells, errors)
            if header is None:
                return None
            if "grid" not in header and grid is None:
                errors.append("row 1: no grid column; pass --grid G01 for a list of one grid")
                return None
            continue
        where = f"row {number}"
        record: dict[str, object] = {}
        for position, cell in enumerate(cells):
            name = header[position] if position < len(header) else ""
            if name:
                record[name] = cell
            elif _text(cell):
                errors.append(
                    f"{where}: a value ({_text(cell)!r}) in column {position + 1}, "
                    "which has no header"
                )
        problems = len(errors)
        grid_id = _text(record.get("grid")) or grid
        if not grid_id:
            errors.append(f"{where}: no grid (fill the grid column or pass --grid)")
        building = _text(record.get("building"))
        room = _text(record.get("room"))
        unit = _text(record.get("unit"))
        if not building:
            errors.append(f"{where}: missing building")
        if not room:
            errors.append(f"{where}: missing room")
        area = _area(record.get("area_m2"), where, errors)
        mention = _mention(record, where, errors, resident=True)
        if building and grid_id:
            seen_grid, seen_row = building_grid.setdefault(building, (grid_id, number))
            if seen_grid != grid_id:
                errors.append(
                    f"{where}: building {building} is in grid {grid_id} here but in "
                    f"grid {seen_grid} at row {seen_row} (building ids are unique "
                    "within the community)"
                )
        if len(errors) > problems or mention is None or grid_id is None:
            continue
        if grid_id not in grids:
            grids[grid_id] = GridPlan(
                grid_id, None, where if _text(record.get("grid")) else "--grid"
            )
            plan.grids.append(grids[grid_id])
        if building not in {b.id for b in plan.buildings}:
            plan.buildings.append(BuildingPlan(building, grid_id, where))
        key = (building, unit, room)
        household = households.get(key)
        if household is None:
            household = households[key] = HouseholdPlan(building, unit, room, area, where)
            plan.households.append(household)
        elif area is not None:
            if household.area_m2 is None:
                household.area_m2 = area
            elif household.area_m2 != area:
                errors.append(
                    f"{where}: area_m2 {area:g} differs from {household.area_m2:g} "
                    f"given for {_flat(key)} at {household.where}"
                )
        mention.household = key
        mentions.append(mention)
    if header is None:
        errors.append("row 1: the file is empty (expected a header row and one row per resident)")
        return None
    if not mentions and not errors:
        errors.append("the file lists no residents")
    plan.people, _ = _merge_people(mentions, errors)
    return plan


# applying ---------------------------------------------------------------------------------------
async def apply_roster(
    store: Store,
    plan: RosterPlan,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Write a plan in the store's transaction; RosterError if it clashes with the database."""
    return await _Applier(store, plan, progress).run(prune)


def _assign(row: object, **values: object) -> bool:
    """Set attributes that differ; whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


class _Applier:
    """One import: loads the roster tables once, then matches, updates, creates and prunes."""

    def __init__(
        self, store: Store, plan: RosterPlan, progress: Callable[[int], None] | None
    ) -> None:
        self.session = store.session
        self.plan = plan
        self.summary = ImportSummary()
        self.advance = progress or (lambda _steps: None)
        self.grids: dict[str, Grid] = {}
        self.buildings: dict[str, Building] = {}
        self.stored_households: dict[HouseholdKey, Household] = {}
        self.households: dict[HouseholdKey, Household] = {}  # the plan's, by key
        self.stored_people: list[Person] = []
        self.people: list[Person] = []  # aligned with plan.people
        self.identities: dict[tuple[str, str], Identity] = {}
        self.wanted_identities: set[tuple[str, str]] = set()
        self.roles: list[RoleGrant] = []
        self.wanted_roles: set[tuple[int, str, str, str]] = set()
        self.chats: dict[tuple[str, str], Chat] = {}

    async def _all(self, model: type[_Row]) -> list[_Row]:
        """Every row of a table."""
        return list((await self.session.exec(select(model))).all())

    def _count(self, kind: str, existed: bool, changed: bool) -> None:
        """Count one upserted row."""
        counts = self.summary[kind]
        if not existed:
            counts.created += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1

    async def run(self, prune: bool) -> ImportSummary:
        """The whole import."""
        self.grids = {g.id: g for g in await self._all(Grid)}
        self.buildings = {b.id: b for b in await self._all(Building)}
        self._check()
        await self._community()
        await self._grids_and_buildings()
        await self.session.flush()
        await self._households()
        await self.session.flush()
        await self._people()
        await self.session.flush()
        await self._identities()
        await self._roles()
        await self._departments()
        await self._chats()
        await self.session.flush()
        if prune:
            await self._prune()
        return self.summary

    def _check(self) -> None:
        """Refuse references the database cannot satisfy (before anything is written)."""
        errors: list[str] = []
        for grid in self.plan.grids:
            if grid.name is None and grid.id not in self.grids:
                errors.append(
                    f"{grid.where}: grid {grid.id} does not exist; import the "
                    "community YAML that defines it first"
                )
        if self.plan.source == "table":
            for building in self.plan.buildings:
                stored = self.buildings.get(building.id)
                if stored is not None and stored.grid_id != building.grid_id:
                    errors.append(
                        f"{building.where}: building {building.id} belongs to grid "
                        f"{stored.grid_id}, not {building.grid_id}"
                    )
        if errors:
            raise RosterError(errors)

    async def _community(self) -> None:
        """The one community row, updated in place."""
        wanted = self.plan.community
        if wanted is None:
            return
        stored = (await self.session.exec(select(Community).order_by(col(Community.id)))).first()
        row = stored or Community(name=wanted.name)
        changed = _assign(row, name=wanted.name, street=wanted.street, district=wanted.district)
        self.session.add(row)
        self._count("community", stored is not None, changed)

    async def _grids_and_buildings(self) -> None:
        """Grids (those the file defines), then buildings (flushed apart: no ORM relationships)."""
        for grid in self.plan.grids:
            if grid.name is None:
                continue
            stored_grid = self.grids.get(grid.id)
            row = stored_grid or Grid(id=grid.id, name=grid.name)
            self._count("grids", stored_grid is not None, _assign(row, name=grid.name))
            self.grids[grid.id] = row
            self.session.add(row)
        await self.session.flush()
        for building in self.plan.buildings:
            stored = self.buildings.get(building.id)
            brow = stored or Building(id=building.id, grid_id=building.grid_id)
            self._count("buildings", stored is not None, _assign(brow, grid_id=building.grid_id))
            self.buildings[building.id] = brow
            self.session.add(brow)

    async def _households(self) -> None:
        """Households by (building, unit, room)."""
        self.stored_households = {
            (h.building_id, h.unit, h.room): h for h in await self._all(Household)
        }
        for household in self.plan.households:
            stored = self.stored_households.get(household.key)
            row = stored or Household(
                building_id=household.building,
                unit=household.unit,
                room=household.room,
                area_m2=household.area_m2 or 0.0,
            )
            changed = household.area_m2 is not None and _assign(row, area_m2=household.area_m2)
            self._count("households", stored is not None, changed)
            self.households[household.key] = row
            self.session.add(row)
            self.advance(1)

    async def _people(self) -> None:
        """Match every person (phone, then platform ids, then name in household) or create."""
        self.stored_people = list(
            (await self.session.exec(select(Person).order_by(col(Person.id)))).all()
        )
        self.identities = {(i.platform, i.external_id): i for i in await self._all(Identity)}
        by_id = {p.id: p for p in self.stored_people}
        by_phone: dict[str, list[Person]] = {}
        by_home: dict[tuple[int | None, str], list[Person]] = {}
        for known in self.stored_people:
            if known.phone:
                by_phone.setdefault(known.phone, []).append(known)
            if known.household_id is not None:
                by_home.setdefault((known.household_id, known.name), []).append(known)
        claimed: set[int | None] = set()
        matches: list[Person | None] = [None] * len(self.plan.people)

        def claim(index: int, candidates: Iterable[Person | None]) -> None:
            """Match plan person index to the first candidate nobody has claimed yet."""
            for candidate in candidates:
                if candidate is not None and candidate.id not in claimed:
                    claimed.add(candidate.id)
                    matches[index] = candidate
                    return

        for index, person in enumerate(self.plan.people):
            if person.phone:
                claim(index, by_phone.get(person.phone, ()))
        for index, person in enumerate(self.plan.people):
            if matches[index] is None:
                owners = (self.identities.get(key) for key in person.ids.items())
                claim(index, (by_id.get(i.person_id) for i in owners if i is not None))
        for index, person in enumerate(self.plan.people):
            if matches[index] is None and person.household is not None:
                home = self.households[person.household].id
                claim(index, by_home.get((home, person.name), ()))

        for person, stored in zip(self.plan.people, matches, strict=True):
            row = stored or Person(name=person.name)
            values: dict[str, object] = {"name": person.name, "confirmed": True}
            if person.phone:
                values["phone"] = person.phone
            if person.household is not None:
                values["household_id"] = self.households[person.household].id
                values["owner"] = True if person.owner is None else person.owner
            self._count("people", stored is not None, _assign(row, **values))
            self.session.add(row)
            self.people.append(row)
            self.advance(1)

    async def _identities(self) -> None:
        """Platform accounts, moved to the file's person when they belonged to someone else."""
        for person, row in zip(self.plan.people, self.people, strict=True):
            assert row.id is not None
            for key in person.ids.items():
                self.wanted_identities.add(key)
                stored = self.identities.get(key)
                identity = stored or Identity(platform=key[0], external_id=key[1], person_id=row.id)
                self._count("identities", stored is not None, _assign(identity, person_id=row.id))
                self.identities[key] = identity
                self.session.add(identity)

    async def _roles(self) -> None:
        """Role grants by (person, role, scope); the title is updated."""
        self.roles = await self._all(RoleGrant)
        stored = {(r.person_id, r.role, r.scope_kind, r.scope_id): r for r in self.roles}
        for grant in self.plan.roles:
            person_id = self.people[grant.person].id
            assert person_id is not None
            key = (person_id, grant.role, grant.scope_kind, grant.scope_id)
            self.wanted_roles.add(key)
            existing = stored.get(key)
            row = existing or RoleGrant(
                person_id=person_id,
                role=grant.role,
                scope_kind=grant.scope_kind,
                scope_id=grant.scope_id,
            )
            self._count("roles", existing is not None, _assign(row, title=grant.title))
            if existing is None:
                stored[key] = row
                self.roles.append(row)
            self.session.add(row)

    async def _departments(self) -> None:
        """Departments by name: categories and liaison."""
        stored = {d.name: d for d in await self._all(Department)}
        for department in self.plan.departments:
            existing = stored.get(department.name)
            liaison = None if department.liaison is None else self.people[department.liaison].id
            row = existing or Department(name=department.name)
            changed = _assign(row, categories=list(department.categories), liaison_id=liaison)
            self._count("departments", existing is not None, changed)
            stored[department.name] = row
            self.session.add(row)

    async def _chats(self) -> None:
        """Group chats by (platform, chat id): the scope is updated."""
        self.chats = {(c.platform, c.chat_id): c for c in await self._all(Chat)}
        for chat in self.plan.chats:
            existing = self.chats.get((chat.platform, chat.chat_id))
            row = existing or Chat(
                platform=chat.platform,
                chat_id=chat.chat_id,
                scope_kind=chat.scope_kind,
                scope_id=chat.scope_id,
            )
            changed = _assign(row, scope_kind=chat.scope_kind, scope_id=chat.scope_id)
            self._count("chats", existing is not None, changed)
            self.session.add(row)

    async def _referenced(self) -> set[int]:
        """People that tickets, their trail, photos, followers, outbox or departments point at."""
        columns = (
            col(Ticket.reporter_id),
            col(Ticket.assignee_id),
            col(Follower.person_id),
            col(TicketEvent.actor_id),
            col(TicketPhoto.added_by),
            col(Outbox.person_id),
            col(Department.liaison_id),
        )
        referenced: set[int] = set()
        for column in columns:
            values = (await self.session.exec(select(column).distinct())).all()
            referenced.update(value for value in values if value is not None)
        return referenced

    async def _prune(self) -> None:
        """Delete what the file no longer lists, within its scope; keep referenced people."""
        whole = self.plan.source == "yaml"
        scope_grids = {g.id for g in self.plan.grids}
        in_scope = {
            h.id
            for h in self.stored_households.values()
            if whole or self.buildings[h.building_id].grid_id in scope_grids
        }
        doomed_homes = [
            h
            for key, h in self.stored_households.items()
            if h.id in in_scope and key not in self.households
        ]
        doomed_home_ids = {h.id for h in doomed_homes}
        listed = {p.id for p in self.people}
        referenced = await self._referenced()
        role_holders = {r.person_id for r in self.roles}
        counts = self.summary["people"]
        doomed_people: list[Person] = []
        for person in self.stored_people:
            if person.id in listed:
                continue
            if not (whole or person.household_id in in_scope) or not person.confirmed:
                # outside the file's grids, or a self-registration still waiting for a leader
                if person.household_id in doomed_home_ids:
                    person.household_id = None
                continue
            if person.id in referenced or (not whole and person.id in role_holders):
                counts.kept += 1
                person.household_id = None  # no longer a resident of the flat the file lists
            else:
                doomed_people.append(person)
        doomed_ids = {p.id for p in doomed_people}

        for key, identity in self.identities.items():
            unlisted = identity.person_id in listed and key[0] in PLATFORMS
            if identity.person_id in doomed_ids or (unlisted and key not in self.wanted_identities):
                await self.session.delete(identity)
                self.summary["identities"].pruned += 1
        for role in self.roles:
            grant = (role.person_id, role.role, role.scope_kind, role.scope_id)
            stale = whole and role.role in ROSTER_ROLES and grant not in self.wanted_roles
            if role.person_id in doomed_ids or stale:
                await self.session.delete(role)
                self.summary["roles"].pruned += 1
        if whole:
            wanted_chats = {(c.platform, c.chat_id) for c in self.plan.chats}
            for key, chat in self.chats.items():
                if key[0] in PLATFORMS and key not in wanted_chats:  # console chats are the demo's
                    await self.session.delete(chat)
                    self.summary["chats"].pruned += 1
        await self.session.flush()

        for person in doomed_people:
            await self.session.delete(person)
            counts.pruned += 1
        for person in self.people:
            if person.household_id in doomed_home_ids:
                person.household_id = None
        await self.session.flush()
        for household in doomed_homes:
            await self.session.delete(household)
            self.summary["households"].pruned += 1
        await self.session.flush()

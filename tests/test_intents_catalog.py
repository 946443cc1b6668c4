"""The catalog: the bundled default loads; a broken file is refused naming entry and field."""

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from intents import CatalogError, load_catalog
from intents.catalog import BUNDLED_CATALOG

DEFAULT_IDS = [
    "water_leak",
    "water_supply",
    "drainage",
    "power",
    "elevator",
    "lighting",
    "parking",
    "ev_charging",
    "sanitation",
    "illegal_construction",
    "road_damage",
    "noise",
    "greenery",
    "fire_safety",
    "gas",
    "heating",
    "property_mgmt",
    "public_facility",
    "pets",
    "neighbor_dispute",
    "security",
]


def test_default_catalog_has_the_21_categories_in_order() -> None:
    catalog = load_catalog(BUNDLED_CATALOG)
    assert catalog.ids == tuple(DEFAULT_IDS)
    for category in catalog.categories:
        assert set(category.names) == {"zh-CN", "zh-TW", "en"}, category.id
        assert category.problems and category.topics, category.id
        assert category.sla.ack < category.sla.resolve, category.id
    assert catalog.get("gas").urgency == "urgent"
    assert catalog.get("gas").sla.ack == timedelta(minutes=30)
    assert catalog.get("elevator").urgent_cues


def test_environment_variable_chooses_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = yaml.safe_load(BUNDLED_CATALOG.read_text(encoding="utf-8"))
    data["categories"] = [c for c in data["categories"] if c["id"] != "pets"]
    data["categories"][0]["names"]["zh-CN"] = "房屋漏水"
    data["categories"][0]["sla"]["ack"] = "1h"
    custom = tmp_path / "catalog.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("GRIDBOT_CATALOG_FILE", str(custom))
    catalog = load_catalog()
    assert "pets" not in catalog
    assert catalog.get("water_leak").name() == "房屋漏水"
    assert catalog.get("water_leak").sla.ack == timedelta(hours=1)


def _broken(tmp_path: Path, change: str, value: object) -> str:
    data = yaml.safe_load(BUNDLED_CATALOG.read_text(encoding="utf-8"))
    entry = data["categories"][3]
    if value is None:
        del entry[change]
    else:
        entry[change] = value
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        load_catalog(path)
    return str(error.value)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("urgency", "very", "category 'power': urgency"),
        ("duplicate_scope", "street", "category 'power': duplicate_scope"),
        ("sla", {"ack": "soon", "resolve": "1d"}, "category 'power': sla.ack"),
        ("sla", None, "category 'power': sla"),
        ("names", {"fr": "électricité"}, "category 'power': names"),
        ("problems", ["停电", "*跳闸"], "category 'power': problems[1]"),
        ("id", "Power Cut", "categories[3]: id"),
        ("id", "water_leak", "category 'water_leak': id: appears twice"),
    ],
)
def test_broken_entries_are_named(tmp_path: Path, field: str, value: object, expected: str) -> None:
    assert expected in _broken(tmp_path, field, value)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("categories: [\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_catalog(bad)
    bad.write_text("cues: {shout: [x]}\ncategories: []\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="unknown kind 'shout'"):
        load_catalog(bad)

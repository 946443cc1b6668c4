"""Roster import: the community YAML and resident lists (CSV, XLSX) into the roster tables.

Runs on a SQLite file and, when GRIDBOT_TEST_DATABASE_URL is set, on PostgreSQL too: each
PostgreSQL test gets a database of its own (created and dropped here), so parallel test runs
against the same server do not see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from sqlalchemy import func, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, col, select
from typer.testing import CliRunner

from bot.cli_org import org_app
from storage.database import async_url, create_engine
from storage.models import (
    Building,
    Chat,
    Community,
    Department,
    Grid,
    Household,
    Identity,
    Person,
    RoleGrant,
    Ticket,
    utc_now,
)
from storage.repository import Database
from storage.roster import (
    ImportSummary,
    RosterError,
    RosterPlan,
    apply_roster,
    normalize_phone,
    parse_owner,
    parse_roster,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "bot" / "sample" / "community.yaml"
DATA = Path(__file__).with_name("data") / "roster"
TABLES: tuple[type[SQLModel], ...] = (
    Community,
    Grid,
    Building,
    Household,
    Person,
    Identity,
    RoleGrant,
    Department,
    Chat,
)
SAMPLE_COUNTS = {
    "community": 1,
    "grid": 2,
    "building": 3,
    "household": 8,
    "person": 17,
    "identity": 9,
    "rolegrant": 8,
    "department": 3,
    "chat": 3,
}


# databases ---------------------------------------------------------------------------------------
async def _fresh_postgres(base: str) -> tuple[str, str | None]:
    """A new empty database on the server of base (dropped afterwards), else base emptied."""
    name = f"gridbot_roster_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(async_url(base)).set(database=name).render_as_string(hide_password=False)
        return url, name
    except Exception:  # no CREATEDB privilege: empty the given database instead
        async with admin.begin() as connection:
            await connection.run_sync(SQLModel.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        return base, None
    finally:
        await admin.dispose()


async def _drop_postgres(base: str, name: str) -> None:
    """Drop a database made by _fresh_postgres."""
    admin = create_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def roster_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'roster.db'}"
        return
    base = os.environ.get("GRIDBOT_TEST_DATABASE_URL")
    if not base:
        reason = (
            "PostgreSQL variant needs GRIDBOT_TEST_DATABASE_URL "
            "(e.g. postgresql://postgres@127.0.0.1:5432/test)"
        )
        if os.environ.get("GRIDBOT_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    url, created = await _fresh_postgres(base)
    try:
        yield url
    finally:
        if created is not None:
            await _drop_postgres(base, created)


@pytest.fixture
async def db(roster_url: str) -> AsyncIterator[Database]:
    """A migrated database over roster_url."""
    database = await Database.open(roster_url)
    try:
        yield database
    finally:
        await database.close()


# helpers -----------------------------------------------------------------------------------------
async def table_counts(db: Database) -> dict[str, int]:
    """Rows per roster table."""
    counts: dict[str, int] = {}
    async with db.unit() as store:
        for model in TABLES:
            statement = select(func.count()).select_from(model)
            counts[str(model.__tablename__)] = int((await store.session.exec(statement)).one())
    return counts


async def run_import(
    db: Database, path: Path, grid: str | None = None, prune: bool = False
) -> ImportSummary:
    """Parse and apply a file in one unit of work."""
    plan = parse_roster(path, grid=grid)
    async with db.unit() as store:
        return await apply_roster(store, plan, prune=prune)


async def person_named(db: Database, name: str) -> Person:
    """The one person with this name."""
    async with db.unit() as store:
        people = await store.people_named(name)
    assert len(people) == 1, f"{name}: {len(people)} people"
    return people[0]


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    """Dump a community mapping as YAML."""
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def sample_data() -> dict[str, Any]:
    """The bundled demo community as a mapping, to modify."""
    data: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return data


def errors_of(path: Path, grid: str | None = None) -> list[str]:
    """The errors parse_roster reports for a file."""
    with pytest.raises(RosterError) as caught:
        parse_roster(path, grid=grid)
    return caught.value.errors


# the sample --------------------------------------------------------------------------------------
async def test_sample_yaml_imports_with_counts_and_roles(db: Database) -> None:
    summary = await run_import(db, SAMPLE)

    assert await table_counts(db) == SAMPLE_COUNTS
    assert summary["people"].created == 17
    assert summary["households"].created == 8
    assert summary["roles"].created == 8
    async with db.unit() as store:
        community = (await store.session.exec(select(Community))).one()
        assert (community.name, community.street, community.district) == (
            "阳光苑社区",
            "姚孟街道",
            "湛河区",
        )
        assert [g.name for g in await store.grids()] == ["阳光苑第一网格", "阳光苑第二网格"]
        assert [p.name for p in await store.holders("grid_leader", "grid", "G01")] == ["高艳娜"]
        assert [p.name for p in await store.holders("grid_leader", "grid", "G02")] == ["马俊"]
        assert [p.name for p in await store.holders("building_leader", "building", "29")] == [
            "吕建国"
        ]
        assert [p.name for p in await store.holders("staff", "community")] == ["陈培霞", "李明"]
        assert [p.name for p in await store.holders("liaison", "department", "住建")] == ["赵磊"]
        secretary = (await store.session.exec(select(RoleGrant).where(RoleGrant.title != ""))).all()
        assert {(r.role, r.title) for r in secretary} == {
            ("staff", "secretary"),
            ("staff", "staff"),
        }
        department = await store.department_for("elevator")
        assert department is not None and department.name == "住建"
        assert department.categories == ["elevator", "water_leak", "gas", "heating"]
        liaison = await store.person(department.liaison_id or 0)
        assert liaison is not None and liaison.name == "赵磊"
        leader = await store.person_by_identity("telegram", "1001")
        assert leader is not None and leader.name == "高艳娜"
        assert leader.phone == "13800000001" and leader.household_id is None
        resident = await store.person_by_identity("telegram", "29035021")
        assert resident is not None and resident.name == "吕新安" and resident.confirmed
        flat = await store.household(resident.household_id or 0)
        assert flat is not None
        assert (flat.building_id, flat.unit, flat.room, flat.area_m2) == ("29", "3", "502", 89.5)
        tenant = (await store.people_named("周丽"))[0]
        assert tenant.owner is False and tenant.household_id is not None
        assert {c.chat_id for c in await store.chats_for("grid", "G01")} == {"-1001001"}
        assert {c.chat_id for c in await store.chats_for("building", "29")} == {"-1002901"}
        building = await store.building("31")
        assert building is not None and building.grid_id == "G02"
        phones = (await store.session.exec(select(Person.phone))).all()
        assert len(set(phones)) == 17 and all(p and len(p) == 11 for p in phones)


async def test_reimport_is_idempotent_and_updates_names_and_areas(
    db: Database, tmp_path: Path
) -> None:
    await run_import(db, SAMPLE)
    again = await run_import(db, SAMPLE)

    assert await table_counts(db) == SAMPLE_COUNTS
    assert not again.changed
    assert again["people"].unchanged == 17 and again["households"].unchanged == 8

    data = sample_data()
    flat = data["grids"][0]["buildings"][0]["households"][0]
    flat["area_m2"] = 90.0
    flat["residents"][0]["name"] = "吕新"  # matched by phone, renamed
    data["grids"][1]["name"] = "阳光苑二网格"
    data["staff"][0]["role"] = "书记"
    changed = await run_import(db, write_yaml(tmp_path / "changed.yaml", data))

    assert await table_counts(db) == SAMPLE_COUNTS
    assert changed["households"].updated == 1 and changed["households"].created == 0
    assert changed["people"].updated == 1 and changed["people"].created == 0
    assert changed["grids"].updated == 1 and changed["roles"].updated == 1
    renamed = await person_named(db, "吕新")
    async with db.unit() as store:
        home = await store.household(renamed.household_id or 0)
        assert home is not None and home.area_m2 == 90.0
        grid = await store.grid("G02")
        assert grid is not None and grid.name == "阳光苑二网格"


async def test_people_match_by_platform_id_and_leaders_merge_with_residents(
    db: Database, tmp_path: Path
) -> None:
    data = sample_data()
    leader = data["grids"][0]["leader"]
    # the grid leader also lives in building 30: one person, leader and resident
    data["grids"][0]["buildings"][1]["households"][0]["residents"].append(
        {"name": leader["name"], "phone": leader["phone"], "owner": False}
    )
    await run_import(db, write_yaml(tmp_path / "merged.yaml", data))
    counts = await table_counts(db)
    assert counts["person"] == 17
    gao = await person_named(db, "高艳娜")
    assert gao.household_id is not None and gao.owner is False

    # no phone this time: 吕建国 is found by his telegram id, and gets a wechat account
    building_leader = data["grids"][0]["buildings"][0]["leader"]
    del building_leader["phone"]
    building_leader["wechat"] = "oLvJianGuo"
    summary = await run_import(db, write_yaml(tmp_path / "ids.yaml", data))
    assert summary["people"].created == 0
    assert summary["identities"].created == 1
    lv = await person_named(db, "吕建国")
    assert lv.phone == "13800000106"  # a phone the file leaves out is kept
    async with db.unit() as store:
        assert {i.platform for i in await store.identities(lv.id or 0)} == {"telegram", "wechat"}


# lists -------------------------------------------------------------------------------------------
async def test_csv_with_bom_groups_households(db: Database) -> None:
    await run_import(db, SAMPLE)
    summary = await run_import(db, DATA / "residents_g01.csv", grid="G01")

    assert summary["buildings"].created == 1 and summary["buildings"].unchanged == 1
    assert summary["households"].created == 2 and summary["households"].unchanged == 2
    assert summary["people"].created == 3 and summary["people"].unchanged == 3
    counts = await table_counts(db)
    assert counts["household"] == 10 and counts["person"] == 20
    async with db.unit() as store:
        flat = (
            await store.session.exec(
                select(Household).where(Household.building_id == "32", Household.room == "101")
            )
        ).one()
        assert flat.unit == "" and flat.area_m2 == 60.5
        residents = (
            await store.session.exec(
                select(Person).where(Person.household_id == flat.id).order_by(col(Person.name))
            )
        ).all()
        assert sorted(p.name for p in residents) == ["孙大伟", "孙小红"]
        assert all(p.owner for p in residents)
        wechat = await store.person_by_identity("wechat", "oX_sunxiaohong")
        assert wechat is not None and wechat.phone == "13800000120"
        wecom = await store.person_by_identity("wecom", "sundawei")
        assert wecom is not None and wecom.name == "孙大伟"
        building = await store.building("32")
        assert building is not None and building.grid_id == "G01"
    qian = await person_named(db, "钱多多")
    assert qian.owner is False

    again = await run_import(db, DATA / "residents_g01.csv", grid="G01")
    assert not again.changed and await table_counts(db) == counts  # 钱多多 (no ids) not doubled


async def test_xlsx_with_grid_column_and_numeric_cells(db: Database, tmp_path: Path) -> None:
    await run_import(db, SAMPLE)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        ["Grid", "Building", "Unit", "Room", "Area_m2", "Name", "Phone", "Owner", "Telegram"]
    )
    sheet.append(["G01", 30, 1, 201, 95.0, "王芳", 13800000112, "是", 30012011])
    sheet.append(["G01", 30, 1, 201, None, "王小芳", 13800000130, "否", None])
    sheet.append(["G02", 31, 1, 102, 101.5, "赵军", 13800000115, True, None])
    sheet.append(["G02", 33, None, 5, 70, "郑华", "13800000131", "n", None])
    sheet.append([None] * 9)  # blank rows are skipped
    path = tmp_path / "residents.xlsx"
    workbook.save(path)

    summary = await run_import(db, path)

    assert summary["households"].created == 1  # 33--5
    assert summary["households"].updated == 1  # 31-1-102: 100.0 -> 101.5
    assert summary["households"].unchanged == 1  # 30-1-201
    assert summary["people"].created == 2 and summary["people"].unchanged == 2
    assert summary["identities"].created == 1
    counts = await table_counts(db)
    assert counts["household"] == 9 and counts["person"] == 19 and counts["building"] == 4
    wang = await person_named(db, "王芳")
    daughter = await person_named(db, "王小芳")
    assert wang.household_id == daughter.household_id and daughter.owner is False
    async with db.unit() as store:
        assert (await store.person_by_identity("telegram", "30012011")) is not None
        home = await store.household(daughter.household_id or 0)
        assert home is not None and (home.building_id, home.unit, home.room) == ("30", "1", "201")
        new_building = await store.building("33")
        assert new_building is not None and new_building.grid_id == "G02"
    zheng = await person_named(db, "郑华")
    assert zheng.owner is False


# errors ------------------------------------------------------------------------------------------
async def test_bad_csv_reports_rows_and_changes_nothing(db: Database) -> None:
    await run_import(db, SAMPLE)
    before = await table_counts(db)

    errors = errors_of(DATA / "bad_residents.csv")

    assert errors == [
        "row 2: phone '1380000010' is not a mainland mobile number (11 digits starting with 1)",
        "row 3: missing room",
        "row 4: owner 'maybe' is not one of true/false/是/否/1/0/y/n",
        "row 4: building 29 is in grid G02 here but in grid G01 at row 2 "
        "(building ids are unique within the community)",
        "row 5: no grid (fill the grid column or pass --grid)",
        "row 6: area_m2 must be greater than 0, got -5",
    ]
    assert await table_counts(db) == before


async def test_bad_yaml_reports_paths(db: Database) -> None:
    errors = errors_of(DATA / "bad_community.yaml")

    expected = [
        "top level: unknown key 'mayor'",
        "departments[0].categories[1]: unknown category 'flying_saucers'",
        "grids[0].leader: phone '12345' is not a mainland mobile number",
        "grids[0].buildings[0].households[0]: missing room",
        "grids[0].buildings[0].households[1].residents[0]: telegram 9101 already belongs to "
        "王强 (departments[0].liaison), not 吕新安",
        "grids[0].buildings[0].households[2].residents[0]: owner 'maybe'",
        "grids[1].buildings[0]: building 29 is already listed at grids[0].buildings[0]",
    ]
    for message in expected:
        assert any(error.startswith(message) for error in errors), (message, errors)
    assert len(errors) == len(expected)
    assert all(count == 0 for count in (await table_counts(db)).values())


async def test_clash_with_the_database_rolls_everything_back(db: Database, tmp_path: Path) -> None:
    await run_import(db, SAMPLE)
    before = await table_counts(db)
    path = tmp_path / "clash.csv"
    path.write_text(
        "grid,building,room,name\nG01,40,101,新住户\nG09,41,101,某人\nG02,29,101,又一人\n",
        encoding="utf-8",
    )
    plan = parse_roster(path)  # valid on its own

    with pytest.raises(RosterError) as caught:
        async with db.unit() as store:
            await apply_roster(store, plan, prune=True)

    assert caught.value.errors == [
        "row 3: grid G09 does not exist; import the community YAML that defines it first",
        "row 4: building 29 belongs to grid G01, not G02",
    ]
    assert await table_counts(db) == before


@pytest.mark.parametrize(
    ("name", "content", "grid", "expected"),
    [
        ("a.csv", "building,room,name,floor\n1,101,甲,3\n", "G01", "row 1: unknown column 'floor'"),
        ("b.csv", "building,room\n1,101\n", "G01", "row 1: missing column name"),
        ("c.csv", "building,room,name\n1,101,甲\n", None, "row 1: no grid column; pass --grid"),
        (
            "d.csv",
            "building,room,name,telegram\n1,101,甲,77\n1,102,乙,77\n",
            "G01",
            "row 3: telegram 77 already belongs to 甲 (row 2), not 乙",
        ),
        (
            "e.csv",
            "building,room,name,phone\n1,101,甲,13800000001\n1,102,甲,13800000001\n",
            "G01",
            "row 3: 甲 is already listed in household 1-101 (row 2)",
        ),
        ("f.csv", "building,room,name,owner\n1,101,甲,maybe\n", "G01", "row 2: owner 'maybe'"),
        ("g.csv", "building,room,name\n1,101,甲\n1,101,甲\n", "G01", "row 3: 甲 is already"),
        ("h.csv", "building,room,name,area_m2\n1,101,甲,big\n", "G01", "row 2: area_m2 'big'"),
        ("i.csv", "building,room,name\n1,101,\n", "G01", "row 2: missing name"),
        ("j.csv", "building,room,name\n,101,甲\n", "G01", "row 2: missing building"),
        ("k.csv", "building,room,name\n", "G01", "the file lists no residents"),
        ("l.txt", "building,room,name\n", "G01", "expected a .yaml, .csv or .xlsx file"),
        (
            "m.yaml",
            "community: x\ngrids: [{id: G01, name: g, leader: {name: 甲}}]\n",
            None,
            "grids[0].leader: 甲 needs a phone or a telegram, wechat or wecom id",
        ),
        ("n.yaml", "community: x\ngrids: []\n", None, "grids: the community needs at least one"),
        (
            "o.yaml",
            "community: x\ngrids: [{id: G01, name: g, leader: {name: 甲, telegram: 1}}]\n",
            "G01",
            "--grid applies to CSV and XLSX lists",
        ),
        (
            "p.yaml",
            "community: x\ndepartments: [{name: a, categories: [power]}, "
            "{name: b, categories: [power]}]\n"
            "grids: [{id: G01, name: g, leader: {name: 甲, telegram: 1}}]\n",
            None,
            "departments[1].categories[0]: power already belongs to a",
        ),
        (
            "q.yaml",
            "community: x\ngrids: [{id: G01, name: g, leader: {name: 甲, telegram: 1},"
            " chats: [{platform: telegram, chat_id: -5}],"
            " buildings: [{id: 1, chats: [{platform: telegram, chat_id: -5}]}]}]\n",
            None,
            "grids[0].buildings[0].chats[0]: telegram chat -5 is already bound to grid G01",
        ),
    ],
)
def test_invalid_files_are_refused(
    tmp_path: Path, name: str, content: str, grid: str | None, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    errors = errors_of(path, grid=grid)
    assert any(expected in error for error in errors), errors


def test_values_are_normalised() -> None:
    assert normalize_phone("+86 138-0000-0001") == "13800000001"
    assert normalize_phone(13800000001.0) == "13800000001"
    assert normalize_phone("23800000001") is None and normalize_phone("1380000000") is None
    for word in ("true", "TRUE", "是", "1", "y", "Y", "", None, True, 1):
        assert parse_owner(word) is True, word
    for word in ("false", "否", "0", "n", "N", False, 0):
        assert parse_owner(word) is False, word
    assert parse_owner("maybe") is None


def test_chinese_headers_are_understood(tmp_path: Path) -> None:
    path = tmp_path / "中文.csv"
    path.write_text(
        "楼栋,单元,房号,面积,姓名,手机,业主\n29,3,502,89.5,吕新安,13800000107,是\n",
        encoding="utf-8-sig",
    )
    plan: RosterPlan = parse_roster(path, grid="G01")
    assert [h.key for h in plan.households] == [("29", "3", "502")]
    assert plan.people[0].phone == "13800000107"


# prune -------------------------------------------------------------------------------------------
async def test_prune_removes_what_is_gone_but_keeps_ticket_people(
    db: Database, tmp_path: Path
) -> None:
    await run_import(db, SAMPLE)
    reporter = await person_named(db, "王芳")  # 30-1-201, about to disappear from the file
    async with db.unit() as store:
        now = utc_now()
        store.add(
            Ticket(
                category="water_leak",
                text="楼上漏水",
                grid_id="G01",
                building="30",
                reporter_id=reporter.id or 0,
                created_at=now,
                level_since=now,
            )
        )

    data = sample_data()
    data["grids"][0]["buildings"][1]["households"] = []  # building 30 empty: 王芳, 陈杰 gone
    building_29 = data["grids"][0]["buildings"][0]
    del building_29["leader"]  # 吕建国 (telegram 2901) gone
    del building_29["chats"]
    building_29["households"][2]["residents"].pop()  # 周丽 moved out
    path = write_yaml(tmp_path / "smaller.yaml", data)

    plain = await run_import(db, path)  # without --prune nothing is deleted
    assert all(c.pruned == 0 for c in plain.counts.values())
    assert await table_counts(db) == SAMPLE_COUNTS

    pruned = await run_import(db, path, prune=True)

    assert pruned["households"].pruned == 2
    assert pruned["people"].pruned == 3 and pruned["people"].kept == 1
    assert pruned["identities"].pruned == 1
    assert pruned["roles"].pruned == 1
    assert pruned["chats"].pruned == 1
    counts = await table_counts(db)
    assert counts["household"] == 6 and counts["person"] == 14
    assert counts["rolegrant"] == 7 and counts["chat"] == 2 and counts["identity"] == 8
    kept = await person_named(db, "王芳")
    assert kept.id == reporter.id and kept.household_id is None
    async with db.unit() as store:
        assert await store.people_named("陈杰") == []
        assert await store.people_named("周丽") == []
        assert await store.holders("building_leader", "building", "29") == []
        assert await store.identity("telegram", "2901") is None
        assert await store.building("30") is not None  # grids and buildings are never pruned

    again = await run_import(db, path, prune=True)
    assert not again.changed and await table_counts(db) == counts


async def test_prune_of_a_list_stays_within_its_grid(db: Database, tmp_path: Path) -> None:
    await run_import(db, SAMPLE)
    path = tmp_path / "g02.csv"
    path.write_text(
        "building,unit,room,area_m2,name,phone\n31,1,101,100,李娜,13800000114\n", encoding="utf-8"
    )

    summary = await run_import(db, path, grid="G02", prune=True)

    assert summary["households"].pruned == 1 and summary["people"].pruned == 1  # 赵军, 31-1-102
    counts = await table_counts(db)
    assert counts["household"] == 7 and counts["person"] == 16
    assert counts["rolegrant"] == 8 and counts["chat"] == 3  # a list carries no roles or chats
    async with db.unit() as store:
        assert await store.people_named("赵军") == []
        assert len(await store.people_named("刘洋")) == 1  # G01 untouched


# the command -------------------------------------------------------------------------------------
def test_cli_import(roster_url: str, tmp_path: Path) -> None:
    runner = CliRunner()

    first = runner.invoke(org_app, ["import", str(SAMPLE), "--database-url", roster_url])
    assert first.exit_code == 0, first.output
    assert "community.yaml: imported" in first.output
    assert "households" in first.output

    listed = runner.invoke(
        org_app,
        ["import", str(DATA / "residents_g01.csv"), "--grid", "G01", "--database-url", roster_url],
    )
    assert listed.exit_code == 0, listed.output

    bad = runner.invoke(
        org_app, ["import", str(DATA / "bad_residents.csv"), "--database-url", roster_url]
    )
    assert bad.exit_code == 1
    assert "6 problem(s); nothing was changed" in bad.output
    assert "row 3: missing room" in bad.output

    again = runner.invoke(org_app, ["import", str(SAMPLE), "--database-url", roster_url])
    assert again.exit_code == 0, again.output
    assert "already up to date" in again.output

    smaller = sample_data()
    smaller["grids"].pop()  # G02's leader, chat and households
    path = write_yaml(tmp_path / "smaller.yaml", smaller)
    pruned = runner.invoke(org_app, ["import", str(path), "--prune", "--database-url", roster_url])
    assert pruned.exit_code == 0, pruned.output
    assert "imported" in pruned.output

    missing = runner.invoke(org_app, ["import", str(tmp_path / "nope.csv"), "--grid", "G01"])
    assert missing.exit_code == 1 and "no such file" in missing.output

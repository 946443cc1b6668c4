"""Shared fixtures: a migrated database on SQLite, and on PostgreSQL when one is configured.

PostgreSQL tests read GRIDBOT_TEST_DATABASE_URL. Without it they skip with the reason, unless
GRIDBOT_REQUIRE_SERVICES=1 (set by .ci/run), where a missing or unreachable server fails.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from storage.database import create_engine
from storage.repository import Database

REQUIRE_SERVICES = os.environ.get("GRIDBOT_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> NoReturn:
    """A test server is missing: skip with the reason, or fail when services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(reason)
    pytest.skip(reason)


def service_url(variable: str, what: str) -> str:
    """The test server's URL, or skip (fail in CI) with a clear reason."""
    url = os.environ.get(variable)
    if not url:
        unavailable(f"{what} tests need {variable} (e.g. set by .ci/run)")
    return url


async def _reset_postgres(url: str) -> None:
    """Drop every gridbot table so the migrations start from nothing."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    except OSError as exc:
        unavailable(f"PostgreSQL at {url} is unreachable: {exc}")
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = service_url("GRIDBOT_TEST_DATABASE_URL", "PostgreSQL")
        await _reset_postgres(url)
    db = await Database.open(url)
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated SQLite database, for tests that are not about the backend."""
    db = await Database.open(f"sqlite:///{tmp_path / 'test.db'}")
    try:
        yield db
    finally:
        await db.close()

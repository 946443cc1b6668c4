"""Poll figures: tallying a 10,000-household poll, and 2,000 votes arriving within a minute."""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from fractions import Fraction

from rich.console import Console
from rich.table import Table

from handlers.rules.voting import Rule, Voter, tally

console = Console()
HOUSEHOLDS = 10_000
BURST = 2_000  # votes
CONCURRENCY = 50  # button presses in flight at once, as from a busy group


def pure_tally_ms(rule: Rule, rounds: int = 5) -> float:
    """Best time of `tally` over 10,000 households (areas with cents), 80% voting."""
    rng = random.Random(5030)
    electorate = [Voter(h, Fraction(rng.randint(4000, 16000), 100)) for h in range(HOUSEHOLDS)]
    votes = {h: rng.choice((0, 0, 0, 1, 2)) for h in range(HOUSEHOLDS) if rng.random() < 0.8}
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        tally(rule, 3, electorate, votes)
        best = min(best, time.perf_counter() - started)
    return best * 1000


async def _community(url: str, households: int) -> tuple[object, list[str]]:
    """A database with one grid of `households` flats, one confirmed owner each, and the grid
    leader 高艳娜; the residents' names."""
    from storage.models import Building, Grid, Household, Identity, Person, RoleGrant
    from storage.repository import Database
    from tests.dialog import PLATFORM

    database = await Database.open(url)
    per_building = 500
    async with database.unit() as store:
        store.add(Grid(id="G01", name="bench"))
        await store.flush()
        store.add(*(Building(id=str(b), grid_id="G01") for b in range(households // per_building)))
        await store.flush()
        homes = [
            Household(building_id=str(i // per_building), unit="1", room=str(i), area_m2=89.5)
            for i in range(households)
        ]
        store.add(*homes)
        leader = Person(name="高艳娜")
        store.add(leader)
        await store.flush()
        people = [Person(name=f"r{h.id}", household_id=h.id) for h in homes]
        store.add(*people)
        await store.flush()
        store.add(
            RoleGrant(
                person_id=leader.id or 0, role="grid_leader", scope_kind="grid", scope_id="G01"
            ),
            Identity(platform=PLATFORM, external_id="高艳娜", person_id=leader.id or 0),
            *(Identity(platform=PLATFORM, external_id=p.name, person_id=p.id or 0) for p in people),
        )
    return database, [p.name for p in people]


async def _timed(action: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def stored_poll(url: str) -> dict[str, str]:
    """Open a 10,000-household poll, take 2,000 votes in concurrent presses, tally it all."""
    from handlers.polls import ballot_data
    from storage.repository import Database
    from tests.dialog import Dialog

    database, residents = await _community(url, HOUSEHOLDS)
    assert isinstance(database, Database)
    try:
        dialog = Dialog(database)
        opening = await _timed(
            lambda: dialog.say(
                "高艳娜",
                "/poll 是否同意加装电梯 | 同意 | 反对 | 弃权 --rule civil-code --scope grid:G01",
            )
        )
        voters = random.Random(2000).sample(residents, BURST)
        gate = asyncio.Semaphore(CONCURRENCY)
        failed = 0

        async def press(name: str, index: int) -> None:
            nonlocal failed
            async with gate:
                replies = await dialog.press(name, ballot_data(1, index % 3))
            failed += not replies or "已记录" not in replies[0].text

        burst = await _timed(lambda: asyncio.gather(*(press(n, i) for i, n in enumerate(voters))))
        async with database.unit() as store:
            poll = await store.polls.poll(1)
            assert poll is not None
            counted = len(await store.polls.votes(1))
            trail = sum(e.action == "vote" for e in await store.polls.events(1))
            started = time.perf_counter()
            result = await dialog.router.polls.desk.result(store, poll)
            stored_tally = time.perf_counter() - started
        return {
            "open (electorate of 10,000 fixed)": f"{opening * 1000:,.0f} ms",
            f"{BURST:,} votes, {CONCURRENCY} at a time": (
                f"{burst:.1f} s ({BURST / burst:,.0f} votes/s)"
                f"{' — within a minute' if burst < 60 else ' — OVER a minute'}"
            ),
            "votes counted / in the trail / refused": f"{counted:,} / {trail:,} / {failed}",
            "tally from the database (load + count)": (
                f"{stored_tally * 1000:,.0f} ms, turnout {result.voted_households:,}"
            ),
        }
    finally:
        await database.close()


def poll_benchmarks(reset_postgres: Callable[[str], Awaitable[None]]) -> None:
    """Print the poll figures on SQLite, and on PostgreSQL when GRIDBOT_TEST_DATABASE_URL is set
    (emptied with `reset_postgres` before and after)."""
    table = Table(
        title=f"tallying {HOUSEHOLDS:,} households in memory (exact fractions), best of 5"
    )
    table.add_column("rule")
    table.add_column("time")
    for rule in Rule:
        table.add_row(rule.value, f"{pure_tally_ms(rule):.1f} ms")
    console.print(table)
    backends: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        backends.append(("SQLite (file)", f"sqlite:///{folder}/polls.db"))
        url = os.environ.get("GRIDBOT_TEST_DATABASE_URL")
        if url:
            backends.append(("PostgreSQL", url))
        for name, target in backends:
            if name == "PostgreSQL":
                asyncio.run(reset_postgres(target))
            figures = asyncio.run(stored_poll(target))
            if name == "PostgreSQL":
                asyncio.run(reset_postgres(target))
            stored = Table(title=f"a {HOUSEHOLDS:,}-household poll through the router, {name}")
            stored.add_column("step")
            stored.add_column("figure")
            for step, figure in figures.items():
                stored.add_row(step, figure)
            console.print(stored)
    if not os.environ.get("GRIDBOT_TEST_DATABASE_URL"):
        console.print("PostgreSQL poll figures not measured: set GRIDBOT_TEST_DATABASE_URL")

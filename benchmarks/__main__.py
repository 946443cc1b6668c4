"""`python -m benchmarks`: intent engine speed and memory, ticket throughput, poll tallies and
vote bursts, Telegram inbound and outbound rates, demo start-up."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from benchmarks.polls import poll_benchmarks
from benchmarks.wechat_callbacks import callback_table
from intents import Matcher, load_catalog
from intents.catalog import BUNDLED_CATALOG, parse_catalog

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = (ROOT / "tests" / "data", ROOT / "intents" / "training")
console = Console()


def corpus() -> list[str]:
    """Every message the repository holds: reports, chatter, chit-chat."""
    texts = []
    for path in sorted(p for folder in MESSAGES for p in folder.glob("*.jsonl")):
        texts += [
            json.loads(line)["text"]
            for line in path.read_text("utf-8").splitlines()
            if line.strip()
        ]
    return texts


def generated_catalog(size: int) -> dict[str, Any]:
    """A catalog of `size` categories made from the default ones, each with distinct phrases."""
    data = yaml.safe_load(BUNDLED_CATALOG.read_text(encoding="utf-8"))
    base = data["categories"]
    marks = [chr(0x4E00 + 37 * i) for i in range(size)]  # a distinct character per copy
    categories = []
    for index in range(size):
        entry = dict(base[index % len(base)])
        if index >= len(base):
            mark = marks[index]
            entry["id"] = f"{entry['id']}_{index}"
            for field in ("problems", "topics"):
                entry[field] = [
                    f"{mark}{phrase}" if "*" not in phrase else phrase
                    for phrase in entry.get(field) or []
                ]
        categories.append(entry)
    return {**data, "categories": categories}


LOAD_SCRIPT = """
import time
started = time.perf_counter()
from intents import Matcher, load_catalog
Matcher.with_context(load_catalog())
print(time.perf_counter() - started)
"""


def cold_load_seconds() -> float:
    """Loading the catalog and dictionaries in a fresh process, imports included (best of 3)."""
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", LOAD_SCRIPT],
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(3)
    ]
    return min(runs)


def _timed_pass(matcher: Matcher, texts: list[str]) -> tuple[float, list[int]]:
    """Seconds for one pass over the texts, and each message's nanoseconds."""
    for text in texts[:200]:  # warm the per-character reading cache
        matcher.match(text)
    latencies = []
    started = time.perf_counter()
    for text in texts:
        begin = time.perf_counter_ns()
        matcher.match(text)
        latencies.append(time.perf_counter_ns() - begin)
    return time.perf_counter() - started, latencies


def bench_matcher(
    label: str, build: Callable[[], Matcher], texts: list[str], passes: int = 3
) -> list[str]:
    """Build time and memory, throughput and latency percentiles of one matcher on one core:
    the best of a few passes, each by a fresh matcher, as timeit takes the best of its runs
    (a slower pass measures what else the machine was doing)."""
    gc.collect()
    tracemalloc.start()
    build()
    _, peak_load = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    build()
    load = time.perf_counter() - started
    elapsed, latencies = min(_timed_pass(build(), texts) for _ in range(passes))
    latencies.sort()
    p50 = latencies[len(latencies) // 2] / 1e6
    p99 = latencies[int(len(latencies) * 0.99)] / 1e6
    rate = len(latencies) / elapsed
    return [
        label,
        f"{load * 1000:.0f} ms",
        f"{rate:,.0f}/s",
        f"{p50:.3f} ms",
        f"{p99:.3f} ms",
        f"{statistics.mean(latencies) / 1e6:.3f} ms",
        f"{peak_load / 2**20:.1f} MiB",
    ]


def intent_benchmarks() -> None:
    """The intent engine on the default catalog and on 200 generated categories."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    texts = corpus()
    table = Table(title=f"intent engine, one core, {len(texts)} distinct messages")
    for column in ("catalog", "build", "throughput", "p50", "p99", "mean", "build memory"):
        table.add_column(column)
    table.add_row(
        *bench_matcher("default (21)", lambda: Matcher.with_context(load_catalog()), texts)
    )
    big = parse_catalog(generated_catalog(200))
    table.add_row(*bench_matcher("generated (200)", lambda: Matcher.with_context(big), texts))
    console.print(table)
    console.print(f"cold start (imports, catalog, dictionaries): {cold_load_seconds():.2f} s")


async def ticket_rate(url: str, count: int = 300) -> float:
    """Tickets created per second through the router (match, locate, store, outbox)."""
    from storage.repository import Database
    from tests.dialog import Dialog, build_community

    database = await Database.open(url)
    try:
        await build_community(database)
        dialog = Dialog(database)
        residents = ["吕新安", "周强", "刘洋", "李娜"]
        problems = [
            "楼顶漏水了",
            "楼道灯坏了",
            "电梯又坏了",
            "垃圾没人收",
            "暖气不热",
            "井盖丢了",
            "下水道堵了",
            "门禁坏了",
        ]
        started = time.perf_counter()
        for index in range(count):
            who = residents[index % len(residents)]
            # distinct buildings' flats keep these from joining one another as duplicates
            says = f"{problems[index % len(problems)]} {index}号楼"
            await dialog.say(who, says)
        return count / (time.perf_counter() - started)
    finally:
        await database.close()


async def _reset_postgres(url: str) -> None:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    from storage.database import create_engine

    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()


def ticket_benchmarks() -> None:
    """Tickets per second on SQLite, and on PostgreSQL when GRIDBOT_TEST_DATABASE_URL is set."""
    table = Table(title="tickets created per second (router → ticket → outbox, one commit each)")
    table.add_column("database")
    table.add_column("tickets/s")
    with tempfile.TemporaryDirectory() as folder:
        rate = asyncio.run(ticket_rate(f"sqlite:///{folder}/bench.db"))
        table.add_row("SQLite (file)", f"{rate:,.0f}")
    url = os.environ.get("GRIDBOT_TEST_DATABASE_URL")
    if url:
        asyncio.run(_reset_postgres(url))
        table.add_row("PostgreSQL", f"{asyncio.run(ticket_rate(url)):,.0f}")
        asyncio.run(_reset_postgres(url))
    else:
        table.add_row("PostgreSQL", "not measured: set GRIDBOT_TEST_DATABASE_URL")
    console.print(table)


def demo_startup() -> None:
    """Wall time of `gridbot demo` replaying an empty script (start-up and shutdown)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as script:
        script.write("/quit\n")
        script.flush()
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot.cli", "demo", "--script", script.name],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
            runs.append(time.perf_counter() - started)
    console.print(f"demo start-up (process start to exit, best of 3): {min(runs):.2f} s")


def main() -> None:
    """Print every figure."""
    from benchmarks.telegram import telegram_benchmarks

    intent_benchmarks()
    ticket_benchmarks()
    console.print(callback_table())
    poll_benchmarks(_reset_postgres)
    telegram_benchmarks()
    demo_startup()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"peak resident memory of this benchmark process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()

"""`gridbot demo`: one person plays every role of the ticket loop in the terminal.

Commands: /as NAME (become someone), /group TEXT (write in your building's group chat),
/wait 5h (move the clock; escalations fall due), /people, /quit. A number presses a button.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.adapters.console import PLATFORM, ConsoleFrontend
from bot.app import App
from handlers.ports import ManualClock
from storage.models import Chat, Household, Identity, Person
from storage.repository import Store
from storage.roster import apply_roster, parse_roster

SAMPLE = Path(__file__).with_name("sample")
COMMUNITY = SAMPLE / "community.yaml"
WALKTHROUGH = SAMPLE / "walkthrough.txt"
_WAIT = re.compile(r"^(\d+)\s*([mhd])$")


class DemoSession:
    """A console conversation over a real App (SQLite, outbox, scheduler) and a movable clock."""

    def __init__(
        self, app: App, frontend: ConsoleFrontend, clock: ManualClock, write: Callable[[str], None]
    ) -> None:
        self.app = app
        self.frontend = frontend
        self.clock = clock
        self.write = write
        self.current = "吕新安"
        self.groups: dict[str, str] = {}  # person -> their building's console group chat

    async def setup(self) -> None:
        """Load the sample community and give every person a console identity and group."""
        plan = parse_roster(COMMUNITY)
        async with self.app.database.unit() as store:
            await apply_roster(store, plan, prune=False)
            await self._console_accounts(store)

    async def _console_accounts(self, store: Store) -> None:
        """Console identities by name, and one console group chat per building and grid."""
        people = (await store.session.exec(select(Person))).all()
        for person in people:
            if await store.identity(PLATFORM, person.name) is None:
                store.add(
                    Identity(
                        platform=PLATFORM,
                        external_id=person.name,
                        person_id=person.id or 0,
                        private_chat=True,
                    )
                )
            if person.household_id:
                household = await store.session.get(Household, person.household_id)
                if household:
                    self.groups[person.name] = f"{household.building_id}号楼群"
        for grid in await store.grids():
            name = f"{grid.id}网格群"
            if await store.chat(PLATFORM, name) is None:
                store.add(
                    Chat(platform=PLATFORM, chat_id=name, scope_kind="grid", scope_id=grid.id)
                )
        for group in set(self.groups.values()):
            if await store.chat(PLATFORM, group) is None:
                store.add(
                    Chat(
                        platform=PLATFORM,
                        chat_id=group,
                        scope_kind="building",
                        scope_id=group.removesuffix("号楼群"),
                    )
                )

    async def play(self, lines: Iterable[str]) -> None:
        """Feed lines one by one, as if typed."""
        for line in lines:
            if not await self.step(line):
                break

    async def step(self, line: str) -> bool:
        """Handle one typed line; False when the person asked to quit."""
        line = line.strip()
        if not line or line.startswith("#"):
            if line:
                self.write(f"\n{line}")
            return True
        if line in ("/quit", "/exit"):
            return False
        if line.startswith("/as "):
            self.current = line[4:].strip()
            self.write(f"\n——— 现在您是 {self.current} ———")
            return True
        if line.startswith("/wait "):
            await self._wait(line[6:].strip())
            return True
        if line == "/people":
            self.write("可扮演：" + "、".join([*sorted(self.groups), "高艳娜", "陈培霞", "王强"]))
            return True
        group = None
        if line.startswith("/group "):
            group, line = self.groups.get(self.current, "G01网格群"), line[7:].strip()
        where = f" @ {group}" if group else ""
        self.write(f"{self.current}{where} ▸ {line}")
        message = self.frontend.inbound(self.current, line, group)
        replies = await self.app.router.handle(message)
        self.frontend.answer(message.chat_id, replies)
        await self._deliver()
        return True

    async def _wait(self, amount: str) -> None:
        """Move the clock, then let the scheduler apply what fell due."""
        match = _WAIT.match(amount)
        if not match:
            self.write("用法：/wait 30m | 5h | 3d")
            return
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        self.clock.advance(timedelta(**{unit: int(match.group(1))}))
        self.write(f"\n⏰ 时间过去了 {amount}")
        await self.app.scheduler.tick()
        await self._deliver()

    async def _deliver(self) -> None:
        """Deliver everything the last step queued."""
        while await self.app.sender.deliver_due():
            pass


async def run_demo(lines: list[str] | None, database_url: str | None = None) -> None:
    """Start on a fresh SQLite database with the sample community; play lines or read input."""
    import tempfile

    from bot.settings import Settings

    with tempfile.TemporaryDirectory(prefix="gridbot-demo-") as folder:
        url = database_url or f"sqlite:///{folder}/demo.db"
        settings = Settings(database_url=url, media_dir=Path(folder) / "media")
        clock = ManualClock(datetime.now(UTC).replace(second=0, microsecond=0))
        frontend = ConsoleFrontend(print)
        app = await App.build(settings, [frontend], clock)
        session = DemoSession(app, frontend, clock, print)
        try:
            await session.setup()
            print(
                "gridbot 演示：阳光苑社区。/as 姓名 切换身份，/group 文字 在楼栋群发言，"
                "/wait 5h 让时间流逝，数字 按按钮，/quit 退出。"
            )
            if lines is not None:
                await session.play(lines)
                return
            print(f"——— 现在您是 {session.current}（29号楼3单元502的居民）———")
            while True:
                try:
                    line = await asyncio.to_thread(input, f"{session.current}> ")
                except EOFError:
                    break
                if not await session.step(line):
                    break
        finally:
            await app.close()

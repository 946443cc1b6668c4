"""Dialog tests through a stub front end: [(who, says), …] in, what the bot answers out.

The stub is the second implementation of the Frontend port (the console is the first); it
records every delivery and can be told to refuse a chat, as a platform would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.delivery import Delivery, Sender, TemporaryFailure, Unreachable
from bot.scheduler import Scheduler
from handlers.messages import Inbound, Reply
from handlers.ports import ManualClock
from handlers.router import Router
from handlers.tickets import TicketDesk
from intents import Matcher, load_catalog
from storage.models import (
    Building,
    Chat,
    Department,
    Grid,
    Household,
    Identity,
    Person,
    RoleGrant,
)
from storage.repository import Database

PLATFORM = "stub"
ZONE_NAME = "Asia/Shanghai"


@dataclass
class StubFrontend:
    """Records deliveries; chats in `unreachable` refuse like Telegram's 403."""

    platform: str = PLATFORM
    sent: list[Delivery] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    busy: int = 0  # this many sends fail with a 429 first
    total: int = 0  # messages accepted so far (their ids are m1, m2, …)
    edits: list[tuple[str, Delivery]] = field(default_factory=list)  # (message id, new content)

    async def send(self, delivery: Delivery) -> str:
        if delivery.chat_id in self.unreachable:
            raise Unreachable(f"403: bot can't initiate conversation with {delivery.chat_id}")
        if self.busy:
            self.busy -= 1
            raise TemporaryFailure("429: too many requests", retry_after=3)
        self.sent.append(delivery)
        self.total += 1
        return f"m{self.total}"

    async def edit(self, delivery: Delivery, message_id: str) -> str:
        if delivery.chat_id in self.unreachable:
            raise Unreachable(f"403: bot can't initiate conversation with {delivery.chat_id}")
        self.edits.append((message_id, delivery))
        return message_id

    def to(self, chat_id: str) -> list[str]:
        """Texts delivered to one chat."""
        return [d.text for d in self.sent if d.chat_id == chat_id]

    def take(self) -> list[Delivery]:
        """Deliveries so far, forgetting them."""
        sent, self.sent = self.sent, []
        return sent


async def build_community(database: Database) -> None:
    """A small community: two grids, three buildings, leaders, staff and two departments."""
    async with database.unit() as store:
        store.add(Grid(id="G01", name="阳光苑第一网格"), Grid(id="G02", name="阳光苑第二网格"))
        await store.flush()
        store.add(
            Building(id="29", grid_id="G01"),
            Building(id="30", grid_id="G01"),
            Building(id="31", grid_id="G02"),
        )
        await store.flush()
        homes = {
            key: Household(building_id=b, unit=u, room=r, area_m2=89.5)
            for key, (b, u, r) in {
                "29-3-502": ("29", "3", "502"),
                "29-3-601": ("29", "3", "601"),
                "29-1-101": ("29", "1", "101"),
                "31-1-101": ("31", "1", "101"),
            }.items()
        }
        store.add(*homes.values())
        await store.flush()
        people = {
            "吕新安": Person(name="吕新安", phone="13800000101", household_id=homes["29-3-502"].id),
            "周强": Person(name="周强", phone="13800000102", household_id=homes["29-3-601"].id),
            "刘洋": Person(name="刘洋", phone="13800000103", household_id=homes["29-1-101"].id),
            "李娜": Person(name="李娜", phone="13800000104", household_id=homes["31-1-101"].id),
            "高艳娜": Person(name="高艳娜", phone="13800000001"),
            "马俊": Person(name="马俊", phone="13800000002"),
            "陈培霞": Person(name="陈培霞", phone="13800000009"),
            "王强": Person(name="王强", phone="13800000010"),
            "赵磊": Person(name="赵磊", phone="13800000011", language="en"),
        }
        store.add(*people.values())
        await store.flush()
        for name, person in people.items():
            store.add(
                Identity(
                    platform=PLATFORM, external_id=name, person_id=person.id or 0, private_chat=True
                )
            )
        store.add(
            RoleGrant(
                person_id=people["高艳娜"].id or 0,
                role="grid_leader",
                scope_kind="grid",
                scope_id="G01",
            ),
            RoleGrant(
                person_id=people["马俊"].id or 0,
                role="grid_leader",
                scope_kind="grid",
                scope_id="G02",
            ),
            RoleGrant(
                person_id=people["陈培霞"].id or 0,
                role="staff",
                scope_kind="community",
                title="secretary",
            ),
            RoleGrant(
                person_id=people["王强"].id or 0,
                role="liaison",
                scope_kind="department",
                scope_id="城管",
            ),
            RoleGrant(
                person_id=people["赵磊"].id or 0,
                role="liaison",
                scope_kind="department",
                scope_id="住建",
            ),
            Department(
                name="城管",
                categories=["illegal_construction", "road_damage"],
                liaison_id=people["王强"].id,
            ),
            Department(name="住建", categories=["elevator", "gas"], liaison_id=people["赵磊"].id),
            Chat(platform=PLATFORM, chat_id="g29", scope_kind="building", scope_id="29"),
            Chat(platform=PLATFORM, chat_id="gG01", scope_kind="grid", scope_id="G01"),
        )


class Dialog:
    """The handlers, sender and scheduler over a database, driven by names and a manual clock."""

    def __init__(self, database: Database) -> None:
        from zoneinfo import ZoneInfo

        self.database = database
        self.clock = ManualClock()
        self.catalog = load_catalog()
        self.desk = TicketDesk(self.catalog, ZoneInfo(ZONE_NAME))
        self.router = Router(database, self.desk, Matcher.with_context(self.catalog), self.clock)
        self.frontend = StubFrontend()
        self.sender = Sender(database, [self.frontend], self.clock)
        self.scheduler = Scheduler(database, self.desk, self.clock)
        self._ids = 0

    def message(
        self,
        who: str,
        says: str = "",
        group: str | None = None,
        button: str | None = None,
        **extra: object,
    ) -> Inbound:
        """What `who` did, as the project's inbound message."""
        self._ids += 1
        return Inbound(
            platform=PLATFORM,
            chat_id=group or who,
            chat_kind="group" if group else "private",
            sender_id=who,
            sender_name=who,
            text=says,
            message_id=str(self._ids),
            button=button,
            **extra,
        )  # type: ignore[arg-type]

    async def say(self, who: str, says: str, group: str | None = None) -> list[Reply]:
        """`who` writes; the bot's immediate replies."""
        return await self.router.handle(self.message(who, says, group))

    async def press(self, who: str, data: str, group: str | None = None) -> list[Reply]:
        """`who` presses a button carrying `data`."""
        return await self.router.handle(self.message(who, group=group, button=data))

    async def deliver(self) -> list[Delivery]:
        """Run the sender until the outbox is empty; what was delivered."""
        while await self.sender.deliver_due():
            pass
        return self.frontend.take()

    async def run(self, script: list[tuple[str, str]]) -> None:
        """A dialog: (who, says) lines, each followed by ("bot", expected part of the answer)
        and ("→name", expected part of a notification to name)."""
        replies: list[str] = []
        deliveries: list[Delivery] = []
        for who, line in script:
            if who == "bot":
                assert any(line in r for r in replies), f"{line!r} not in {replies!r}"
            elif who.startswith("→"):
                target = who[1:]
                texts = [d.text for d in deliveries if d.chat_id == target]
                assert any(line in t for t in texts), f"{line!r} not sent to {target}: {texts!r}"
            else:
                group = None
                if who.endswith("@g29") or who.endswith("@gG01"):
                    who, group = who.split("@")
                replies = [r.text for r in await self.say(who, line, group)]
                deliveries = await self.deliver()

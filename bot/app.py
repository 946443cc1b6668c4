"""Application wiring: settings -> database, catalog, matcher, handlers, sender, scheduler."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.delivery import Frontend, Sender
from bot.scheduler import Scheduler
from bot.settings import Settings
from handlers.ports import Clock, SystemClock
from handlers.router import Router
from handlers.tickets import TicketDesk
from intents import Matcher, load_catalog
from storage.media import MediaStore
from storage.repository import Database

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


class MaskPhones(logging.Filter):
    """Logs never show a whole mobile number: 138****0001."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the message after formatting its arguments."""
        message = record.getMessage()
        masked = _PHONE.sub(r"\1****\2", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str) -> None:
    """Plain log lines with phone numbers masked."""
    handler = logging.StreamHandler()
    handler.addFilter(MaskPhones())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)


@dataclass
class App:
    """Everything a running gridbot holds."""

    settings: Settings
    database: Database
    desk: TicketDesk
    router: Router
    sender: Sender
    scheduler: Scheduler
    clock: Clock
    media: MediaStore  # adapters download photos here and pass the paths in Inbound.photos

    @classmethod
    async def build(
        cls, settings: Settings, frontends: Sequence[Frontend] = (), clock: Clock | None = None
    ) -> App:
        """Open the database (migrating it), load the catalog, wire the layers."""
        clock = clock or SystemClock()
        catalog = load_catalog(settings.catalog_file)
        database = await Database.open(settings.database_url)
        desk = TicketDesk(catalog, settings.zone)
        matcher = Matcher.with_context(catalog, settings.context_model_file)
        router = Router(database, desk, matcher, clock)
        return cls(
            settings,
            database,
            desk,
            router,
            Sender(database, frontends, clock),
            Scheduler(database, desk, clock),
            clock,
            MediaStore(settings.media_dir),
        )

    async def close(self) -> None:
        """Release the database."""
        await self.database.close()

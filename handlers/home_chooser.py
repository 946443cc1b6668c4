"""Choosing one's home with buttons (building, unit, flat) where the platform has buttons: the
chosen flat becomes a home claim, which the grid leader confirms (handlers/registration.py).

Button data, untrusted and parsed strictly:
  h:b:<building>           the units of a building (or its flats, when it has no units)
  h:u:<building>:<unit>    the flats of a unit
  h:f:<household>          claim this flat
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from handlers.messages import Button, Buttons, Reply
from handlers.registration import HomeClaim, Registrar
from handlers.texts import text
from handlers.tickets import TicketDesk
from intents import Location
from storage.models import Household, Person
from storage.repository import Store

PER_ROW = 4


def _rows(buttons: Sequence[Button]) -> Buttons:
    """Buttons laid out PER_ROW to a row."""
    return tuple(tuple(buttons[i : i + PER_ROW]) for i in range(0, len(buttons), PER_ROW))


class HomeChooser:
    """The chooser's steps; each one replaces the message that carried the buttons."""

    def __init__(self, desk: TicketDesk, registrar: Registrar) -> None:
        self.desk = desk
        self.registrar = registrar

    async def offer(self, store: Store, language: str) -> Reply | None:
        """The building chooser, or None when the roster has no buildings."""
        buildings = await store.buildings()
        if not buildings:
            return None
        buttons = [
            Button(text(language, "place.building", building=b.id), f"h:b:{b.id}")
            for b in buildings
        ]
        return Reply(text(language, "register.choose_building"), buttons=_rows(buttons))

    async def choose(self, store: Store, person: Person, step: str, now: datetime) -> list[Reply]:
        """One step of the chooser; ValueError for data no step of it produced."""
        language = person.language
        if person.confirmed:
            return [Reply(text(language, "register.already"), alert=True)]
        kind, _, rest = step.partition(":")
        if kind == "b":
            households = await store.households_in(rest)
            units = sorted({h.unit for h in households})
            if len(units) > 1:
                buttons = [
                    Button(text(language, "place.unit", unit=u).strip(), f"h:u:{rest}:{u}")
                    for u in units
                ]
                return [Reply(text(language, "register.choose_unit"), _rows(buttons), edit=True)]
            return [self._flats(households, language)]
        if kind == "u":
            building, _, unit = rest.partition(":")
            return [self._flats(await store.households_in(building, unit), language)]
        if kind == "f":
            household = await store.household(int(rest))
            if household is not None:
                claim = HomeClaim(household.building_id, household.unit, household.room)
                replies = await self.registrar.claim(store, person, claim, now)
                return [replace(reply, edit=True) for reply in replies]
        raise ValueError(step)

    def _flats(self, households: Sequence[Household], language: str) -> Reply:
        """The flats to choose from."""
        if not households:
            return Reply(text(language, "register.no_flats"), edit=True)
        buttons = [Button(self._place(h, language), f"h:f:{h.id}") for h in households]
        return Reply(text(language, "register.choose_room"), _rows(buttons), edit=True)

    def _place(self, household: Household, language: str) -> str:
        """29号楼3单元502室."""
        location = Location(household.building_id, household.unit or None, household.room)
        return self.desk.place(location, language)

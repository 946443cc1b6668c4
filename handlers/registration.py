"""Registering by home: "29-3-502" from someone the roster does not know, confirmed by the
grid leader of that building (a typed claim proves nothing until someone who knows says so)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from handlers.messages import Reply
from handlers.texts import text
from handlers.tickets import TicketDesk
from intents import Location
from storage.models import Household, Outbox, PendingRegistration, Person
from storage.repository import Store

HOME = re.compile(
    r"^\s*(\w{1,8})\s*[-－—]\s*(?:(\w{1,4})\s*[-－—]\s*)?(\w{1,6})(?:\s+(\S{1,20}))?\s*$"
)


@dataclass(frozen=True, slots=True)
class HomeClaim:
    """ "29-3-502 张三": where the sender says they live, and (optionally) their name."""

    building: str
    unit: str
    room: str
    name: str = ""

    @property
    def home(self) -> str:
        """29-3-502, as it was written."""
        return "-".join(part for part in (self.building, self.unit, self.room) if part)


def parse_home(body: str) -> HomeClaim | None:
    """A claim from "29-3-502", "29-3-502 张三" or "30-201" (no unit); None otherwise."""
    found = HOME.match(body)
    if found is None:
        return None
    building, unit, room, name = found.groups()
    return HomeClaim(building, unit or "", room, name or "")


class Registrar:
    """Home claims and the leaders' answers to them."""

    def __init__(self, desk: TicketDesk) -> None:
        self.desk = desk

    async def claim(
        self, store: Store, person: Person, claim: HomeClaim, now: datetime
    ) -> list[Reply]:
        """Ask the building's grid leader (else the staff) to confirm that the sender lives
        there; the sender hears that the question was asked."""
        language = person.language
        household = await store.household_at(claim.building, claim.unit, claim.room)
        if household is None:
            return [Reply(text(language, "register.home_unknown", home=claim.home))]
        if await store.open_registration(person.id or 0) is not None:
            return [Reply(text(language, "register.home_waiting"))]  # one claim at a time
        if claim.name:
            person.name = claim.name
            store.add(person)
        building = await store.building(household.building_id)
        deciders = (
            list(await store.holders("grid_leader", "grid", building.grid_id)) if building else []
        )
        deciders = deciders or list(await store.holders("staff", "community"))
        if not deciders:
            return [Reply(text(language, "register.home_nobody"))]
        pending = PendingRegistration(
            person_id=person.id or 0, household_id=household.id or 0, created_at=now
        )
        store.add(pending)
        await store.flush()
        for leader in deciders:
            body = text(
                leader.language,
                "register.confirm_ask",
                name=person.name,
                place=self._place(household, leader.language),
            )
            buttons = [
                [
                    {"label": text(leader.language, "button.confirm"), "data": f"g:{pending.id}:y"},
                    {"label": text(leader.language, "button.deny"), "data": f"g:{pending.id}:n"},
                ]
            ]
            store.add(
                Outbox(
                    person_id=leader.id,
                    text=body,
                    buttons=buttons,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        return [
            Reply(text(language, "register.home_asked", place=self._place(household, language)))
        ]

    async def decide(
        self, store: Store, leader: Person, pending_id: int, yes: bool, now: datetime
    ) -> list[Reply]:
        """A leader confirms or denies a home claim, once; the claimant is told."""
        language = leader.language
        pending = await store.session.get(PendingRegistration, pending_id)
        if pending is None or pending.decided:
            return [Reply(text(language, "register.confirm_expired"), alert=True)]
        household = await store.household(pending.household_id)
        building = await store.building(household.building_id) if household else None
        grants = await store.roles(leader.id or 0)
        allowed = any(
            g.role == "staff"
            or (g.role == "grid_leader" and building and g.scope_id == building.grid_id)
            for g in grants
        )
        claimant = await store.person(pending.person_id)
        if not allowed or household is None or claimant is None:
            return [Reply(text(language, "refused.not_allowed"), alert=True)]
        if claimant.confirmed:  # registered another way meanwhile (a phone number)
            pending.decided = True
            store.add(pending)
            return [Reply(text(language, "register.confirm_expired"), alert=True)]
        pending.decided = True
        store.add(pending)
        place = self._place(household, claimant.language)
        if yes:
            claimant = await self._settle(store, claimant, household)
            key = "register.done"
        else:
            key = "register.home_denied"
        store.add(
            Outbox(
                person_id=claimant.id,
                text=text(claimant.language, key, name=claimant.name, place=place),
                created_at=now,
                next_attempt_at=now,
            )
        )
        answer = "register.confirmed" if yes else "register.denied"
        return [Reply(text(language, answer, name=claimant.name), alert=True)]

    @staticmethod
    async def _settle(store: Store, claimant: Person, household: Household) -> Person:
        """The confirmed claimant: the household's roster resident of that name (accounts
        folded in), else a new member of the household."""
        accounts = {i.platform for i in await store.identities(claimant.id or 0)}
        for resident in await store.people_named(claimant.name):
            if resident.id == claimant.id or resident.household_id != household.id:
                continue
            if accounts & {i.platform for i in await store.identities(resident.id or 0)}:
                continue  # that resident has an account there already: not the same person
            await store.merge_person(claimant.id or 0, resident.id or 0)
            return resident
        claimant.household_id, claimant.confirmed, claimant.owner = household.id, True, False
        store.add(claimant)
        return claimant

    def _place(self, household: Household, language: str) -> str:
        location = Location(household.building_id, household.unit or None, household.room)
        return self.desk.place(location, language)

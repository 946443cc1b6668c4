"""Ticket use cases: report, act (受理/进度/办结/上报/转派/关闭), rate, and the clock's steps.

Each call works inside the caller's unit of work: the rows it changes and the notifications it
queues (outbox) are committed together. Nothing here sends a message or knows the platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.messages import Button, Buttons, buttons_to_json
from handlers.rules.duplicates import same_place
from handlers.rules.sla import Clocked, due_step, next_check
from handlers.rules.tickets import MAX_LEVEL, Action, Rating, Refusal, Role, State, decide
from handlers.texts import format_time, text
from intents import Catalog, Location, Sla
from storage.models import Follower, Outbox, Person, Ticket, TicketEvent, TicketPhoto
from storage.repository import Store

LEADER_ACTIONS = (
    (Action.ACKNOWLEDGE, Action.PROGRESS, Action.RESOLVE),
    (Action.ESCALATE, Action.REASSIGN),
)
FALLBACK_SLA = Sla(ack=timedelta(hours=4), resolve=timedelta(days=3))
RATING_CHOICES = {"1": Rating.SATISFIED, "2": Rating.BASICALLY, "3": Rating.UNSATISFIED}


@dataclass(frozen=True, slots=True)
class Where:
    """Where a report is: the place, and the grid that owns it."""

    location: Location
    grid_id: str | None


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    """A new ticket, or an existing one the reporter now follows."""

    ticket: Ticket
    joined: bool
    already_following: bool = False


class TicketDesk:
    """The ticket loop over one catalog; stateless between calls."""

    def __init__(self, catalog: Catalog, zone: ZoneInfo) -> None:
        self.catalog = catalog
        self.zone = zone

    # reading ----------------------------------------------------------------------------------
    def category_name(self, category: str, language: str) -> str:
        """A category's display name; ids dropped from the catalog still read as themselves."""
        return self.catalog.get(category).name(language) if category in self.catalog else category

    @staticmethod
    def place(ticket: Ticket | Location, language: str) -> str:
        """29号楼3单元502室, in the reader's language."""
        parts = []
        if ticket.building:
            parts.append(text(language, "place.building", building=ticket.building))
        if ticket.unit:
            parts.append(text(language, "place.unit", unit=ticket.unit))
        if ticket.room:
            parts.append(text(language, "place.room", room=ticket.room))
        return "".join(parts) or text(language, "place.unknown")

    async def roles(self, store: Store, person: Person, ticket: Ticket) -> frozenset[Role]:
        """How a person relates to a ticket, by the roster (never by the platform)."""
        roles: set[Role] = set()
        if ticket.assignee_id == person.id:
            roles.add(Role.ASSIGNEE)
        if ticket.reporter_id == person.id:
            roles.add(Role.REPORTER)
        for grant in await store.roles(person.id or 0):
            if grant.role == "staff":
                roles.add(Role.STAFF)
            elif grant.role == "grid_leader" and grant.scope_id == ticket.grid_id:
                roles.add(Role.GRID_LEADER)
            elif grant.role == "liaison" and ticket.department_id is not None:
                department = await store.department(ticket.department_id)
                if department and department.name == grant.scope_id:
                    roles.add(Role.DEPARTMENT)
        return frozenset(roles)

    async def can_see(self, store: Store, person: Person, ticket: Ticket) -> bool:
        """Residents see their own and followed tickets; leaders and staff their scope's."""
        return bool(
            await self.roles(store, person, ticket)
            or await store.is_follower(ticket.id or 0, person.id or 0)
        )

    # reporting --------------------------------------------------------------------------------
    async def locate(
        self, store: Store, reporter: Person, said: Location, chat_scope: tuple[str, str] | None
    ) -> Where:
        """The report's place: from the message, else the reporter's home, else the chat."""
        location = said
        if not location.building and reporter.household_id:
            household = await store.household(reporter.household_id)
            if household:
                location = Location(household.building_id, household.unit or None, household.room)
        if not location.building and chat_scope and chat_scope[0] == "building":
            location = Location(building=chat_scope[1])
        grid_id: str | None = None
        if location.building:
            building = await store.building(location.building)
            if building:
                grid_id = building.grid_id
        if grid_id is None and chat_scope and chat_scope[0] == "grid":
            grid_id = chat_scope[1]
        if grid_id is None and reporter.household_id:
            household = await store.household(reporter.household_id)
            building = await store.building(household.building_id) if household else None
            grid_id = building.grid_id if building else None
        return Where(location, grid_id)

    async def report(
        self,
        store: Store,
        reporter: Person,
        category: str,
        message: str,
        where: Where,
        urgent: bool,
        now: datetime,
        *,
        source: tuple[str, str, str],
        photos: tuple[str, ...] = (),
    ) -> ReportOutcome:
        """Open a ticket, or join the open ticket for the same problem as a follower."""
        entry = self.catalog.get(category)
        for ticket in await store.open_tickets(where.grid_id, category):
            ticket_place = Location(ticket.building, ticket.unit, ticket.room)
            if not same_place(entry.duplicate_scope, where.location, ticket_place):
                continue
            if ticket.reporter_id == reporter.id or await store.is_follower(
                ticket.id or 0, reporter.id or 0
            ):
                return ReportOutcome(ticket, joined=True, already_following=True)
            store.add(
                Follower(
                    ticket_id=ticket.id or 0,
                    person_id=reporter.id or 0,
                    text=message,
                    joined_at=now,
                )
            )
            self._record(store, ticket, reporter, Action.FOLLOW, message, now)
            await self._add_photos(store, ticket, reporter, photos, now)
            return ReportOutcome(ticket, joined=True)

        urgent = urgent or entry.urgency == "urgent"
        assignee = await self._grid_leader(store, where.grid_id)
        ticket = Ticket(
            category=category,
            text=message,
            state=State.NEW.value,
            level=2 if urgent else 1,
            urgent=urgent,
            grid_id=where.grid_id,
            building=where.location.building,
            unit=where.location.unit,
            room=where.location.room,
            reporter_id=reporter.id or 0,
            assignee_id=assignee.id if assignee else None,
            source_platform=source[0],
            source_chat_id=source[1],
            source_message_id=source[2],
            created_at=now,
            level_since=now,
        )
        store.add(ticket)
        await store.flush()
        self._schedule(ticket, has_department=False)
        self._record(store, ticket, reporter, Action.REPORT, message, now)
        await self._add_photos(store, ticket, reporter, photos, now)
        deadline = format_time(now + entry.sla.ack, self.zone)
        recipients = [assignee] if assignee else []
        if urgent or not assignee:
            recipients += [
                p for p in await store.holders("staff", "community") if p not in recipients
            ]
        for person in recipients:
            self._notify(
                store,
                person,
                ticket,
                "leader.new",
                now,
                buttons=self.leader_buttons(ticket, person.language),
                card=True,
                urgent=text(person.language, "leader.urgent_mark") if urgent else "",
                reporter=reporter.name,
                text=message,
                deadline=deadline,
            )
        return ReportOutcome(ticket, joined=False)

    async def add_photo(
        self, store: Store, ticket: Ticket, person: Person, path: str, now: datetime
    ) -> None:
        """A later photo for a ticket (a reply to the report)."""
        await self._add_photos(store, ticket, person, (path,), now)

    # acting -----------------------------------------------------------------------------------
    async def act(
        self,
        store: Store,
        actor: Person,
        ticket_id: int,
        action: Action,
        now: datetime,
        note: str = "",
        rating: Rating | None = None,
    ) -> Ticket:
        """Take an action on a ticket for a person; Refusal says why it is not allowed."""
        ticket = await store.ticket(ticket_id)
        if ticket is None:
            raise Refusal("refused.no_ticket", n=ticket_id)
        roles = await self.roles(store, actor, ticket)
        cards = await store.ticket_cards(ticket_id)  # before this step queues new ones
        if action is Action.REASSIGN:
            await self._reassign(store, actor, ticket, roles, note, now)
            await self.refresh_cards(store, ticket, cards, now)
            return ticket
        if action is Action.PROGRESS and not note:
            raise Refusal(
                "refused.note_required",
                command=text(actor.language, "action.progress"),
                n=ticket_id,
            )
        before = State(ticket.state)
        step = decide(before, ticket.level, action, roles, rating)
        ticket.state = step.state.value
        if action is Action.ACKNOWLEDGE:
            ticket.acknowledged_at = now
        elif action is Action.RESOLVE:
            ticket.resolved_at = now
            note = note or text("zh-CN", "state.resolved")
        elif action is Action.RATE:
            ticket.rating = rating.value if rating else None
        if step.state is State.CLOSED:
            ticket.closed_at = now
        if step.level != ticket.level:
            await self._raise_level(store, ticket, step.level, now, note=note)
        store.add(ticket)
        recorded = rating.value if action is Action.RATE and rating else note
        self._record(store, ticket, actor, action, recorded, now, before)
        await self._announce(store, ticket, actor, action, note, rating, now)
        self._schedule(ticket, has_department=await self._has_department(store, ticket))
        await self.refresh_cards(store, ticket, cards, now)
        return ticket

    async def _reassign(
        self,
        store: Store,
        actor: Person,
        ticket: Ticket,
        roles: frozenset[Role],
        target: str,
        now: datetime,
    ) -> Ticket:
        """转派: to a named person, or to a grid (its leader)."""
        decide(State(ticket.state), ticket.level, Action.REASSIGN, roles)
        target = target.strip()
        if not target:
            raise Refusal("refused.no_assignee", name="")
        grid = await store.grid(target) or await store.grid(target.upper())
        assignee: Person | None = None
        if grid:
            assignee = await self._grid_leader(store, grid.id)
            ticket.grid_id = grid.id
        else:
            named = await store.people_named(target)
            assignee = named[0] if len(named) == 1 else None
        if assignee is None:
            raise Refusal("refused.no_assignee", name=target)
        ticket.assignee_id = assignee.id
        store.add(ticket)
        self._record(store, ticket, actor, Action.REASSIGN, assignee.name, now)
        self._notify(
            store,
            assignee,
            ticket,
            "leader.assigned",
            now,
            buttons=self.leader_buttons(ticket, assignee.language),
            card=True,
            text=ticket.text,
        )
        await self._tell_residents(store, ticket, "update.reassign", now, assignee=assignee.name)
        return ticket

    # the clock --------------------------------------------------------------------------------
    async def tick(self, store: Store, now: datetime) -> int:
        """Apply every step the clock forces now (escalations, reminders, unrated closes)."""
        steps = 0
        for ticket in await store.due_tickets(now):
            has_department = await self._has_department(store, ticket)
            cards, steps_before = await store.ticket_cards(ticket.id or 0), steps
            while (due := due_step(self._clocked(ticket, has_department), now)) is not None:
                steps += 1
                reason = due.reason
                if due.kind == "close_unrated":
                    before = State(ticket.state)
                    ticket.state, ticket.closed_at = State.CLOSED.value, now
                    self._record(store, ticket, None, Action.CLOSE, reason, now, before)
                    await self._tell_residents(
                        store, ticket, "update.close", now, note_key="sla.rating_timeout"
                    )
                    break
                if due.kind == "remind":
                    self._record(store, ticket, None, Action.ESCALATE, reason, now)
                    for person in await store.holders("staff", "community"):
                        self._notify(store, person, ticket, "leader.reminder", now)
                    ticket.level_since = now  # remind again after another ack period
                    break
                await self._raise_level(store, ticket, due.level, now, reason_key=reason)
                self._record(store, ticket, None, Action.ESCALATE, reason, now)
                await self._tell_residents(
                    store, ticket, "update.escalate", now, level_key=f"level.{ticket.level}"
                )
            self._schedule(ticket, has_department)
            store.add(ticket)
            if steps > steps_before:
                await self.refresh_cards(store, ticket, cards, now)
        return steps

    # internals --------------------------------------------------------------------------------
    def leader_buttons(self, ticket: Ticket, language: str) -> Buttons:
        """The ticket loop's action buttons for a leader, with the ticket number in their data."""
        return tuple(
            tuple(
                Button(text(language, f"action.{a.value}"), f"t:{a.value}:{ticket.id}") for a in row
            )
            for row in LEADER_ACTIONS
        )

    def current_buttons(self, ticket: Ticket, roles: frozenset[Role], language: str) -> Buttons:
        """The leader buttons that still apply: the ticket's state and the person's roles."""
        rows = []
        for row in self.leader_buttons(ticket, language):
            kept = tuple(b for b in row if _allowed(ticket, Action(b.data.split(":")[1]), roles))
            if kept:
                rows.append(kept)
        return tuple(rows)

    async def refresh_cards(
        self, store: Store, ticket: Ticket, cards: Sequence[Outbox], now: datetime
    ) -> None:
        """Queue an edit of each leader's card of this ticket, to show where it stands now."""
        for card in cards:
            person = await store.person(card.person_id or 0)
            if person is None:
                continue
            language = person.language
            roles = await self.roles(store, person, ticket)
            body = text(
                language,
                "leader.card",
                n=ticket.id,
                category=self.category_name(ticket.category, language),
                urgent=text(language, "leader.urgent_mark") if ticket.urgent else "",
                place=self.place(ticket, language),
                text=ticket.text,
                state=text(language, f"state.{ticket.state}"),
                level=text(language, f"level.{ticket.level}"),
                assignee=await self._assignee_name(store, ticket, language),
                at=format_time(now, self.zone),
            )
            buttons = self.current_buttons(ticket, roles, language)
            store.add(
                Outbox(
                    person_id=person.id,
                    ticket_id=ticket.id,
                    text=body,
                    buttons=buttons_to_json(buttons),
                    edit_of=card.id,
                    created_at=now,
                    next_attempt_at=now,
                )
            )

    async def _assignee_name(self, store: Store, ticket: Ticket, language: str) -> str:
        """Who handles the ticket, or the community office."""
        person = await store.person(ticket.assignee_id) if ticket.assignee_id else None
        return person.name if person else text(language, "report.no_leader")

    @staticmethod
    def rating_buttons(ticket: Ticket, language: str) -> Buttons:
        """满意 / 基本满意 / 不满意."""
        return (
            tuple(
                Button(
                    f"{digit} {text(language, f'rating.{rating.value}')}", f"r:{ticket.id}:{digit}"
                )
                for digit, rating in RATING_CHOICES.items()
            ),
        )

    async def _grid_leader(self, store: Store, grid_id: str | None) -> Person | None:
        """The grid's leader, or None (then the community office takes the ticket)."""
        if grid_id is None:
            return None
        leaders = await store.holders("grid_leader", "grid", grid_id)
        return leaders[0] if leaders else None

    async def _has_department(self, store: Store, ticket: Ticket) -> bool:
        """Whether a level-3 department answers for this category."""
        return await store.department_for(ticket.category) is not None

    async def _raise_level(
        self,
        store: Store,
        ticket: Ticket,
        level: int,
        now: datetime,
        reason_key: str | None = None,
        note: str = "",
    ) -> None:
        """Move a ticket up and tell the people of the new level (and, if the clock did it,
        the assignee who let it wait)."""
        ticket.level, ticket.level_since = min(level, MAX_LEVEL), now
        recipients: list[Person] = []
        if ticket.level == 2:
            recipients = list(await store.holders("staff", "community"))
        elif ticket.level == 3:
            department = await store.department_for(ticket.category)
            if department:
                ticket.department_id = department.id
                liaison = (
                    await store.person(department.liaison_id) if department.liaison_id else None
                )
                recipients = [liaison] if liaison else []
        if reason_key and ticket.assignee_id:
            assignee = await store.person(ticket.assignee_id)
            if assignee and assignee not in recipients:
                recipients.append(assignee)
        for person in recipients:
            why = text(person.language, reason_key) if reason_key else note
            self._notify(
                store,
                person,
                ticket,
                "leader.escalated",
                now,
                buttons=self.leader_buttons(ticket, person.language),
                card=True,
                level=text(person.language, f"level.{ticket.level}"),
                reason=why,
                text=ticket.text,
            )

    async def _announce(
        self,
        store: Store,
        ticket: Ticket,
        actor: Person,
        action: Action,
        note: str,
        rating: Rating | None,
        now: datetime,
    ) -> None:
        """Tell reporter, followers and (when it concerns them) leaders what just happened."""
        if action is Action.RATE:
            if rating is Rating.UNSATISFIED and ticket.assignee_id:
                assignee = await store.person(ticket.assignee_id)
                if assignee:
                    self._notify(
                        store,
                        assignee,
                        ticket,
                        "leader.reopened",
                        now,
                        buttons=self.leader_buttons(ticket, assignee.language),
                        card=True,
                        note=note or text(assignee.language, "rate.unsatisfied_note"),
                    )
                await self._tell_residents(store, ticket, "update.reopened", now, skip=actor.id)
            return
        if action is Action.ESCALATE:
            await self._tell_residents(
                store, ticket, "update.escalate", now, level_key=f"level.{ticket.level}"
            )
            return
        await self._tell_residents(
            store, ticket, f"update.{action.value}", now, actor=actor.name, note=note
        )
        if action is Action.RESOLVE:
            reporter = await store.person(ticket.reporter_id)
            if reporter:
                self._notify(
                    store,
                    reporter,
                    ticket,
                    "rate.ask",
                    now,
                    buttons=self.rating_buttons(ticket, reporter.language),
                )

    async def _tell_residents(
        self,
        store: Store,
        ticket: Ticket,
        key: str,
        now: datetime,
        skip: int | None = None,
        level_key: str | None = None,
        note_key: str | None = None,
        **params: object,
    ) -> None:
        """Notify the reporter and every follower, each in their own language."""
        # once each: a merged person can be both the reporter and a follower
        people = dict.fromkeys([ticket.reporter_id, *await store.followers(ticket.id or 0)])
        for person_id in people:
            if person_id == skip:
                continue
            person = await store.person(person_id)
            if person is None:
                continue
            extra: dict[str, Any] = dict(params)
            if level_key:
                extra["level"] = text(person.language, level_key)
            if note_key:
                extra["note"] = text(person.language, note_key)
            self._notify(store, person, ticket, key, now, **extra)

    def _notify(
        self,
        store: Store,
        person: Person,
        ticket: Ticket,
        key: str,
        now: datetime,
        buttons: Buttons = (),
        card: bool = False,
        **params: object,
    ) -> None:
        """Queue one notification in the outbox, in the recipient's language; a leader's card
        falls back to the group only as a request to open a private chat, without details."""
        language = person.language
        body = text(
            language,
            key,
            n=ticket.id,
            category=self.category_name(ticket.category, language),
            place=self.place(ticket, language),
            **params,
        )
        store.add(
            Outbox(
                person_id=person.id,
                ticket_id=ticket.id,
                text=body,
                buttons=buttons_to_json(buttons),
                group_text=text(
                    language,
                    "leader.group_invite" if card else "update.group_news",
                    n=ticket.id,
                    name=person.name,
                ),
                card=card,
                created_at=now,
                next_attempt_at=now,
            )
        )

    def _record(
        self,
        store: Store,
        ticket: Ticket,
        actor: Person | None,
        action: Action,
        note: str,
        now: datetime,
        before: State | None = None,
    ) -> None:
        """Append one step to the ticket's trail (一事一记)."""
        store.add(
            TicketEvent(
                ticket_id=ticket.id or 0,
                at=now,
                actor_id=actor.id if actor else None,
                action=action.value,
                note=note,
                from_state=(before or State(ticket.state)).value,
                to_state=ticket.state,
                level=ticket.level,
            )
        )

    async def _add_photos(
        self, store: Store, ticket: Ticket, person: Person, photos: tuple[str, ...], now: datetime
    ) -> None:
        """Attach photos (already in the media store) to a ticket."""
        for path in photos:
            store.add(
                TicketPhoto(ticket_id=ticket.id or 0, path=path, added_by=person.id, added_at=now)
            )

    def _clocked(self, ticket: Ticket, has_department: bool) -> Clocked:
        """The plain data the SLA rules read."""
        # a category dropped from the catalog keeps its open tickets moving on a default SLA
        sla = (
            self.catalog.get(ticket.category).sla
            if ticket.category in self.catalog
            else FALLBACK_SLA
        )
        return Clocked(
            state=State(ticket.state),
            level=ticket.level,
            created_at=ticket.created_at,
            level_since=ticket.level_since,
            acknowledged_at=ticket.acknowledged_at,
            resolved_at=ticket.resolved_at,
            ack=sla.ack,
            resolve=sla.resolve,
            has_department=has_department,
        )

    def _schedule(self, ticket: Ticket, has_department: bool) -> None:
        """Store when the clock must next look at this ticket."""
        ticket.next_check_at = next_check(self._clocked(ticket, has_department))


def _allowed(ticket: Ticket, action: Action, roles: frozenset[Role]) -> bool:
    """Whether the ticket loop's rules let someone with `roles` take `action` now."""
    try:
        decide(State(ticket.state), ticket.level, action, roles)
    except Refusal:
        return False
    return True

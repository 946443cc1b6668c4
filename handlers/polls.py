"""Building decisions (表决): open a poll for a scope, cast and change votes, record paper
ballots, remind those who have not voted, close at the deadline (once), announce the result.

Like the ticket desk, each call works inside the caller's unit of work, and everything that
must reach people is queued in the outbox in the same transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from handlers.messages import Button, Buttons, buttons_to_json
from handlers.rules.poll_form import PollForm, Scope
from handlers.rules.tickets import Refusal
from handlers.rules.voting import Result, Rule, Sides, Test, Voter, exact_area, tally
from handlers.texts import DEFAULT_LANGUAGE, format_time, text
from storage.models import (
    Chat,
    Outbox,
    Person,
    Poll,
    PollEvent,
    PollMessage,
    PollVote,
    PollVoter,
)
from storage.repository import Store

GROUP_LANGUAGE = DEFAULT_LANGUAGE  # a group has no one language: Simplified Chinese
LONG_POLL = timedelta(hours=48)  # from here on the reminder comes a day before the close
REMINDER_LEAD = timedelta(hours=24)
# where a native poll can stand in for the keyboard ballot; other chats get the keyboard
NATIVE_POLL_PLATFORMS = frozenset({"telegram"})
# where residents see no ballot in a group (the Official Account has no groups, WeCom's group
# robots only post): a poll's opening, reminder and result come to them one to one
ONE_TO_ONE_PLATFORMS = frozenset({"wechat", "wecom"})
BALLOT = "v"  # the kind of a ballot button's data
_TRADITIONAL = str.maketrans("對棄權贊", "对弃权赞")  # how 反對, 棄權, 贊成 are typed


@dataclass(frozen=True, slots=True)
class Cast:
    """A vote as it was taken: the first for the household, a change, or a repeat."""

    poll: Poll
    option: int
    previous: int | None


def reminder_time(opened: datetime, closes: datetime) -> datetime:
    """24 h before the close, or at half time for polls shorter than 48 h."""
    if closes - opened >= LONG_POLL:
        return closes - REMINDER_LEAD
    return opened + (closes - opened) / 2


def ballot_data(poll_id: int, option: int) -> str:
    """A ballot button's data: v:<poll>:<option> (0-based)."""
    return f"{BALLOT}:{poll_id}:{option}"


def ballot_poll(buttons: Sequence[Button]) -> int | None:
    """The poll whose ballot these buttons are (every one v:<poll>:<option>), else None."""
    parsed = [b.data.split(":") for b in buttons]
    if not parsed or any(len(p) != 3 or p[0] != BALLOT or not p[1].isdigit() for p in parsed):
        return None
    polls = {int(p[1]) for p in parsed}
    return polls.pop() if len(polls) == 1 else None


def native_answer_data(native_poll_id: str, option: int) -> str:
    """How an adapter hands over an answer to a native platform poll: n:<its id>:<option>."""
    return f"n:{native_poll_id}:{option}"


class PollDesk:
    """Building decisions over the roster; stateless between calls."""

    def __init__(
        self, zone: ZoneInfo, native_platforms: frozenset[str] = NATIVE_POLL_PLATFORMS
    ) -> None:
        self.zone = zone
        self.native_platforms = native_platforms

    # who and where ----------------------------------------------------------------------------
    async def chat_scope(self, store: Store, platform: str, chat_id: str) -> Scope | None:
        """The scope of a bound group chat: its building or its grid."""
        chat = await store.chat(platform, chat_id)
        return Scope(chat.scope_kind, (chat.scope_id,)) if chat else None

    async def may_create(self, store: Store, person: Person, scope: Scope) -> bool:
        """Community staff for any scope; a grid leader within the grid; a building leader
        for their own buildings."""
        grants = await store.roles(person.id or 0)
        if any(g.role == "staff" for g in grants):
            return True
        if scope.kind == "community":
            return False
        grids = {g.scope_id for g in grants if g.role == "grid_leader"}
        if scope.kind == "grid":
            return set(scope.ids) <= grids
        buildings = {g.scope_id for g in grants if g.role == "building_leader"}
        for building_id in scope.ids:
            building = await store.building(building_id)
            if building_id not in buildings and (building is None or building.grid_id not in grids):
                return False
        return True

    async def may_manage(self, store: Store, person: Person, poll: Poll) -> bool:
        """Its creator, and whoever could have created it, may close or cancel a poll."""
        return poll.created_by == person.id or await self.may_create(store, person, scope_of(poll))

    async def chats_of(self, store: Store, scope: Scope) -> list[Chat]:
        """Every group chat of a scope: the buildings' chats, the grids' chats, or all."""
        if scope.kind == "community":
            return list(await store.all_chats())
        chats: dict[tuple[str, str], Chat] = {}
        buildings = list(scope.ids) if scope.kind == "building" else []
        for grid_id in scope.ids if scope.kind == "grid" else []:
            for chat in await store.chats_for("grid", grid_id):
                chats[chat.platform, chat.chat_id] = chat
            buildings += await store.polls.buildings_of(grid_id)
        for building_id in dict.fromkeys(buildings):
            for chat in await store.chats_for("building", building_id):
                chats[chat.platform, chat.chat_id] = chat
        return list(chats.values())

    # opening ----------------------------------------------------------------------------------
    async def open(
        self,
        store: Store,
        creator: Person,
        form: PollForm,
        scope: Scope,
        now: datetime,
        origin: tuple[str, str] = ("", ""),
    ) -> Poll:
        """Open a poll: check the creator's scope, fix the electorate, announce it."""
        if not await self.may_create(store, creator, scope):
            raise Refusal("poll.refused.scope", scope=self.scope_label(scope, creator.language))
        households = await store.polls.households_in(scope.kind, scope.ids)
        if not households:
            raise Refusal("poll.refused.empty", scope=self.scope_label(scope, creator.language))
        poll = Poll(
            question=form.question,
            options=list(form.options),
            rule=form.rule.value,
            approve_option=form.sides.approve if form.sides else None,
            oppose_option=form.sides.oppose if form.sides else None,
            scope_kind=scope.kind,
            scope_ids=list(scope.ids),
            native=form.native,
            created_by=creator.id or 0,
            created_at=now,
            closes_at=form.closes_at,
            remind_at=reminder_time(now, form.closes_at),
            origin_platform=origin[0],
            origin_chat_id=origin[1],
        )
        store.add(poll)
        await store.flush()
        store.polls.add_electorate(poll.id or 0, households)
        self._record(store, poll, creator, "open", now, note=str(scope))
        for chat in await self.chats_of(store, scope):
            native = self._native_in(poll, chat.platform)
            buttons = () if native else self.ballot(poll, GROUP_LANGUAGE)
            # a WeCom group's robot only posts: its members vote one to one
            how = (
                vote_hint(poll, GROUP_LANGUAGE, "poll.vote_hint_private")
                if chat.platform in ONE_TO_ONE_PLATFORMS
                else text(GROUP_LANGUAGE, "poll.card_buttons")
            )
            announcement = self.card(poll, len(households), GROUP_LANGUAGE, how)
            row = self._queue(store, poll, chat, announcement, now, buttons)
            await store.flush()
            store.add(  # the ballot the front end keeps live (or posts as a native poll)
                PollMessage(
                    poll_id=poll.id or 0,
                    platform=chat.platform,
                    chat_id=chat.chat_id,
                    kind="native" if native else "ballot",
                    outbox_id=row.id,
                )
            )
        for person in await self._one_to_one(store, poll):
            how = vote_hint(poll, person.language)  # a chat that may show no buttons
            body = self.card(poll, len(households), person.language, how)
            self._queue(store, poll, person, body, now, self.ballot(poll, person.language))
        return poll

    async def _one_to_one(self, store: Store, poll: Poll) -> Sequence[Person]:
        """The eligible residents of the electorate on a platform without group ballots."""
        return await store.polls.eligible_residents(
            poll.id or 0, Rule(poll.rule).owners_only, on=ONE_TO_ONE_PLATFORMS
        )

    def _native_in(self, poll: Poll, platform: str) -> bool:
        """Whether the poll's ballot on this platform is a native poll."""
        return poll.native and platform in self.native_platforms

    # voting -----------------------------------------------------------------------------------
    async def cast(
        self, store: Store, person: Person, poll_id: int, option: int, now: datetime
    ) -> Cast:
        """A resident's vote for their household; the last vote of any resident counts."""
        poll = await self._open_poll(store, poll_id, now)
        if not 0 <= option < len(poll.options):
            raise Refusal("refused.bad_button")
        if not person.confirmed:
            raise Refusal("poll.refused.unconfirmed")
        voter = (
            await store.polls.voter(poll_id, person.household_id) if person.household_id else None
        )
        if voter is None:
            raise Refusal("poll.refused.not_electorate", n=poll_id)
        if Rule(poll.rule).owners_only and not person.owner:
            raise Refusal("poll.refused.owners_only", n=poll_id)
        return await self._take(store, poll, voter, option, now, person, recorded_by=None)

    async def cast_native(
        self,
        store: Store,
        person: Person,
        platform_poll: tuple[str, str],
        option: int,
        now: datetime,
    ) -> Cast:
        """An answer to a native poll ((platform, its poll id)): the same vote as a button."""
        posted = await store.polls.message_for_native(*platform_poll)
        if posted is None:
            raise Refusal("refused.bad_button")
        return await self.cast(store, person, posted.poll_id, option, now)

    async def paper(
        self,
        store: Store,
        leader: Person,
        poll_id: int,
        address: tuple[str, str, str],
        answer: str,
        note: str,
        now: datetime,
    ) -> tuple[Cast, PollVoter]:
        """A paper or door-to-door ballot (书面征求意见) a leader records for a household."""
        poll = await self._open_poll(store, poll_id, now)
        if not await self.may_manage(store, leader, poll):
            raise Refusal("refused.not_allowed")
        voter = await store.polls.voter_at(poll_id, *address)
        if voter is None:
            raise Refusal("poll.refused.no_household", n=poll_id, address="-".join(address))
        option = option_named(poll, answer)
        if option is None:
            raise Refusal("poll.refused.no_option", answer=answer, options="、".join(poll.options))
        cast = await self._take(
            store, poll, voter, option, now, None, recorded_by=leader, note=note
        )
        return cast, voter

    async def _take(
        self,
        store: Store,
        poll: Poll,
        voter: PollVoter,
        option: int,
        now: datetime,
        person: Person | None,
        recorded_by: Person | None,
        note: str = "",
    ) -> Cast:
        """Store the household's vote (new or changed) and its step in the trail."""
        vote = await store.polls.vote(poll.id or 0, voter.household_id)
        previous = vote.option if vote else None
        if vote is not None and previous == option and recorded_by is None:
            return Cast(poll, option, previous)  # a second press of the same button
        # held open with a write until this unit commits: a close waits for this vote, or
        # this vote sees the close; the hold comes last so votes wait on one another briefly
        if not await store.polls.hold_open(poll.id or 0, now):
            raise Refusal("poll.refused.closed", n=poll.id)
        if vote is None:
            vote = PollVote(poll_id=poll.id or 0, household_id=voter.household_id, option=option)
        vote.option, vote.at = option, now
        vote.person_id = person.id if person else None
        vote.recorded_by = recorded_by.id if recorded_by else None
        store.add(vote)
        action = "paper" if recorded_by else ("vote" if previous is None else "change")
        actor = recorded_by or person
        self._record(store, poll, actor, action, now, voter.household_id, option, note)
        return Cast(poll, option, previous)

    async def _open_poll(self, store: Store, poll_id: int, now: datetime) -> Poll:
        """A poll that still takes votes, as far as can be read (_take makes sure)."""
        poll = await store.polls.poll(poll_id)
        if poll is None:
            raise Refusal("poll.refused.no_poll", n=poll_id)
        if poll.state == "cancelled":
            raise Refusal("poll.refused.cancelled", n=poll_id)
        if poll.state != "open" or now >= poll.closes_at:
            raise Refusal("poll.refused.closed", n=poll_id)
        return poll

    # closing ----------------------------------------------------------------------------------
    async def close(
        self,
        store: Store,
        poll: Poll,
        now: datetime,
        actor: Person | None = None,
        reason: str = "",
        cancel: bool = False,
    ) -> bool:
        """Close (or cancel) an open poll once and announce it; False if it was not open."""
        state = "cancelled" if cancel else "closed"
        if not await store.polls.claim_close(poll.id or 0, state):
            return False
        result = None if cancel else await self.result(store, poll)
        poll.state, poll.closed_at, poll.reason = state, now, reason
        poll.closed_by = actor.id if actor else None
        poll.passed = result.passed if result else None
        poll.remind_at = None
        store.add(poll)
        early = actor is not None and not cancel
        self._record(store, poll, actor, "cancel" if cancel else "close", now, note=reason)
        for chat in await self.chats_of(store, scope_of(poll)):
            body = self._closing(poll, result, GROUP_LANGUAGE, reason, early)
            self._queue(store, poll, chat, body, now)
        creator = await store.person(poll.created_by)
        told = [creator] if creator is not None and result is not None else []
        told += [p for p in await self._one_to_one(store, poll) if p.id != poll.created_by]
        for person in told:
            body = self._closing(poll, result, person.language, reason, early)
            self._queue(store, poll, person, body, now)
        return True

    def _closing(
        self, poll: Poll, result: Result | None, language: str, reason: str, early: bool
    ) -> str:
        """What the close says: the result explained (with the reason of an early close), or
        the cancellation with its reason."""
        if result is None:
            return text(
                language, "poll.cancelled", n=poll.id, question=poll.question, reason=reason
            )
        return self.explain(poll, result, language, reason if early else "")

    async def tick(self, store: Store, now: datetime) -> int:
        """Close every poll whose time has come (also after downtime) and send due reminders."""
        steps = 0
        for poll in await store.polls.due_to_close(now):
            steps += await self.close(store, poll, now)
        for poll in await store.polls.due_reminders(now):
            if await store.polls.claim_reminder(poll.id or 0):
                await self._remind(store, poll, now)
                steps += 1
        return steps

    async def _remind(self, store: Store, poll: Poll, now: datetime) -> None:
        """Privately to eligible residents of households yet to vote who can be written to;
        one message with the number of missing households (no names) in the scope's chats."""
        poll.remind_at = None
        store.add(poll)
        silent = await store.polls.silent_residents(poll.id or 0, Rule(poll.rule).owners_only)
        votes = await store.polls.votes(poll.id or 0)
        missing = len(await store.polls.electorate(poll.id or 0)) - len(votes)
        deadline = format_time(poll.closes_at, self.zone)
        for person in silent:
            if any(
                i.private_chat or i.platform in ONE_TO_ONE_PLATFORMS
                for i in await store.identities(person.id or 0)
            ):
                body = text(
                    person.language,
                    "poll.remind",
                    n=poll.id,
                    question=poll.question,
                    deadline=deadline,
                )
                self._queue(
                    store,
                    poll,
                    person,
                    f"{body}\n{vote_hint(poll, person.language)}",
                    now,
                    () if poll.native else self.ballot(poll, person.language),
                )
        if missing:
            for chat in await self.chats_of(store, scope_of(poll)):
                body = text(
                    GROUP_LANGUAGE,
                    "poll.remind_group",
                    n=poll.id,
                    question=poll.question,
                    missing=missing,
                    deadline=deadline,
                )
                buttons = (
                    ()
                    if self._native_in(poll, chat.platform)
                    else self.ballot(poll, GROUP_LANGUAGE)
                )
                self._queue(store, poll, chat, body, now, buttons)
        self._record(store, poll, None, "remind", now, note=str(missing))

    # results ----------------------------------------------------------------------------------
    async def result(self, store: Store, poll: Poll) -> Result:
        """The tally of a poll's votes over its electorate."""
        electorate = [
            Voter(v.household_id, exact_area(v.area_m2))
            for v in await store.polls.electorate(poll.id or 0)
        ]
        return tally(
            Rule(poll.rule),
            len(poll.options),
            electorate,
            await store.polls.votes(poll.id or 0),
            sides_of(poll),
        )

    def card(self, poll: Poll, households: int, language: str, how: str) -> str:
        """The opening announcement: question, options, rule, scope, closing time, and how
        to vote."""
        return text(
            language,
            "poll.card",
            how=how,
            n=poll.id,
            question=poll.question,
            options="\n".join(f"{i + 1}. {o}" for i, o in enumerate(poll.options)),
            rule=text(language, f"poll.rule.{poll.rule}"),
            scope=self.scope_label(scope_of(poll), language),
            households=households,
            deadline=format_time(poll.closes_at, self.zone),
            voters=text(
                language, "poll.owners" if Rule(poll.rule).owners_only else "poll.residents"
            ),
        )

    @staticmethod
    def ballot(poll: Poll, language: str, counts: dict[int, int] | None = None) -> Buttons:
        """One button per option, two a row; with live counts once there are votes."""
        buttons = [
            Button(
                text(language, "poll.ballot_count", option=o, n=counts.get(i, 0)) if counts else o,
                ballot_data(poll.id or 0, i),
            )
            for i, o in enumerate(poll.options)
        ]
        return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))

    def explain(self, poll: Poll, result: Result, language: str, early_reason: str = "") -> str:
        """A result that explains itself: turnout, every option, every test, the verdict."""
        lines = [text(language, "poll.result.header", n=poll.id, question=poll.question)]
        if early_reason:
            lines.append(text(language, "poll.result.early", reason=early_reason))
        lines.append(
            text(
                language,
                "poll.result.turnout",
                rule=text(language, f"poll.rule.{poll.rule}"),
                voted=result.voted_households,
                households=result.electorate_households,
                share=_percent(result.voted_households, result.electorate_households),
                voted_area=_area(result.voted_area),
                area=_area(result.electorate_area),
                area_share=_percent(result.voted_area, result.electorate_area),
            )
        )
        for index, option in enumerate(poll.options):
            lines.append(
                text(
                    language,
                    "poll.result.option",
                    option=option,
                    households=result.households[index],
                    area=_area(result.area[index]),
                )
            )
        lines += [self._test_line(test, language) for test in result.tests]
        if Rule(poll.rule) is Rule.PLURALITY:
            if len(result.winners) == 1:
                verdict = text(
                    language, "poll.result.winner", option=poll.options[result.winners[0]]
                )
            elif result.winners:
                names = "、".join(poll.options[i] for i in result.winners)
                verdict = text(language, "poll.result.tie", options=names)
            else:
                verdict = text(language, "poll.result.no_votes")
        else:
            verdict = text(
                language, "poll.result.passed" if result.passed else "poll.result.failed"
            )
        lines.append(verdict)
        return "\n".join(lines)

    @staticmethod
    def _test_line(test: Test, language: str) -> str:
        """✓ 参与户数 20/30 = 66.67%，需 ≥ 2/3."""
        area = test.name.endswith("area")
        return text(
            language,
            "poll.result.test",
            mark="✓" if test.held else "✗",
            name=text(language, f"poll.test.{test.name}"),
            part=_area(test.part) if area else test.part,
            whole=_area(test.whole) if area else test.whole,
            share=_percent(test.part, test.whole),
            comparison=test.comparison.value.replace(">=", "≥"),
            threshold=f"{test.threshold.numerator}/{test.threshold.denominator}",
        )

    def scope_label(self, scope: Scope, language: str) -> str:
        """29号楼、30号楼 / 网格 G01 / 全社区."""
        if scope.kind == "community":
            return text(language, "poll.scope.community")
        return "、".join(text(language, f"scope.{scope.kind}", id=i) for i in scope.ids)

    async def export(self, store: Store, poll: Poll) -> str:
        """The result and the whole vote trail as CSV (UTF-8; the spreadsheet reads it)."""
        result = await self.result(store, poll)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["poll", poll.id, poll.question])
        writer.writerow(["rule", poll.rule, "state", poll.state, "reason", poll.reason])
        writer.writerow(["scope", str(scope_of(poll))])
        writer.writerow(["electorate_households", result.electorate_households])
        writer.writerow(["electorate_area_m2", _area(result.electorate_area)])
        writer.writerow(["voted_households", result.voted_households])
        writer.writerow(["voted_area_m2", _area(result.voted_area)])
        for index, option in enumerate(poll.options):
            writer.writerow(
                ["option", index + 1, option, result.households[index], _area(result.area[index])]
            )
        for test in result.tests:
            writer.writerow(
                [
                    "test",
                    test.name,
                    test.part,
                    test.whole,
                    test.comparison.value,
                    test.threshold,
                    test.held,
                ]
            )
        writer.writerow(["passed", result.passed])
        writer.writerow([])
        writer.writerow(["at", "action", "actor", "household", "option", "note"])
        voters = {v.household_id: v for v in await store.polls.electorate(poll.id or 0)}
        for event in await store.polls.events(poll.id or 0):
            actor = await store.person(event.actor_id) if event.actor_id else None
            voter = voters.get(event.household_id or 0)
            writer.writerow(
                [
                    event.at.astimezone(self.zone).isoformat(timespec="seconds"),
                    event.action,
                    actor.name if actor else "",
                    f"{voter.building_id}-{voter.unit}-{voter.room}" if voter else "",
                    poll.options[event.option] if event.option is not None else "",
                    event.note,
                ]
            )
        return out.getvalue()

    # internals --------------------------------------------------------------------------------
    def _record(
        self,
        store: Store,
        poll: Poll,
        actor: Person | None,
        action: str,
        now: datetime,
        household_id: int | None = None,
        option: int | None = None,
        note: str = "",
    ) -> None:
        """Append one step to the poll's trail."""
        store.add(
            PollEvent(
                poll_id=poll.id or 0,
                at=now,
                actor_id=actor.id if actor else None,
                action=action,
                household_id=household_id,
                option=option,
                note=note,
            )
        )

    @staticmethod
    def _queue(
        store: Store,
        poll: Poll,
        to: Chat | Person,
        body: str,
        now: datetime,
        buttons: Buttons = (),
    ) -> Outbox:
        """Queue a message to a group chat, or privately to a person (with no group fallback:
        the group gets its own count)."""
        chat = to if isinstance(to, Chat) else None
        person = to if isinstance(to, Person) else None
        row = Outbox(
            person_id=person.id if person else None,
            platform=chat.platform if chat else None,
            chat_id=chat.chat_id if chat else None,
            poll_id=poll.id,
            text=body,
            buttons=buttons_to_json(buttons),
            created_at=now,
            next_attempt_at=now,
        )
        store.add(row)
        return row


def scope_of(poll: Poll) -> Scope:
    """A poll's scope."""
    return Scope(poll.scope_kind, tuple(poll.scope_ids))


def sides_of(poll: Poll) -> Sides | None:
    """A poll's approve and oppose options."""
    if poll.approve_option is None or poll.oppose_option is None:
        return None
    return Sides(poll.approve_option, poll.oppose_option)


def option_named(poll: Poll, answer: str) -> int | None:
    """An option by its label (also typed in Traditional characters) or its number
    (1-based), as a leader writes it on paper or a resident replies."""
    answer = answer.strip()
    if answer in poll.options:
        return poll.options.index(answer)
    folded = [o.translate(_TRADITIONAL) for o in poll.options]
    if answer.translate(_TRADITIONAL) in folded:
        return folded.index(answer.translate(_TRADITIONAL))
    if answer.isdigit() and 1 <= int(answer) <= len(poll.options):
        return int(answer) - 1
    return None


def vote_hint(poll: Poll, language: str, key: str = "poll.vote_hint") -> str:
    """回复「投票 12 同意」、「投票 12 反对」或「投票 12 弃权」即可投票，截止前可以改票。"""
    commands = [text(language, "poll.vote_command", n=poll.id, option=o) for o in poll.options]
    listed = text(
        language,
        "poll.vote_commands",
        head=text(language, "poll.vote_separator").join(commands[:-1]),
        last=commands[-1],
    )
    return text(language, key, commands=listed)


def _percent(part: Fraction | int, whole: Fraction | int) -> str:
    """66.67% (for reading; the tests themselves compare exact fractions)."""
    return f"{float(Fraction(part) / whole) * 100:.2f}%" if whole else "—"


def _area(value: Fraction) -> str:
    """m² as people read them: 1790.5."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")

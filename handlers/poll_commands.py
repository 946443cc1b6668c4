"""Poll commands and buttons, for the router to delegate to:

/poll (one-line form, or alone: the guided flow), /polls, /poll_result N, /ballot N 29-3-502 同意
备注, /poll_close N 理由, /poll_cancel N 理由; the text vote 投票 N 同意 (or the option's number);
ballot buttons v:<poll>:<option> and the guided flow's buttons f:<draft>:<step>:<value>. Button
data is untrusted and read strictly.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from handlers.messages import Button, Reply
from handlers.polls import PollDesk, option_named
from handlers.rules.poll_form import (
    DEFAULT_DURATION,
    PollForm,
    Scope,
    check_closing,
    check_options,
    parse_duration,
    parse_poll,
    parse_scope,
)
from handlers.rules.tickets import Refusal
from handlers.rules.voting import Rule, sides
from handlers.texts import format_time, text
from storage.models import Person, Poll, PollDraft

if TYPE_CHECKING:
    from handlers.router import Turn

_TEXT_VOTE = re.compile(r"^\s*(?:投票|vote)\s*#?(\d{1,9})(?:\s+(.*?))?\s*$", re.I | re.S)
_ADDRESS = re.compile(r"^([^-\s]+)-(?:([^-\s]+)-)?([^-\s]+)$")  # 29-3-502 or 29-502
DRAFT_LIFETIME = timedelta(hours=1)
STANDARD_OPTIONS = ("同意", "反对", "弃权")
DURATIONS = ("1d", "3d", "7d", "14d")
RECENT = timedelta(days=30)
Command = Callable[["Turn", str], Awaitable[list[Reply]]]


class PollCommands:
    """What residents and leaders say to the bot about polls."""

    def __init__(self, desk: PollDesk) -> None:
        self.desk = desk

    def commands(self) -> dict[str, Command]:
        """Slash commands by name."""
        return {
            "poll": self.poll,
            "polls": self.polls,
            "poll_result": self.poll_result,
            "ballot": self.ballot,
            "poll_close": self.poll_close,
            "poll_cancel": self.poll_cancel,
        }

    async def button(self, turn: Turn, kind: str, rest: str) -> list[Reply] | None:
        """A ballot (v) or guided-flow (f) button; None when the kind is not a poll's."""
        if kind == "v":
            poll_id, _, option = rest.partition(":")
            if not (poll_id.isdigit() and option.isdigit()):
                return [_alert(turn, "refused.bad_button")]
            return await self.vote(turn, int(poll_id), int(option))
        if kind == "f":
            return await self._flow_button(turn, rest)
        if kind == "n":
            native_id, _, option = rest.partition(":")
            if not option.isdigit():
                return [Reply(text(turn.language, "refused.bad_button"))]
            try:
                await self.desk.cast_native(
                    turn.store,
                    turn.person,
                    (turn.message.platform, native_id),
                    int(option),
                    turn.now,
                )
            except Refusal as refusal:  # told privately: a native poll has no alert
                return [_refused(turn, refusal)]
            return []  # the platform's poll shows the choice; silence is the confirmation
        return None

    # creating ---------------------------------------------------------------------------------
    async def poll(self, turn: Turn, argument: str) -> list[Reply]:
        """/poll <form> opens a poll; /poll alone starts the guided flow."""
        if not argument:
            return await self._start_flow(turn)
        try:
            form = parse_poll(argument, turn.now, self.desk.zone)
        except Refusal as refusal:
            return [_refused(turn, refusal)]
        return await self._open(turn, form)

    async def _open(self, turn: Turn, form: PollForm) -> list[Reply]:
        """Open a checked form in its scope (default: the chat's) and say so."""
        scope = form.scope or await self.desk.chat_scope(
            turn.store, turn.message.platform, turn.message.chat_id
        )
        if scope is None:
            return [Reply(text(turn.language, "poll.refused.no_scope"))]
        try:
            poll = await self.desk.open(
                turn.store,
                turn.person,
                form,
                scope,
                turn.now,
                origin=(turn.message.platform, turn.message.chat_id),
            )
        except Refusal as refusal:
            return [_refused(turn, refusal)]
        households = len(await turn.store.polls.electorate(poll.id or 0))
        return [
            Reply(
                text(
                    turn.language,
                    "poll.opened",
                    n=poll.id,
                    scope=self.desk.scope_label(scope, turn.language),
                    households=households,
                    deadline=format_time(poll.closes_at, self.desk.zone),
                )
            )
        ]

    # voting -----------------------------------------------------------------------------------
    async def text_vote(self, turn: Turn, body: str) -> list[Reply] | None:
        """投票 12 同意 or 投票 12 1: the same vote as the ballot's button; None when the text
        is not a vote."""
        match = _TEXT_VOTE.match(body)
        if match is None:
            return None
        if not match.group(2):
            return [Reply(text(turn.language, "poll.usage.vote"))]
        poll_id = int(match.group(1))
        poll = await turn.store.polls.poll(poll_id)
        if poll is None:
            return [Reply(text(turn.language, "poll.refused.no_poll", n=poll_id))]
        option = option_named(poll, match.group(2))
        if option is None:
            options = "、".join(poll.options)
            return [
                Reply(
                    text(
                        turn.language,
                        "poll.refused.no_option",
                        answer=match.group(2),
                        options=options,
                    )
                )
            ]
        return await self.vote(turn, poll_id, option, alert=False)

    async def vote(self, turn: Turn, poll_id: int, option: int, alert: bool = True) -> list[Reply]:
        """A ballot button (or a text vote): the household's vote, or why it does not count
        (`alert`: shown on the pressed button)."""
        try:
            cast = await self.desk.cast(turn.store, turn.person, poll_id, option, turn.now)
        except Refusal as refusal:
            return [_refused(turn, refusal, alert=alert)]
        chosen = cast.poll.options[cast.option]
        if cast.previous is None:
            key, previous = "poll.voted", ""
        elif cast.previous == cast.option:
            key, previous = "poll.voted_same", ""
        else:
            key, previous = "poll.vote_changed", cast.poll.options[cast.previous]
        return [
            Reply(
                text(turn.language, key, n=poll_id, option=chosen, previous=previous), alert=alert
            )
        ]

    async def ballot(self, turn: Turn, argument: str) -> list[Reply]:
        """/ballot N 29-3-502 同意 备注: a paper ballot recorded by a leader."""
        parts = argument.split(maxsplit=3)
        address = _ADDRESS.match(parts[1]) if len(parts) >= 3 else None
        if address is None or not parts[0].lstrip("#").isdigit():
            return [Reply(text(turn.language, "poll.usage.ballot"))]
        building, unit, room = address.group(1), address.group(2) or "", address.group(3)
        note = parts[3] if len(parts) > 3 else ""
        try:
            cast, _ = await self.desk.paper(
                turn.store,
                turn.person,
                int(parts[0].lstrip("#")),
                (building, unit, room),
                parts[2],
                note,
                turn.now,
            )
        except Refusal as refusal:
            return [_refused(turn, refusal)]
        return [
            Reply(
                text(
                    turn.language,
                    "poll.paper_recorded",
                    n=cast.poll.id,
                    address=parts[1],
                    option=cast.poll.options[cast.option],
                )
            )
        ]

    # closing early, cancelling ----------------------------------------------------------------
    async def poll_close(self, turn: Turn, argument: str) -> list[Reply]:
        """/poll_close N 理由: close before the deadline and announce the result."""
        return await self._end(turn, argument, cancel=False)

    async def poll_cancel(self, turn: Turn, argument: str) -> list[Reply]:
        """/poll_cancel N 理由: cancel without a result."""
        return await self._end(turn, argument, cancel=True)

    async def _end(self, turn: Turn, argument: str, cancel: bool) -> list[Reply]:
        """Close or cancel, by someone who may manage the poll, with a reason on record."""
        number, _, reason = argument.partition(" ")
        command = "poll_cancel" if cancel else "poll_close"
        if not number.lstrip("#").isdigit() or not reason.strip():
            return [Reply(text(turn.language, "poll.usage.end", command=command))]
        poll = await turn.store.polls.poll(int(number.lstrip("#")))
        if poll is None:
            return [Reply(text(turn.language, "poll.refused.no_poll", n=number))]
        if not await self.desk.may_manage(turn.store, turn.person, poll):
            return [Reply(text(turn.language, "refused.not_allowed"))]
        if not await self.desk.close(
            turn.store, poll, turn.now, turn.person, reason.strip(), cancel=cancel
        ):
            return [Reply(text(turn.language, "poll.refused.closed", n=poll.id))]
        key = "poll.cancel_done" if cancel else "poll.close_done"
        return [Reply(text(turn.language, key, n=poll.id))]

    # reading ----------------------------------------------------------------------------------
    async def polls(self, turn: Turn, _: str) -> list[Reply]:
        """/polls: open polls and those of the last 30 days that concern the person."""
        shown = [
            poll
            for poll in await turn.store.polls.recent_polls(turn.now - RECENT)
            if await self._concerns(turn, poll)
        ]
        if not shown:
            return [Reply(text(turn.language, "poll.list.none"))]
        lines = [text(turn.language, "poll.list.header")]
        for poll in shown[:30]:
            if poll.state == "open":
                status = text(
                    turn.language,
                    "poll.list.open",
                    deadline=format_time(poll.closes_at, self.desk.zone),
                )
            elif poll.state == "cancelled":
                status = text(turn.language, "poll.list.cancelled")
            else:
                status = text(
                    turn.language, "poll.result.passed" if poll.passed else "poll.result.failed"
                )
                if Rule(poll.rule) is Rule.PLURALITY:
                    status = text(turn.language, "poll.list.closed")
            lines.append(
                text(
                    turn.language,
                    "poll.list.line",
                    n=poll.id,
                    question=poll.question,
                    status=status,
                )
            )
        return [Reply("\n".join(lines))]

    async def poll_result(self, turn: Turn, argument: str) -> list[Reply]:
        """/poll_result N: the result (or, while open, the standing so far)."""
        number = argument.lstrip("#")
        poll = await turn.store.polls.poll(int(number)) if number.isdigit() else None
        if poll is None:
            return [Reply(text(turn.language, "poll.refused.no_poll", n=argument))]
        if not await self._concerns(turn, poll):
            return [Reply(text(turn.language, "refused.not_allowed"))]
        if poll.state == "cancelled":
            return [
                Reply(
                    text(
                        turn.language,
                        "poll.cancelled",
                        n=poll.id,
                        question=poll.question,
                        reason=poll.reason,
                    )
                )
            ]
        result = await self.desk.result(turn.store, poll)
        early = poll.reason if poll.closed_by is not None else ""
        body = self.desk.explain(poll, result, turn.language, early_reason=early)
        if poll.state == "open":
            body = (
                text(
                    turn.language,
                    "poll.standing",
                    deadline=format_time(poll.closes_at, self.desk.zone),
                )
                + "\n"
                + body
            )
        return [Reply(body)]

    async def _concerns(self, turn: Turn, poll: Poll) -> bool:
        """A poll concerns the households of its electorate and those who may manage it."""
        household = turn.person.household_id
        if household and await turn.store.polls.voter(poll.id or 0, household):
            return True
        return await self.desk.may_manage(turn.store, turn.person, poll)

    # the guided flow --------------------------------------------------------------------------
    async def _start_flow(self, turn: Turn) -> list[Reply]:
        """Step one: ask for the question (a leader only)."""
        if not await self._scopes(turn):
            return [Reply(text(turn.language, "refused.not_allowed"))]
        await self._drop_drafts(turn)
        draft = PollDraft(
            person_id=turn.person.id or 0,
            platform=turn.message.platform,
            chat_id=turn.message.chat_id,
            created_at=turn.now,
        )
        turn.store.add(draft)
        await turn.store.flush()
        return [self._ask(turn, draft, "question")]

    async def draft_answer(self, turn: Turn, body: str) -> list[Reply] | None:
        """A leader's text while their guided flow waits for the question or the options;
        None when no flow waits for text in this chat."""
        draft = await self._draft(turn)
        if draft is None or draft.step not in ("question", "options"):
            return None
        fields = dict(draft.fields)
        try:
            if draft.step == "question":
                check_options(body, ["-", "+"])
                fields["question"], draft.step = body.strip(), "options"
            else:
                _, options = check_options(fields["question"], body.replace("｜", "|").split("|"))
                fields["options"], draft.step = "|".join(options), "scope"
        except Refusal as refusal:
            return [_refused(turn, refusal)]
        draft.fields = fields
        turn.store.add(draft)
        return [await self._next(turn, draft)]

    async def _flow_button(self, turn: Turn, rest: str) -> list[Reply]:
        """f:<draft>:<step>:<value>: only the draft's author, only for its current step."""
        number, _, tail = rest.partition(":")
        step, _, value = tail.partition(":")
        draft = await turn.store.polls.draft_by_id(int(number)) if number.isdigit() else None
        if draft is None or draft.step == "done" or turn.now - draft.created_at > DRAFT_LIFETIME:
            return [_alert(turn, "poll.flow.expired")]
        if draft.person_id != turn.person.id:
            return [_alert(turn, "poll.flow.not_yours")]
        if step == "cancel":
            draft.step = "done"
            turn.store.add(draft)
            return [Reply(text(turn.language, "poll.flow.cancelled"))]
        if step != draft.step:
            return [_alert(turn, "refused.bad_button")]
        fields = dict(draft.fields)
        try:
            if step == "options" and value == "standard":
                fields["options"], draft.step = "|".join(STANDARD_OPTIONS), "scope"
            elif step == "scope" and str(parse_scope(value)) in {
                str(s) for s in await self._scopes(turn)
            }:
                fields["scope"], draft.step = value, "duration"
            elif step == "duration" and value in DURATIONS:
                fields["duration"], draft.step = value, "rule"
            elif step == "rule" and value in {r.value for r in Rule}:
                fields["rule"], draft.step = value, "confirm"
            elif step == "confirm" and value == "yes":
                draft.step = "done"
                turn.store.add(draft)
                return await self._open(turn, self._form(draft, turn.now))
            else:
                return [_alert(turn, "refused.bad_button")]
        except Refusal as refusal:
            return [_refused(turn, refusal, alert=True)]
        draft.fields = fields
        turn.store.add(draft)
        return [await self._next(turn, draft)]

    def _form(self, draft: PollDraft, now: datetime) -> PollForm:
        """The guided flow's answers as a checked form."""
        fields = draft.fields
        question, options = check_options(fields["question"], fields["options"].split("|"))
        rule = Rule(fields["rule"])
        duration = (
            parse_duration(fields.get("duration", "")) if "duration" in fields else DEFAULT_DURATION
        )
        return PollForm(
            question=question,
            options=options,
            rule=rule,
            closes_at=check_closing(now + duration, now),
            scope=parse_scope(fields["scope"]),
            sides=sides(len(options)) if rule.has_sides else None,
        )

    async def _next(self, turn: Turn, draft: PollDraft) -> Reply:
        """The question for the draft's current step."""
        return self._ask(turn, draft, draft.step, await self._scopes(turn))

    def _ask(
        self, turn: Turn, draft: PollDraft, step: str, scopes: list[Scope] | None = None
    ) -> Reply:
        """One step's question with its buttons (and always a way out)."""
        language = turn.language

        def data(value: str) -> str:
            return f"f:{draft.id}:{step}:{value}"

        rows: list[tuple[Button, ...]] = []
        if step == "options":
            rows.append((Button(" | ".join(STANDARD_OPTIONS), data("standard")),))
        elif step == "scope":
            rows += [
                (Button(self.desk.scope_label(s, language), data(str(s))),) for s in scopes or []
            ]
        elif step == "duration":
            rows.append(tuple(Button(text(language, f"poll.flow.{d}"), data(d)) for d in DURATIONS))
        elif step == "rule":
            rows += [(Button(text(language, f"poll.rule.{r.value}"), data(r.value)),) for r in Rule]
        elif step == "confirm":
            rows.append((Button(text(language, "poll.flow.open"), data("yes")),))
        rows.append((Button(text(language, "poll.flow.cancel"), f"f:{draft.id}:cancel:"),))
        fields = draft.fields
        question = text(
            language,
            f"poll.flow.{step}",
            question=fields.get("question", ""),
            options=fields.get("options", "").replace("|", " | "),
            scope=self.desk.scope_label(parse_scope(fields["scope"]), language)
            if "scope" in fields
            else "",
            duration=text(language, f"poll.flow.{fields['duration']}")
            if "duration" in fields
            else "",
            rule=text(language, f"poll.rule.{fields['rule']}") if "rule" in fields else "",
        )
        return Reply(question, buttons=tuple(rows))

    async def _scopes(self, turn: Turn) -> list[Scope]:
        """The scopes the person may open a poll for: the chat's first, then their roles'."""
        person: Person = turn.person
        candidates: list[Scope] = []
        chat_scope = await self.desk.chat_scope(
            turn.store, turn.message.platform, turn.message.chat_id
        )
        if chat_scope:
            candidates.append(chat_scope)
        for grant in await turn.store.roles(person.id or 0):
            if grant.role == "grid_leader":
                candidates.append(Scope("grid", (grant.scope_id,)))
            elif grant.role == "building_leader":
                candidates.append(Scope("building", (grant.scope_id,)))
            elif grant.role == "staff":
                candidates.append(Scope("community"))
        unique = list(dict.fromkeys(candidates))
        return [s for s in unique if await self.desk.may_create(turn.store, person, s)]

    async def _draft(self, turn: Turn) -> PollDraft | None:
        """The person's guided flow in this chat that still waits, if any."""
        message = turn.message
        return await turn.store.polls.draft(
            turn.person.id or 0, message.platform, message.chat_id, turn.now - DRAFT_LIFETIME
        )

    async def _drop_drafts(self, turn: Turn) -> None:
        """Starting again forgets the person's unfinished flows in this chat."""
        while (draft := await self._draft(turn)) is not None:
            draft.step = "done"
            turn.store.add(draft)
            await turn.store.flush()


def _alert(turn: Turn, key: str) -> Reply:
    """A short refusal shown on the pressed button."""
    return Reply(text(turn.language, key), alert=True)


def _refused(turn: Turn, refusal: Refusal, alert: bool = False) -> Reply:
    """A poll refusal in the sender's language."""
    return Reply(text(turn.language, refusal.reason, **refusal.params), alert=alert)

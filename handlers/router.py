"""Where a message is decided: one inbound message in, immediate replies out.

Button presses, commands (/help, /my, /lang, /tickets, /ticket N), the text commands of the
ticket loop (受理 12, 办结 12 说明 …), ratings, and free text that the intent engine reads.
Everything that must reach other people is queued in the outbox by the use cases.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from handlers.announcements import announce
from handlers.home_chooser import HomeChooser
from handlers.messages import Button, Inbound, Reply
from handlers.poll_commands import PollCommands
from handlers.polls import PollDesk
from handlers.ports import Clock
from handlers.registration import Registrar, parse_home
from handlers.rules.tickets import OPEN_STATES, Action, Rating, Refusal, Role
from handlers.scopes import may_manage, resolve_scope
from handlers.texts import LANGUAGES, format_age, format_time, text
from handlers.tickets import RATING_CHOICES, TicketDesk, Where
from intents import Intent, Location, Matcher
from storage.models import Identity, PendingReport, Person, Ticket
from storage.repository import Database, Store

log = logging.getLogger(__name__)

MAX_TEXT = 2000  # longer than any report; answered with a request to be brief
_COMMANDS = {
    "受理": Action.ACKNOWLEDGE,
    "进度": Action.PROGRESS,
    "办结": Action.RESOLVE,
    "上报": Action.ESCALATE,
    "转派": Action.REASSIGN,
    "关闭": Action.CLOSE,
    "進度": Action.PROGRESS,
    "辦結": Action.RESOLVE,
    "上報": Action.ESCALATE,
    "轉派": Action.REASSIGN,
    "關閉": Action.CLOSE,
}
_TEXT_COMMAND = re.compile(r"^\s*(\S{2})\s*#?(\d{1,9})\s*(.*)$", re.S)
_RATING_WORDS = {
    "满意": "1",
    "滿意": "1",
    "基本满意": "2",
    "基本滿意": "2",
    "不满意": "3",
    "不滿意": "3",
}
_NOTE_ACTIONS = (Action.PROGRESS, Action.REASSIGN)
_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
# platforms without a "share my phone number" button: the number is typed instead
_TYPED_PHONE_PLATFORMS = ("wechat", "wecom")


@dataclass(frozen=True, slots=True)
class Turn:
    """One inbound message inside its unit of work."""

    message: Inbound
    store: Store
    person: Person
    now: datetime
    new_person: bool

    @property
    def language(self) -> str:
        """The sender's language."""
        return self.person.language


class Router:
    """Decides what each inbound message means; the only entry point of the handlers."""

    def __init__(
        self, database: Database, desk: TicketDesk, matcher: Matcher, clock: Clock
    ) -> None:
        self.database = database
        self.desk = desk
        self.matcher = matcher
        self.clock = clock
        self.registrar = Registrar(desk)
        self.polls = PollCommands(PollDesk(desk.zone))  # building decisions, their own module
        self.home_chooser = HomeChooser(desk, self.registrar)

    async def handle(self, message: Inbound) -> list[Reply]:
        """Serve one message; a failure is logged and answered, never raised to the adapter."""
        try:
            async with self.database.unit() as store:
                person, new = await self._sender(store, message)
                turn = Turn(message, store, person, self.clock.now(), new)
                return await self._dispatch(turn)
        except Exception:
            log.exception(
                "failed to handle a %s message in chat %s", message.platform, message.chat_id
            )
            return [
                Reply(
                    text(message.language_hint or "zh-CN", "error.internal"),
                    alert=message.button is not None,
                )
            ]

    async def _dispatch(self, turn: Turn) -> list[Reply]:
        message = turn.message
        if message.button is not None:
            return await self._button(turn, message.button)
        if message.phone and message.chat_kind == "private":
            return await self._register_phone(turn, message.phone)
        body = message.text.strip()
        if len(body) > MAX_TEXT:
            return [Reply(text(turn.language, "report.too_long", limit=MAX_TEXT))]
        if not body and not message.photos:
            return (
                []
                if message.chat_kind == "group"
                else [Reply(text(turn.language, "error.unsupported"))]
            )
        if body.startswith("/"):
            return await self._slash(turn, body)
        command = _TEXT_COMMAND.match(body)
        if command and command.group(1) in _COMMANDS:
            return await self._act(
                turn, int(command.group(2)), _COMMANDS[command.group(1)], command.group(3).strip()
            )
        voted = await self.polls.text_vote(turn, body)  # 投票 12 同意
        if voted is not None:
            return voted
        if body.isdigit() and message.chat_kind == "private":
            answer = await self._numbered_answer(turn, int(body))
            if answer is not None:
                return answer
        if message.chat_kind == "private" and not turn.person.confirmed:
            if _MOBILE.fullmatch(body):
                return await self._register_phone(turn, body, typed=True)
            home = parse_home(body)
            if home:
                return await self.registrar.claim(turn.store, turn.person, home, turn.now)
        rating = _RATING_WORDS.get(body, body if body in RATING_CHOICES else None)
        if rating and message.chat_kind == "private":
            return await self._rate_latest(turn, rating)
        if message.photos and not body and (message.reply_to or message.chat_kind == "private"):
            return await self._photo_reply(turn)
        if message.reply_to and message.chat_kind == "private":
            answered = await turn.store.notification_answered(
                turn.person.id or 0, message.chat_id, message.reply_to
            )
            ticket = (
                await turn.store.ticket(answered.ticket_id)
                if answered and answered.ticket_id
                else None
            )
            if ticket and await self.desk.roles(turn.store, turn.person, ticket) - {Role.REPORTER}:
                # a leader replying to a ticket's notification with text adds a progress note
                return await self._act(turn, ticket.id or 0, Action.PROGRESS, body)
        drafted = await self.polls.draft_answer(turn, body)  # a guided /poll waiting for text
        if drafted is not None:
            return drafted
        return await self._free_text(turn, body)

    # who is writing ---------------------------------------------------------------------------
    async def _sender(self, store: Store, message: Inbound) -> tuple[Person, bool]:
        """The roster person behind the sender; an unknown sender becomes an unconfirmed one."""
        person = await store.person_by_identity(message.platform, message.sender_id)
        now = self.clock.now()
        if person is not None:
            changed = person.last_platform != message.platform
            person.last_platform = message.platform
            identity = await store.identity(message.platform, message.sender_id)
            if identity is not None:
                identity.private_chat = identity.private_chat or message.chat_kind == "private"
                identity.last_inbound_at = now
                store.add(identity)
            if changed:
                store.add(person)
            # notifications that waited for this person to write (WeChat's window) go out now
            await store.release_waiting(person.id or 0, now)
            return person, False
        language = message.language_hint if message.language_hint in LANGUAGES else "zh-CN"
        person = Person(
            name=message.sender_name or message.sender_id,
            confirmed=False,
            owner=False,
            language=language or "zh-CN",
            last_platform=message.platform,
        )
        store.add(person)
        await store.flush()
        store.add(
            Identity(
                platform=message.platform,
                external_id=message.sender_id,
                person_id=person.id or 0,
                private_chat=message.chat_kind == "private",
                last_inbound_at=now,
            )
        )
        return person, True

    # buttons ----------------------------------------------------------------------------------
    async def _button(self, turn: Turn, data: str) -> list[Reply]:
        """Button data is untrusted: parse strictly, then check the roster."""
        kind, _, rest = data.partition(":")
        try:
            if kind == "t":
                action_name, _, number = rest.partition(":")
                return await self._act(turn, int(number), Action(action_name), "", button=True)
            if kind == "r":
                number, _, digit = rest.partition(":")
                return await self._rate(turn, int(number), digit, alert=True)
            if kind == "c":
                pending_id, _, answer = rest.partition(":")
                return await self._confirm(turn, int(pending_id), answer == "y")
            if kind == "g":
                pending_id, _, answer = rest.partition(":")
                return await self.registrar.decide(
                    turn.store, turn.person, int(pending_id), answer == "y", turn.now
                )
            if kind == "l" and rest in LANGUAGES:
                return await self._lang(turn, rest)
            if kind == "h":
                return await self.home_chooser.choose(turn.store, turn.person, rest, turn.now)
            poll_answer = await self.polls.button(turn, kind, rest)
            if poll_answer is not None:
                return poll_answer
        except ValueError:
            pass
        return [Reply(text(turn.language, "refused.bad_button"), alert=True)]

    async def _numbered_answer(self, turn: Turn, number: int) -> list[Reply] | None:
        """A bare number answers the newest numbered question asked in this chat (platforms
        without buttons list the choices as numbers); None when there is no such question."""
        message = turn.message
        prompt = await turn.store.prompt(message.platform, message.chat_id)
        if prompt is None or not 1 <= number <= len(prompt.options):
            return None
        await turn.store.ask(message.platform, message.chat_id, [], turn.now)
        return await self._button(turn, prompt.options[number - 1])

    # ticket actions ---------------------------------------------------------------------------
    async def _act(
        self, turn: Turn, number: int, action: Action, note: str, button: bool = False
    ) -> list[Reply]:
        """受理 / 进度 / 办结 / 上报 / 转派 / 关闭, by button or text command."""
        if action not in (
            Action.ACKNOWLEDGE,
            Action.PROGRESS,
            Action.RESOLVE,
            Action.ESCALATE,
            Action.REASSIGN,
            Action.CLOSE,
        ):
            return [Reply(text(turn.language, "refused.bad_button"), alert=button)]
        if button and action in _NOTE_ACTIONS:
            ticket = await turn.store.ticket(number)
            if ticket is None or not await self.desk.roles(turn.store, turn.person, ticket):
                return [Reply(text(turn.language, "refused.not_allowed"), alert=True)]
            key = "ask.assignee" if action is Action.REASSIGN else "ask.note"
            return [
                Reply(
                    text(
                        turn.language,
                        key,
                        n=number,
                        command=text(turn.language, f"action.{action.value}"),
                        action=text(turn.language, f"action.{action.value}"),
                    )
                )
            ]
        try:
            await self.desk.act(turn.store, turn.person, number, action, turn.now, note)
        except Refusal as refusal:
            return [_refused(turn, refusal, alert=button)]
        ticket = await turn.store.ticket(number)
        assert ticket is not None
        done = text(
            turn.language,
            f"done.{action.value}",
            n=number,
            level=text(turn.language, f"level.{ticket.level}"),
            assignee=await self._name(turn.store, ticket.assignee_id),
        )
        return [Reply(done, alert=button)]

    async def _rate_latest(self, turn: Turn, digit: str) -> list[Reply]:
        """A bare 1 / 2 / 3 answers the newest rating question."""
        ticket = await turn.store.awaiting_rating(turn.person.id or 0)
        if ticket is None:
            return [Reply(text(turn.language, "refused.nothing_to_rate"))]
        return await self._rate(turn, ticket.id or 0, digit)

    async def _rate(self, turn: Turn, number: int, digit: str, alert: bool = False) -> list[Reply]:
        """满意度: 1 and 2 close the ticket, 3 reopens it for the same leader."""
        rating = RATING_CHOICES.get(digit)
        if rating is None:
            return [Reply(text(turn.language, "refused.rating_missing"), alert=alert)]
        try:
            await self.desk.act(
                turn.store, turn.person, number, Action.RATE, turn.now, rating=rating
            )
        except Refusal as refusal:
            return [_refused(turn, refusal, alert=alert)]
        key = "rate.reopened" if rating is Rating.UNSATISFIED else "rate.thanks"
        return [Reply(text(turn.language, key, n=number), alert=alert)]

    # reports ----------------------------------------------------------------------------------
    async def _free_text(self, turn: Turn, body: str) -> list[Reply]:
        """Chatter stays silent in groups; a report becomes a ticket; a maybe asks first."""
        intent = self.matcher.match(body) if body else None
        message = turn.message
        if intent is None or intent.band == "none":
            if message.chat_kind == "group" or not body:
                return []
            return [Reply(text(turn.language, "chatter.private"))]
        if intent.band == "maybe":
            pending = PendingReport(
                person_id=turn.person.id or 0,
                category=intent.category,
                text=body,
                urgent=intent.urgent,
                location=intent.location.to_dict(),
                photos=list(message.photos),
                platform=message.platform,
                chat_id=message.chat_id,
                chat_kind=message.chat_kind,
                message_id=message.message_id,
                created_at=turn.now,
            )
            turn.store.add(pending)
            await turn.store.flush()
            question = text(
                turn.language,
                "report.confirm",
                category=self.desk.category_name(intent.category, turn.language),
            )
            buttons = (
                (
                    Button(text(turn.language, "button.yes"), f"c:{pending.id}:y"),
                    Button(text(turn.language, "button.no"), f"c:{pending.id}:n"),
                ),
            )
            return [Reply(question, buttons=buttons)]
        return await self._open(turn, intent, body, message.photos)

    async def _confirm(self, turn: Turn, pending_id: int, yes: bool) -> list[Reply]:
        """The sender's answer to a `maybe`; only the sender may give it, once."""
        pending = await turn.store.session.get(PendingReport, pending_id)
        if pending is None or pending.answered:
            return [Reply(text(turn.language, "report.confirm_expired"), alert=True)]
        if pending.person_id != turn.person.id:
            return [Reply(text(turn.language, "report.confirm_not_yours"), alert=True)]
        pending.answered = True
        turn.store.add(pending)
        if not yes:
            return [Reply(text(turn.language, "report.confirm_other"), alert=True)]
        intent = Intent(
            pending.category, 1.0, "sure", pending.urgent, Location.from_dict(pending.location)
        )
        return await self._open(
            turn,
            intent,
            pending.text,
            tuple(pending.photos),
            source=(pending.platform, pending.chat_id, pending.message_id),
            chat_kind=pending.chat_kind,
        )

    async def _open(
        self,
        turn: Turn,
        intent: Intent,
        body: str,
        photos: tuple[str, ...],
        source: tuple[str, str, str] | None = None,
        chat_kind: str | None = None,
    ) -> list[Reply]:
        """Open (or join) the ticket and answer the reporter."""
        message = turn.message
        source = source or (message.platform, message.chat_id, message.message_id)
        chat = await turn.store.chat(source[0], source[1])
        scope = (chat.scope_kind, chat.scope_id) if chat else None
        where: Where = await self.desk.locate(turn.store, turn.person, intent.location, scope)
        outcome = await self.desk.report(
            turn.store,
            turn.person,
            intent.category,
            body,
            where,
            intent.urgent,
            turn.now,
            source=source,
            photos=photos,
        )
        ticket = outcome.ticket
        category = self.desk.category_name(ticket.category, turn.language)
        in_group = (chat_kind or message.chat_kind) == "group"
        if outcome.already_following:
            answer = text(turn.language, "report.already_following", n=ticket.id)
        elif outcome.joined:
            answer = text(turn.language, "report.joined", n=ticket.id, category=category)
        elif in_group:
            answer = text(turn.language, "report.created_group", n=ticket.id, category=category)
        else:
            answer = text(
                turn.language,
                "report.created",
                n=ticket.id,
                category=category,
                assignee=await self._name(turn.store, ticket.assignee_id, turn.language),
            )
        if ticket.urgent and not outcome.joined:
            answer += text(turn.language, "report.urgent")
        if not turn.person.confirmed:
            answer += "\n" + text(turn.language, "report.unknown_sender")
            return [Reply(answer, invite="reg")]
        return [Reply(answer)]

    async def _photo_reply(self, turn: Turn) -> list[Reply]:
        """A photo answering the report message adds to that ticket; a photo alone in a
        private chat (WeChat sends text and photo apart) to the sender's newest open one."""
        message = turn.message
        if message.reply_to:
            ticket = await turn.store.ticket_by_message(
                message.platform, message.chat_id, message.reply_to
            )
        else:
            mine = await turn.store.tickets_of(turn.person.id or 0)
            ticket = next((t for t in mine if t.state in OPEN_STATES), None)
        if ticket is None or ticket.state not in OPEN_STATES:
            private = message.chat_kind == "private"
            return [Reply(text(turn.language, "report.photo_needs_text"))] if private else []
        for path in message.photos:
            await self.desk.add_photo(turn.store, ticket, turn.person, path, turn.now)
        return [Reply(text(turn.language, "report.photo_added", n=ticket.id))]

    # slash commands ---------------------------------------------------------------------------
    async def _slash(self, turn: Turn, body: str) -> list[Reply]:
        command, _, argument = body[1:].partition(" ")
        command = command.split("@", 1)[0].lower()  # /help@gridbot in groups
        handlers: dict[str, Callable[[Turn, str], Awaitable[list[Reply]]]] = {
            "start": self._start,
            "bind": self._bind,
            "help": self._help,
            "my": self._my,
            "lang": self._lang,
            "tickets": self._tickets,
            "ticket": self._ticket,
            **self.polls.commands(),
            "announce": self._announce,
        }
        handler = handlers.get(command)
        if handler is None:
            return [] if turn.message.chat_kind == "group" else await self._help(turn, "")
        return await handler(turn, argument.strip())

    async def _start(self, turn: Turn, payload: str) -> list[Reply]:
        """The first private message: help; the ticket a deep link names (t12); registration
        for people the roster does not know yet (the link in a group carries `reg`)."""
        replies = await self._help(turn, payload)
        if payload[:1] == "t" and payload[1:].isdigit():
            replies += await self._opened_ticket(turn, int(payload[1:]))
        if not turn.person.confirmed and turn.message.chat_kind == "private":
            if turn.message.platform in _TYPED_PHONE_PLATFORMS:
                replies.append(Reply(text(turn.language, "register.ask_typed")))
            else:
                replies.append(
                    Reply(
                        text(turn.language, "register.ask"),
                        phone_button=text(turn.language, "register.button"),
                    )
                )
                chooser = await self.home_chooser.offer(turn.store, turn.language)
                replies += [chooser] if chooser else []
        return replies

    async def _opened_ticket(self, turn: Turn, number: int) -> list[Reply]:
        """A ticket someone came to read privately: leaders get its card with the buttons
        that apply now, residents its story."""
        ticket = await turn.store.ticket(number)
        if ticket is None or not await self.desk.can_see(turn.store, turn.person, ticket):
            return []
        card = await self.describe(turn.store, ticket, turn.language)
        roles = await self.desk.roles(turn.store, turn.person, ticket)
        return [Reply(card, buttons=self.desk.current_buttons(ticket, roles, turn.language))]

    async def _register_phone(self, turn: Turn, phone: str, typed: bool = False) -> list[Reply]:
        """A shared phone number links the sender to the roster person with that number.

        A typed number proves nothing, so it links only residents without roles who have no
        account on this platform yet; leaders and staff are linked by the office's roster."""
        digits = "".join(ch for ch in phone if ch.isdigit())
        digits = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
        found = await turn.store.person_by_phone(digits)
        if found is None:
            chooser = None if typed else await self.home_chooser.offer(turn.store, turn.language)
            return [
                Reply(text(turn.language, "register.not_found")),
                *([chooser] if chooser else []),
            ]
        message = turn.message
        if typed and found.id != turn.person.id:
            taken = any(
                i.platform == message.platform for i in await turn.store.identities(found.id or 0)
            )
            if taken or await turn.store.roles(found.id or 0):
                return [Reply(text(turn.language, "register.typed_refused"))]
        if found.id != turn.person.id:
            await turn.store.merge_person(turn.person.id or 0, found.id or 0)
        found.last_platform = message.platform
        turn.store.add(found)
        place = text(turn.language, "place.unknown")
        if found.household_id:
            household = await turn.store.household(found.household_id)
            if household:
                place = self.desk.place(
                    Location(household.building_id, household.unit or None, household.room),
                    turn.language,
                )
        return [Reply(text(turn.language, "register.done", name=found.name, place=place))]

    async def _bind(self, turn: Turn, argument: str) -> list[Reply]:
        """/bind G01 or /bind building:29 in a group: the bot learns which chat is whose."""
        if turn.message.chat_kind != "group" or not argument:
            return [Reply(text(turn.language, "bind.usage"))]
        scope = await resolve_scope(turn.store, argument)
        if scope is None:
            kind = argument.partition(":")[0].strip().lower() if ":" in argument else "grid"
            key = "bind.unknown" if kind in ("grid", "building") else "bind.usage"
            return [Reply(text(turn.language, key, scope=argument))]
        if not may_manage(await turn.store.roles(turn.person.id or 0), scope):
            return [Reply(text(turn.language, "refused.not_allowed"))]
        await turn.store.bind_chat(
            turn.message.platform, turn.message.chat_id, scope.kind, scope.id
        )
        label = text(turn.language, f"scope.{scope.kind}", id=scope.id)
        return [Reply(text(turn.language, "bind.done", scope=label))]

    async def _announce(self, turn: Turn, argument: str) -> list[Reply]:
        """/announce G01 停水通知…: posted (and pinned where the bot may) in the scope's chats."""
        return [await announce(turn.store, turn.person, argument, turn.now)]

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> None:
        """A group became a supergroup under a new id: its binding and tickets follow it."""
        async with self.database.unit() as store:
            await store.move_chat(platform, old_chat_id, new_chat_id)

    async def _help(self, turn: Turn, _: str) -> list[Reply]:
        """What can be said here; leaders and staff also get their own commands."""
        help_text = text(turn.language, "help")
        if await turn.store.roles(turn.person.id or 0):
            help_text += "\n" + text(turn.language, "help.leader")
        return [Reply(help_text)]

    async def _my(self, turn: Turn, _: str) -> list[Reply]:
        tickets = await turn.store.tickets_of(turn.person.id or 0)
        if not tickets:
            return [Reply(text(turn.language, "my.none"))]
        lines = [text(turn.language, "my.header")]
        lines += [self._line(turn, "my.line", t) for t in tickets[:30]]
        return [Reply("\n".join(lines))]

    async def _lang(self, turn: Turn, argument: str) -> list[Reply]:
        choice = {
            "zh": "zh-CN",
            "zh-cn": "zh-CN",
            "简体": "zh-CN",
            "zh-tw": "zh-TW",
            "繁體": "zh-TW",
            "繁体": "zh-TW",
            "en": "en",
            "english": "en",
        }.get(argument.lower())
        if choice is None:
            buttons = (
                (
                    Button("简体中文", "l:zh-CN"),
                    Button("繁體中文", "l:zh-TW"),
                    Button("English", "l:en"),
                ),
            )
            return [
                Reply(
                    text(turn.language, "lang.choose") + " /lang zh | zh-tw | en", buttons=buttons
                )
            ]
        turn.person.language = choice
        turn.store.add(turn.person)
        return [Reply(text(choice, "lang.set"))]

    async def _tickets(self, turn: Turn, _: str) -> list[Reply]:
        """Open tickets in the leader's or staff member's scope, with age and deadline."""
        grants = await turn.store.roles(turn.person.id or 0)
        if any(g.role == "staff" for g in grants):
            scope: list[str] | None = None
        else:
            scope = [g.scope_id for g in grants if g.role == "grid_leader"]
            if not scope:
                return [Reply(text(turn.language, "refused.not_allowed"))]
        tickets = await turn.store.tickets_in_scope(scope)
        if not tickets:
            return [Reply(text(turn.language, "tickets.none"))]
        lines = [text(turn.language, "tickets.header")]
        lines += [
            self._line(
                turn,
                "tickets.line",
                t,
                deadline=format_time(t.next_check_at or t.created_at, self.desk.zone),
            )
            for t in tickets[:50]
        ]
        return [Reply("\n".join(lines))]

    def _line(self, turn: Turn, key: str, ticket: Ticket, **extra: object) -> str:
        """One ticket in a list: number, category, state, age (and what `extra` adds)."""
        return text(
            turn.language,
            key,
            n=ticket.id,
            category=self.desk.category_name(ticket.category, turn.language),
            state=text(turn.language, f"state.{ticket.state}"),
            age=format_age((turn.now - ticket.created_at).total_seconds(), turn.language),
            **extra,
        )

    async def _ticket(self, turn: Turn, argument: str) -> list[Reply]:
        """One ticket with its trail and delivery states, for those who may see it."""
        number = argument.lstrip("#")
        ticket = await turn.store.ticket(int(number)) if number.isdigit() else None
        if ticket is None:
            return [Reply(text(turn.language, "refused.no_ticket", n=argument))]
        if not await self.desk.can_see(turn.store, turn.person, ticket):
            return [Reply(text(turn.language, "refused.not_allowed"))]
        return [Reply(await self.describe(turn.store, ticket, turn.language))]

    async def describe(self, store: Store, ticket: Ticket, language: str) -> str:
        """A ticket's card, trail and delivery record, as staff read it."""
        lines = [
            text(
                language,
                "ticket.detail",
                n=ticket.id,
                category=self.desk.category_name(ticket.category, language),
                state=text(language, f"state.{ticket.state}"),
                level=text(language, f"level.{ticket.level}"),
                place=self.desk.place(ticket, language),
                text=ticket.text,
            )
        ]
        for event in await store.events(ticket.id or 0):
            actor = await self._name(store, event.actor_id, language, system=True)
            note = text(language, event.note) if event.note.startswith("sla.") else event.note
            if event.action == Action.RATE.value and event.note:
                note = text(language, f"rating.{event.note}")
            lines.append(
                text(
                    language,
                    "ticket.trail_line",
                    at=format_time(event.at, self.desk.zone),
                    actor=actor,
                    action=text(language, f"action.{event.action}"),
                    note=note,
                )
            )
        for row in await store.messages_for_ticket(ticket.id or 0):
            who = await self._name(store, row.person_id, language) if row.person_id else row.chat_id
            lines.append(
                text(
                    language,
                    "ticket.delivery_line",
                    who=who,
                    status=text(language, f"delivery.{row.status}"),
                )
            )
        return "\n".join(lines)

    async def _name(
        self, store: Store, person_id: int | None, language: str = "zh-CN", system: bool = False
    ) -> str:
        """A person's name; the community office when nobody is named."""
        if person_id is None:
            return text(language, "system" if system else "report.no_leader")
        person = await store.person(person_id)
        return person.name if person else text(language, "report.no_leader")


def _refused(turn: Turn, refusal: Refusal, alert: bool) -> Reply:
    """A refusal in the sender's language, with the ticket state spelled out."""
    params = dict(refusal.params)
    if "state" in params:
        params["state"] = text(turn.language, f"state.{params['state']}")
    return Reply(text(turn.language, refusal.reason, **params), alert=alert)

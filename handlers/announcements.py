"""Announcements: a leader's notice to the group chats of a grid or a building, pinned there
where the bot has the right (the front end pins; the outbox row asks for it)."""

from __future__ import annotations

from datetime import datetime

from handlers.messages import Reply
from handlers.scopes import may_manage, resolve_scope
from handlers.texts import DEFAULT_LANGUAGE, text
from storage.models import Chat, Outbox, Person
from storage.repository import Store

MAX_ANNOUNCEMENT = 1500


async def announce(store: Store, person: Person, argument: str, now: datetime) -> Reply:
    """Queue `/announce <scope> <text>` to every chat bound to the scope (a grid's includes
    its buildings' chats), each message to be pinned."""
    language = person.language
    target, _, body = argument.partition(" ")
    body = body.strip()
    scope = await resolve_scope(store, target) if target else None
    if scope is None or not body:
        return Reply(text(language, "announce.usage"))
    if len(body) > MAX_ANNOUNCEMENT:
        return Reply(text(language, "report.too_long", limit=MAX_ANNOUNCEMENT))
    if not may_manage(await store.roles(person.id or 0), scope):
        return Reply(text(language, "refused.not_allowed"))
    chats: list[Chat] = list(await store.chats_for(scope.kind, scope.id))
    if scope.kind == "grid":
        for building in await store.buildings():
            if building.grid_id == scope.id:
                chats += await store.chats_for("building", building.id)
    label = text(language, f"scope.{scope.kind}", id=scope.id)
    if not chats:
        return Reply(text(language, "announce.no_chats", scope=label))
    notice = text(DEFAULT_LANGUAGE, "announce.text", text=body, name=person.name)
    for chat in chats:
        store.add(
            Outbox(
                platform=chat.platform,
                chat_id=chat.chat_id,
                text=notice,
                pin=True,
                created_at=now,
                next_attempt_at=now,
            )
        )
    return Reply(text(language, "announce.done", scope=label, count=len(chats)))

"""The thread with a candidate, both directions, newest last: what they wrote that no flow was
waiting for, and every message the product queued to them (the bot's templates as rendered,
recruiters' and accounts' replies under their names) with how its delivery went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from core.enums import InboundKind, NotificationStatus
from storage.models import Candidate
from storage.uow import UnitOfWork

MESSAGES_SHOWN = 200  # of each direction


@dataclass(frozen=True)
class ThreadMessage:
    """`direction` "in": the candidate wrote (`kind` what they sent, `text` as written, `id` the
    inbound message's); "out": queued to them (`kind` the outbox kind, `text` Telegram HTML as
    rendered, `id` the outbox row's, `status` its delivery). `author_*` name a person who wrote
    an outgoing message; None for the bot's own."""

    direction: Literal["in", "out"]
    id: int
    at: datetime
    kind: str
    text: str | None
    author_kind: str | None = None
    author_name: str | None = None
    status: NotificationStatus | None = None
    file_name: str | None = None
    has_file: bool = False
    read: bool = True


async def thread_messages(
    uow: UnitOfWork, candidate: Candidate, limit: int = MESSAGES_SHOWN
) -> list[ThreadMessage]:
    """Both directions merged by time, oldest first (the latest `limit` of each)."""
    found: list[ThreadMessage] = [
        ThreadMessage(
            direction="in",
            id=m.id,
            at=m.created_at,
            kind=m.kind,
            text=m.text,
            file_name=m.file_name,
            has_file=m.file_id is not None and m.kind is not InboundKind.TEXT,
            read=m.read_at is not None,
        )
        for m in await uow.inbound_messages.of_candidate(candidate.id, limit)
    ]
    for n in await uow.candidate_profiles.messages(candidate.telegram_id, limit, candidate.id):
        author = n.payload.get("author") or {}
        found.append(
            ThreadMessage(
                direction="out",
                id=n.id,
                # When it went, else when it is due: both read from the product's clock, as
                # the inbound side's times are (the row's created_at is the database's).
                at=n.sent_at or n.due_at,
                kind=n.kind,
                text=str(n.payload.get("text", "")),
                author_kind=author.get("kind"),
                author_name=author.get("name"),
                status=n.status,
            )
        )
    return sorted(found, key=lambda m: (m.at, m.direction == "out", m.id))


@dataclass(frozen=True)
class ThreadPage:
    messages: list[ThreadMessage]  # oldest first
    total: int  # messages in the whole thread, both directions


async def thread_page(
    uow: UnitOfWork, candidate: Candidate, *, limit: int, offset: int = 0
) -> ThreadPage:
    """The thread read from its end, as a chat is: the latest `limit` messages after the
    `offset` newest ones, oldest first. The latest `offset + limit` of each direction hold the
    page, so a deeper page reads more rows."""
    total = await uow.inbound_messages.count_of_candidate(
        candidate.id
    ) + await uow.candidate_profiles.message_count(candidate.telegram_id, candidate.id)
    if offset >= total:
        return ThreadPage([], total)
    merged = await thread_messages(uow, candidate, min(offset + limit, total))
    end = len(merged) - offset
    return ThreadPage(merged[max(end - limit, 0) : end], total)

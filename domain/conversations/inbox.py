"""What candidates write that no flow was waiting for: kept with the candidate, unread until a
recruiter or an account opens the thread."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from core.clock import Clock
from core.enums import InboundKind
from core.errors import NotFound
from core.result import Failure, Result, Success
from domain.conversations.routing import visible_candidate
from storage.models import Candidate, InboundMessage
from storage.repositories.conversations import UnreadThread as UnreadThread
from storage.uow import UnitOfWork

TEXT_LIMIT = 4096  # Telegram's own limit for a message; a caption is shorter
PER_PAGE = 50


@dataclass(frozen=True)
class Inbound:
    """A candidate's message as the bot received it: the text or caption, and a media's file."""

    kind: InboundKind
    text: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    telegram_message_id: int | None = None


async def record_inbound(
    uow: UnitOfWork, clock: Clock, candidate: Candidate, received: Inbound
) -> InboundMessage:
    """Keep the message, unread, in the caller's transaction (flushed: it has its id)."""
    text = (received.text or "").strip()[:TEXT_LIMIT] or None
    return await uow.inbound_messages.create(
        InboundMessage(
            candidate_id=candidate.id,
            kind=received.kind,
            text=text,
            file_id=received.file_id,
            file_name=(received.file_name or None) and received.file_name[:255],
            mime_type=(received.mime_type or None) and received.mime_type[:100],
            telegram_message_id=received.telegram_message_id,
            created_at=clock.now(),
        )
    )


async def mark_read(
    uow: UnitOfWork, clock: Clock, candidate_id: int, *, actor: str, up_to: int | None = None
) -> int:
    """Whoever opened the thread has read it: every unread message of the candidate is read
    (with `up_to`, those up to that message id: what was shown, not one that came since). How
    many were unread. Commits when there were any."""
    read = await uow.inbound_messages.mark_read(candidate_id, clock.now(), actor, up_to)
    if read:
        await uow.commit()
    return read


async def unread_count(uow: UnitOfWork, city_ids: Collection[int] | None) -> int:
    """Unread messages of candidates in these cities (None: everyone's, as admins see)."""
    return await uow.inbound_messages.unread_count(city_ids)


@dataclass(frozen=True)
class UnreadPage:
    rows: list[UnreadThread]
    has_next: bool


async def unread_threads(
    uow: UnitOfWork, city_ids: Collection[int] | None, page: int, per_page: int = PER_PAGE
) -> UnreadPage:
    """Page `page` (from 1) of the conversations with unread messages, longest waiting first."""
    found = await uow.inbound_messages.unread_threads(
        city_ids, limit=per_page + 1, offset=(page - 1) * per_page
    )
    return UnreadPage(found[:per_page], has_next=len(found) > per_page)


async def read_thread(
    uow: UnitOfWork,
    clock: Clock,
    candidate_id: int,
    *,
    actor: str,
    city_ids: frozenset[int] | None = None,
) -> Result[int, NotFound]:
    """`mark_read` for someone limited to `city_ids`: a candidate out of scope is NotFound."""
    candidate = await visible_candidate(uow, candidate_id, city_ids)
    if candidate is None:
        return Failure(NotFound(f"candidate {candidate_id}"))
    return Success(await mark_read(uow, clock, candidate.id, actor=actor))


@dataclass(frozen=True)
class Inbox:
    rows: list[UnreadThread]  # who has waited longest first
    threads: int  # candidates with unread messages, in all
    unread: int  # their unread messages, in all


async def inbox(
    uow: UnitOfWork, city_ids: Collection[int] | None, *, limit: int, offset: int = 0
) -> Inbox:
    """`limit` conversations with unread messages from `offset`, with the totals."""
    threads = await uow.inbound_messages.unread_thread_count(city_ids)
    rows = (
        await uow.inbound_messages.unread_threads(city_ids, limit=limit, offset=offset)
        if offset < threads
        else []
    )
    return Inbox(rows, threads, await unread_count(uow, city_ids))

"""What a recruiter or an account writes to a candidate: through the outbox (its rate limits and
retries apply), under the writer's name, in the candidate's thread."""

from __future__ import annotations

import uuid

from core.clock import Clock
from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.conversations.routing import visible_candidate
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog, render_message
from domain.pipeline.directory import actor_name
from domain.refusals import REQUIRED, TOO_LONG, refusal
from storage.models import Candidate
from storage.uow import UnitOfWork

ReplyError = InvalidField | NotFound
MAX_REPLY = 4000
# The outbox kind of a message written by a person (the panel's and the API's since the start).
STAFF_MESSAGE_KIND = "panel_message"
TEMPLATE = "staff_reply"
BLOCKED = "reason.reply.blocked"
ERASED = "reason.reply.erased"


def words_refusal(words: str) -> InvalidField | None:
    """Why these (stripped) words cannot be sent: empty, or too long."""
    if not words:
        return InvalidField("text", REQUIRED)
    if len(words) > MAX_REPLY:
        return refusal("text", TOO_LONG, limit=MAX_REPLY)
    return None


def unreachable(candidate: Candidate) -> InvalidField | None:
    """Why nothing can be sent to the candidate: erased, or they blocked the bot."""
    if candidate.erased_at is not None:
        return InvalidField("text", ERASED)
    if not candidate.reachable:
        return InvalidField("text", BLOCKED)
    return None


async def queue_staff_message(
    uow: UnitOfWork, catalog: Catalog, clock: Clock, candidate: Candidate, words: str, *, actor: str
) -> int:
    """Queue checked words to the candidate under the writer's name, in their thread; the
    outbox row's id. Neither audits nor commits: the caller does."""
    kind, name = await actor_name(uow, actor)
    body = await render_message(
        uow,
        catalog,
        TEMPLATE,
        catalog.locale_for(candidate.locale),
        candidate.city_id,
        vacancy_id=candidate.vacancy_id,
        author=name or catalog.text(f"author.{kind}", candidate.locale),
        text=words,
    )
    key = f"{STAFF_MESSAGE_KIND}:{candidate.id}:{uuid.uuid4().hex}"
    await queue_message(
        uow,
        clock,
        chat_id=candidate.telegram_id,
        kind=STAFF_MESSAGE_KIND,
        dedupe_key=key,
        text=body,
        candidate_id=candidate.id,
        author={"actor": actor, "kind": kind, "name": name},
    )
    queued = await uow.notifications.id_by_dedupe_key(key)
    assert queued is not None
    return queued


async def send_reply(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    candidate_id: int,
    text: str,
    *,
    actor: str,
    admin_user_id: int | None = None,
    city_ids: frozenset[int] | None = None,
) -> Result[int, ReplyError]:
    """Queue `text` to the candidate under the writer's name (`actor`, as the audit log names
    people); the text is HTML-escaped by the template. The outbox row's id. Refused: a candidate
    out of scope (NotFound), an empty or too long text, a candidate who blocked the bot
    (InvalidField "text", reason `BLOCKED`), an erased one (reason `ERASED`). Commits."""
    candidate = await visible_candidate(uow, candidate_id, city_ids)
    if candidate is None:
        return Failure(NotFound(f"candidate {candidate_id}"))
    words = text.strip()
    refused = words_refusal(words) or unreachable(candidate)
    if refused is not None:
        return Failure(refused)
    queued = await queue_staff_message(uow, catalog, clock, candidate, words, actor=actor)
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="send_message",
        entity="candidate",
        entity_id=candidate.id,
        details={"notification_id": queued, "length": len(words)},
    )
    await uow.commit()
    return Success(queued)

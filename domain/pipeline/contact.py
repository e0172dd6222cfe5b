"""A candidate asks to be contacted: the request is kept, the city's recruiters are told in the
chat, and a request no recruiter could be told of is for the admins. Every open request stands
in the panel's inbox until someone marks it handled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.clock import Clock
from core.enums import ContactReason
from domain.conversations.routing import city_recruiters
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog, render_message
from domain.pipeline.city_names import city_name
from domain.vacancies.catalog import title_of_application
from storage.models import Candidate, ContactRequest
from storage.repositories.contact_requests import InboxFilter as InboxFilter
from storage.repositories.contact_requests import InboxRow as InboxRow
from storage.uow import UnitOfWork

QUOTE_LIMIT = 500  # characters of the candidate's own words a note to recruiters carries
WROTE_LIMIT = 4000  # characters of their words an inbox request keeps, across messages
ONCE_PER = timedelta(days=1)  # a request repeated within this adds to the open one
PER_PAGE = 50

# What the city's recruiters are told, by reason (a missing city has no recruiters to tell).
_NOTE_FOR_RECRUITERS = {
    ContactReason.NO_TIME: "contact_request_for_recruiter",
    ContactReason.NO_SHOW_WROTE: "recruiter_no_show_wrote",
}


def quote_of(wrote: str | None) -> str | None:
    """What a candidate wrote, as a note quotes it: trimmed, cut to `QUOTE_LIMIT` with an
    ellipsis; None when there is nothing to quote. The template escapes it."""
    if wrote is None or not wrote.strip():
        return None
    words = wrote.strip()
    if len(words) <= QUOTE_LIMIT:
        return words
    return words[: QUOTE_LIMIT - 1].rstrip() + "…"


def _added(before: str | None, words: str | None) -> str | None:
    if words is None:
        return before
    joined = words if not before else f"{before}\n\n{words}"
    return joined[:WROTE_LIMIT]


async def request_contact(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    candidate: Candidate,
    reason: ContactReason = ContactReason.NO_TIME,
    *,
    wrote: str | None = None,
    recruiters_told: int | None = None,
) -> ContactRequest:
    """The candidate asks to be contacted (they found no time; they wrote after missing an
    interview, `wrote` being their words; their city is not listed, `wrote` its name). The
    city's active recruiters with a chat get a note in their language; with none, the request
    is the admins'. Asked again within `ONCE_PER` while still open, the open request takes the
    new words and nobody is told twice. `recruiters_told`: the caller has told that many
    recruiters already (the relay of a candidate's message), so no note is queued here. Commits."""
    words = (wrote or "").strip()[:WROTE_LIMIT] or None
    open_one = await uow.contact_requests.open_since(candidate.id, reason, clock.now() - ONCE_PER)
    if open_one is not None:
        open_one.wrote = _added(open_one.wrote, words)
        await uow.commit()
        return open_one
    request = await uow.contact_requests.create(
        ContactRequest(
            candidate_id=candidate.id,
            city_id=candidate.city_id,
            reason=reason,
            wrote=words,
            recruiters_told=0,
            created_at=clock.now(),
        )
    )
    request.recruiters_told = (
        recruiters_told
        if recruiters_told is not None
        else await _tell_recruiters(uow, catalog, clock, candidate, request)
    )
    await uow.commit()
    return request


async def _tell_recruiters(
    uow: UnitOfWork, catalog: Catalog, clock: Clock, candidate: Candidate, request: ContactRequest
) -> int:
    key = _NOTE_FOR_RECRUITERS.get(request.reason)
    if key is None or request.city_id is None:
        return 0
    city = await uow.cities.get_dto(request.city_id)
    told = 0
    for recruiter in await city_recruiters(uow, request.city_id):
        assert recruiter.telegram_chat_id is not None
        locale = catalog.locale_for(recruiter.locale)
        text = await render_message(
            uow,
            catalog,
            key,
            locale,
            request.city_id,
            name=candidate.full_name or candidate.username or str(candidate.telegram_id),
            city=city_name(city, locale) if city else "",
            phone=candidate.phone,
            username=candidate.username,
            wrote=quote_of(request.wrote),
            kind=None,
            vacancy=await title_of_application(uow, candidate.vacancy_id, locale),
        )
        await queue_message(
            uow,
            clock,
            chat_id=recruiter.telegram_chat_id,
            kind="contact_request",
            dedupe_key=f"contact_request:{request.id}:{recruiter.id}",
            text=text,
            candidate_id=candidate.id,
        )
        told += 1
    return told


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    has_next: bool


async def inbox_page(
    uow: UnitOfWork, where: InboxFilter, page: int, per_page: int = PER_PAGE
) -> InboxPage:
    """Page `page` (from 1) of the requests matching `where`: one query, asking for one more
    than a page to know whether another follows."""
    found = await uow.contact_requests.inbox(
        where, limit=per_page + 1, offset=(page - 1) * per_page
    )
    return InboxPage(found[:per_page], has_next=len(found) > per_page)


async def count_requests(uow: UnitOfWork, where: InboxFilter) -> int:
    """How many requests match `where` (the panel's menu shows the open ones)."""
    return await uow.contact_requests.count(where)


async def contact_request(uow: UnitOfWork, request_id: int) -> ContactRequest | None:
    return await uow.contact_requests.get(request_id)


async def mark_handled(uow: UnitOfWork, clock: Clock, request: ContactRequest, actor: str) -> bool:
    """Mark the request handled by `actor`, with an audit entry; False (and nothing written)
    when it already was. Commits."""
    if request.handled_at is not None:
        return False
    request.handled_at = clock.now()
    request.handled_by = actor
    uow.audit.record(
        actor=actor,
        action="handle",
        entity="contact_request",
        entity_id=request.id,
        details={"candidate_id": request.candidate_id, "reason": request.reason.value},
    )
    await uow.commit()
    return True

"""A candidate's message no flow was waiting for: kept in their thread, relayed through the
outbox to the recruiters who answer for them (with Reply and Open buttons, and the media itself
copied), and acknowledged. A no-show's words also stand as their contact request, told once."""

from __future__ import annotations

from dataclasses import dataclass

from core.clock import Clock
from core.enums import CandidateStatus, ContactReason, InboundKind
from domain.conversations.buttons import conversation_buttons
from domain.conversations.inbox import Inbound, record_inbound
from domain.conversations.routing import answering_recruiters
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog, render_message
from domain.pipeline.city_names import city_name
from domain.pipeline.contact import quote_of, request_contact
from domain.vacancies.catalog import title_of_application
from storage.dto import RecruiterDTO
from storage.models import Candidate
from storage.uow import UnitOfWork

RELAY_KIND = "inbound_relay"  # the note to a recruiter, with Reply and Open
COPY_KIND = "inbound_copy"  # the candidate's media itself, copied to the recruiter's chat
# The acknowledgement the candidate gets (templates): passed on to a recruiter; kept for the
# recruiting team (no recruiter covers them: the panel's inbox); a no-show's words passed on.
RECEIVED = "inbound_received"
KEPT = "inbound_kept"
NO_SHOW_PASSED_ON = "no_show_passed_on"
RELAY_LIMIT = 3500  # characters of the candidate's words a note carries (a message holds 4096)


@dataclass(frozen=True)
class Relayed:
    inbound_id: int
    recruiters_told: int
    acknowledgement: str  # the template to answer the candidate with


def candidate_label(candidate: Candidate) -> str:
    """How recruiters see the candidate named: their name, else @username, else the id."""
    return (
        candidate.full_name
        or (candidate.username and f"@{candidate.username}")
        or str(candidate.telegram_id)
    )


async def relay_inbound(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    candidate: Candidate,
    received: Inbound,
    *,
    from_chat_id: int,
) -> Relayed:
    """Keep the message (unread), relay it to `answering_recruiters` (none: it waits in the
    panel's inbox, for the admins), and say which acknowledgement the candidate gets. Media
    is copied from the candidate's chat (`from_chat_id`, `received.telegram_message_id`) to
    each recruiter, just before the note. A no-show's message also stands as their
    NO_SHOW_WROTE contact request, the relay being the one note recruiters get. The same
    Telegram message handled again (a redelivered or replayed update) is kept and relayed once:
    it is only acknowledged again. Commits."""
    no_show = candidate.status is CandidateStatus.NO_SHOW
    if received.telegram_message_id is not None:
        earlier = await uow.inbound_messages.by_telegram_id(
            candidate.id, received.telegram_message_id
        )
        if earlier is not None:
            told = len(await answering_recruiters(uow, candidate))
            return Relayed(earlier.id, told, NO_SHOW_PASSED_ON if no_show else _ack(told))
    inbound = await record_inbound(uow, clock, candidate, received)
    copy = (
        {"from_chat_id": from_chat_id, "message_id": received.telegram_message_id}
        if received.kind is not InboundKind.TEXT and received.telegram_message_id is not None
        else None
    )
    told = 0
    for recruiter in await answering_recruiters(uow, candidate):
        assert recruiter.telegram_chat_id is not None
        key = f"{inbound.id}:{recruiter.id}"
        if copy is not None:
            await queue_message(
                uow,
                clock,
                chat_id=recruiter.telegram_chat_id,
                kind=COPY_KIND,
                dedupe_key=f"{COPY_KIND}:{key}",
                text="",
                copy=copy,
                candidate_id=candidate.id,
            )
        await queue_message(
            uow,
            clock,
            chat_id=recruiter.telegram_chat_id,
            kind=RELAY_KIND,
            dedupe_key=f"{RELAY_KIND}:{key}",
            text=await _note(uow, catalog, recruiter, candidate, received, no_show=no_show),
            buttons=conversation_buttons(
                catalog, catalog.locale_for(recruiter.locale), candidate.id
            ),
            candidate_id=candidate.id,
        )
        told += 1
    if no_show:
        await request_contact(
            uow,
            catalog,
            clock,
            candidate,
            ContactReason.NO_SHOW_WROTE,
            wrote=received.text or _kind_label(catalog, received.kind, candidate.locale),
            recruiters_told=told,
        )
    else:
        await uow.commit()
    return Relayed(inbound.id, told, NO_SHOW_PASSED_ON if no_show else _ack(told))


def _ack(told: int) -> str:
    return RECEIVED if told else KEPT


def _cut(text: str | None) -> str | None:
    if text is None or len(text) <= RELAY_LIMIT:
        return text
    return text[: RELAY_LIMIT - 1].rstrip() + "…"


def _kind_label(catalog: Catalog, kind: InboundKind, locale: str | None) -> str:
    return catalog.text(f"conversation.kind.{kind.value}", catalog.locale_for(locale))


async def _note(
    uow: UnitOfWork,
    catalog: Catalog,
    recruiter: RecruiterDTO,
    candidate: Candidate,
    received: Inbound,
    *,
    no_show: bool,
) -> str:
    locale = catalog.locale_for(recruiter.locale)
    city = await uow.cities.get_dto(candidate.city_id) if candidate.city_id is not None else None
    media = received.kind is not InboundKind.TEXT
    kind = _kind_label(catalog, received.kind, locale) if media else None
    return await render_message(
        uow,
        catalog,
        "recruiter_no_show_wrote" if no_show else "recruiter_inbound",
        locale,
        candidate.city_id,
        name=candidate_label(candidate),
        city=city_name(city, locale) if city else "",
        phone=candidate.phone,
        username=candidate.username,
        wrote=quote_of(received.text) if no_show else _cut(received.text),
        kind=kind,
        vacancy=await title_of_application(uow, candidate.vacancy_id, locale),
    )

"""The card a recruiter gets for a booking: who, how they did, when in the recruiter's zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, TestKind
from domain.bookings.texts import BookingView, view_of
from domain.conversations.buttons import note_button
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog, render_message
from domain.screening.answers import option_label
from domain.screening.taken import which_test_and_result
from storage.dto import RecruiterDTO
from storage.models import Booking, Candidate, Slot
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from domain.bookings.booking import Messaging

KEY_ANSWERS = ("age", "status", "experience", "salary")
# How far ahead a newly linked chat is sent the cards of bookings made before it was linked.
WAITING_HORIZON = timedelta(days=366)


async def _answers(
    uow: UnitOfWork, catalog: Catalog, candidate: Candidate, locale: str
) -> tuple[str, str]:
    """The key screening answers, each under its own short label, and the score (or the
    result's state, in words, when the test has no score)."""
    test, result = await which_test_and_result(uow, candidate, TestKind.SCREENING)
    if test is None or result is None:
        return "", "—"
    by_id = {q.id: q for q in test.questions}
    lines = []
    for answer in result.answers:
        question = by_id.get(answer.question_id)
        if question is None or question.key not in KEY_ANSWERS:
            continue
        shown = option_label(question, answer.answer, locale) if question.options else answer.answer
        lines.append(f"• {catalog.text(f'card.answer.{question.key}', locale)}: {shown}")
    score = (
        f"{result.score:g}/{result.max_score:g}"
        if result.max_score
        else catalog.text(f"test_result.{result.status.value}", locale)
    )
    return "\n".join(lines), score


async def card_text(
    uow: UnitOfWork,
    catalog: Catalog,
    locale: str,
    booking: Booking,
    candidate: Candidate,
    view: BookingView,
) -> str:
    """In the recruiter's language; `view` must already be in the recruiter's zone."""
    answers, score = await _answers(uow, catalog, candidate, locale)
    values = view.values(catalog, locale)
    moved_from = await _moved_from(uow, catalog, locale, booking, view)
    return await render_message(
        uow,
        catalog,
        "recruiter_booking_card",
        locale,
        view.city_id,
        vacancy_id=view.vacancy_id,
        name=candidate.full_name or str(candidate.telegram_id),
        username=candidate.username,
        phone=candidate.phone,
        source=candidate.source,
        score=score,
        answers=answers,
        status=catalog.text(f"booking_status.{booking.status.value}", locale),
        moved_from=moved_from,
        **{k: values[k] for k in ("what", "date", "time", "city", "vacancy")},
    )


async def _moved_from(
    uow: UnitOfWork, catalog: Catalog, locale: str, booking: Booking, view: BookingView
) -> str | None:
    """For a move request, the time it would replace ("Mon, 7 Dec, 13:00"), in the card's
    zone; None for any other booking."""
    if booking.replaces_booking_id is None:
        return None
    original = await uow.bookings.get(booking.replaces_booking_id)
    if original is None:
        return None
    was = replace(await view_of(uow, original), zone=view.zone).values(catalog, locale)
    return f"{was['date']}, {was['time']}"


def card_buttons(
    booking: Booking, catalog: Catalog, locale: str, *, group: bool = False
) -> list[list[dict[str, Any]]]:
    """The card's buttons; for a seat of a group event (`group`), one to list its attendees."""

    def button(key: str, action: str, **extra: object) -> dict[str, Any]:
        return {
            "text": catalog.text(key, locale),
            "action": "recruiter",
            "do": action,
            "booking_id": booking.id,
            **extra,
        }

    rows: list[list[dict[str, Any]]] = []
    note = [note_button(catalog, locale, booking.candidate_id)]  # a private note, any time
    if booking.replaces_booking_id is not None:  # a move request: approve it or keep the old
        if booking.status is BookingStatus.PENDING:
            rows.append([button("button.approve_move", "approve")])
            rows.append([button("button.keep_original", "offer")])
        return [*rows, note]
    if booking.status is BookingStatus.PENDING:
        rows.append([button("button.approve", "approve")])
    if booking.status in (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.CONFIRMED):
        rows.append([button("button.offer_other", "offer")])
        rows.append([button("button.reject", "reject")])
    if group:
        attendees = {
            "text": catalog.text("button.attendees", locale),
            "action": "attendees",
            "slot_id": booking.slot_id,
        }
        rows.append([attendees])
    return [*rows, note]


async def recruiter_card(
    uow: UnitOfWork,
    catalog: Catalog,
    recruiter: RecruiterDTO,
    booking: Booking,
    candidate: Candidate,
) -> tuple[str, list[list[dict[str, Any]]]]:
    """The booking's card as it stands now, for its recruiter (in their language and zone):
    text and button intents."""
    locale = catalog.locale_for(recruiter.locale)
    view = replace(await view_of(uow, booking), zone=recruiter.timezone)
    text = await card_text(uow, catalog, locale, booking, candidate, view)
    slot = await uow.slots.get(booking.slot_id)
    group = slot is not None and slot.capacity > 1
    return text, card_buttons(booking, catalog, locale, group=group)


async def queue_card(
    uow: UnitOfWork, m: Messaging, booking: Booking, slot: Slot, candidate: Candidate
) -> bool:
    """Send the booking's card to its recruiter (in the recruiter's zone, with buttons), once;
    a recruiter with no chat yet gets it on linking (`queue_waiting_cards`)."""
    recruiter = await uow.recruiters.get_dto(slot.recruiter_id)
    if recruiter is None or recruiter.telegram_chat_id is None:
        return False
    text, buttons = await recruiter_card(uow, m.catalog, recruiter, booking, candidate)
    return await queue_message(
        uow,
        m.clock,
        chat_id=recruiter.telegram_chat_id,
        kind="booking_card",
        dedupe_key=f"booking_card:{booking.id}",
        text=text,
        buttons=buttons or None,
        booking_id=booking.id,
        candidate_id=candidate.id,
    )


async def queue_waiting_cards(uow: UnitOfWork, m: Messaging, recruiter_id: int) -> int:
    """On linking a chat: the cards of the recruiter's coming bookings still on (requests
    made before the chat was linked included), each once. Commits; returns how many."""
    now = m.clock.now()
    rows = await uow.bookings.for_recruiter_between(recruiter_id, now, now + WAITING_HORIZON)
    queued = 0
    for booking, slot, candidate in rows:
        if booking.status in ACTIVE_BOOKING_STATUSES:
            queued += await queue_card(uow, m, booking, slot, candidate)
    await uow.commit()
    return queued

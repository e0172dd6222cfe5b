"""What the panel and the API do to one candidate: status, messages, cancelling a booking."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import AdminRole, BookingStatus, CandidateStatus, NotificationStatus
from core.errors import InvalidField, NotFound
from core.result import Failure, Success
from domain.bookings.booking import Messaging, book_slot
from domain.bookings.reminders import queue_reminders
from domain.bookings.texts import view_of
from domain.conversations.replies import send_reply
from domain.messaging.texts import Catalog
from domain.organisation.accounts import create_admin
from domain.pipeline.actions import cancel_booking, change_status
from domain.scheduling.picker import BookingRules
from storage.models import AuditLogEntry, Booking, Notification
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

clock = FrozenClock(NOW)
messaging = Messaging(Catalog.load("en"), clock, BookingRules())
RECRUITER_CHAT = 555_000_001


@dataclass
class World:
    city_id: int
    candidate_id: int
    telegram_id: int
    other_id: int
    booking_id: int
    slot_id: int
    actor: str
    admin_id: int
    recruiter_id: int


async def _world(storage: Storage, *, reachable: bool = True) -> World:
    async with storage.uow() as uow:
        city = await make_city(uow, requires_approval=False)
        recruiter = await make_recruiter(uow, city, telegram_chat_id=RECRUITER_CHAT)
        slot = await make_slot(uow, recruiter, city)
        candidate = await make_candidate(uow, city, reachable=reachable)
        other = await make_candidate(uow, city)
        await uow.commit()
        booked = await book_slot(uow, messaging, candidate_id=candidate.id, slot_id=slot.id)
        assert isinstance(booked, Success)
    async with storage.uow() as uow:
        admin = await create_admin(uow, "boss", "a long password 1", AdminRole.ADMIN)
    return World(
        city.id,
        candidate.id,
        candidate.telegram_id,
        other.id,
        booked.value.id,
        slot.id,
        f"admin:{admin.id}",
        admin.id,
        recruiter.id,
    )


async def _audit(storage: Storage) -> list[AuditLogEntry]:
    """What the panel's account did to candidates and bookings (the candidate's own booking in
    the set-up is in the log too, under "candidate")."""
    async with storage.uow() as uow:
        stmt = select(AuditLogEntry).where(
            AuditLogEntry.entity.in_(["candidate", "booking"]),
            AuditLogEntry.actor.startswith("admin:"),
        )
        return list((await uow.session.scalars(stmt.order_by(AuditLogEntry.id))).all())


async def test_a_status_change_records_the_reason_the_actor_and_the_audit(
    storage: Storage,
) -> None:
    w = await _world(storage)
    async with storage.uow() as uow:
        result = await change_status(
            uow,
            w.candidate_id,
            CandidateStatus.WITHDRAWN,
            "  changed their mind ",
            actor=w.actor,
            tell=messaging,
            city_ids=frozenset({w.city_id}),
        )
    assert isinstance(result, Success)
    assert (result.value.to_status, result.value.reason) == (
        CandidateStatus.WITHDRAWN,
        "changed their mind",
    )
    async with storage.uow() as uow:
        candidate = await uow.candidates.get(w.candidate_id)
        assert candidate is not None
        assert candidate.status is CandidateStatus.WITHDRAWN
        last = (await uow.candidates.status_history(w.candidate_id))[-1]
    assert (last.from_status, last.to_status, last.actor, last.reason) == (
        CandidateStatus.INTERVIEW_SCHEDULED,
        CandidateStatus.WITHDRAWN,
        w.actor,
        "changed their mind",
    )
    (entry,) = await _audit(storage)
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == (
        w.actor,
        "change_status",
        "candidate",
        str(w.candidate_id),
    )
    assert entry.details == {
        "from": "interview_scheduled",
        "to": "withdrawn",
        "reason": "changed their mind",
    }


async def test_a_status_change_is_refused_without_a_reason_to_the_same_status_or_out_of_scope(
    storage: Storage,
) -> None:
    w = await _world(storage)
    attempts = [
        (w.candidate_id, CandidateStatus.HIRED, " ", None, InvalidField, "reason"),
        (w.candidate_id, CandidateStatus.HIRED, "x" * 501, None, InvalidField, "reason"),
        (w.candidate_id, CandidateStatus.INTERVIEW_SCHEDULED, "why", None, InvalidField, "status"),
        (w.candidate_id, CandidateStatus.HIRED, "why", frozenset({w.city_id + 1}), NotFound, ""),
        (10**9, CandidateStatus.HIRED, "why", None, NotFound, ""),
    ]
    for candidate_id, status, reason, scope, error, field in attempts:
        async with storage.uow() as uow:
            result = await change_status(
                uow, candidate_id, status, reason, actor=w.actor, tell=messaging, city_ids=scope
            )
        assert isinstance(result, Failure)
        assert isinstance(result.error, error)
        assert getattr(result.error, "field", "") == field
    async with storage.uow() as uow:
        candidate = await uow.candidates.get(w.candidate_id)
        assert candidate is not None
        assert candidate.status is CandidateStatus.INTERVIEW_SCHEDULED
    assert await _audit(storage) == []


async def _manual_messages(storage: Storage) -> list[Notification]:
    async with storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "panel_message")
        return list((await uow.session.scalars(stmt.order_by(Notification.id))).all())


async def test_a_message_is_queued_escaped_through_the_outbox_each_time(storage: Storage) -> None:
    w = await _world(storage)
    ids = []
    for _ in range(2):  # the same words twice are two messages
        async with storage.uow() as uow:
            result = await send_reply(
                uow,
                messaging.catalog,
                clock,
                w.candidate_id,
                " <b>Hi</b> & welcome ",
                actor=w.actor,
                admin_user_id=w.admin_id,
            )
        assert isinstance(result, Success)
        ids.append(result.value)
    queued = await _manual_messages(storage)
    assert [n.id for n in queued] == ids
    first = queued[0]
    # Under the writer's name (the account's login), the words escaped.
    login = first.payload["author"]["name"]
    assert first.payload["text"] == f"💬 <b>{login}</b>:\n&lt;b&gt;Hi&lt;/b&gt; &amp; welcome"
    assert first.payload["author"]["kind"] == "admin"
    assert (first.recipient_chat_id, first.candidate_id, first.status, first.due_at) == (
        w.telegram_id,
        w.candidate_id,
        NotificationStatus.PENDING,
        NOW,
    )
    audit = await _audit(storage)
    assert [(e.action, e.entity_id, e.details["notification_id"]) for e in audit] == [
        ("send_message", str(w.candidate_id), ids[0]),
        ("send_message", str(w.candidate_id), ids[1]),
    ]


async def test_a_message_is_refused_when_empty_unreachable_or_out_of_scope(
    storage: Storage,
) -> None:
    w = await _world(storage, reachable=False)
    async with storage.uow() as uow:
        other = await make_candidate(uow, None)
        await uow.commit()
    cases = [
        (w.candidate_id, "hello", None, InvalidField),  # blocked the bot
        (w.other_id, "   ", None, InvalidField),
        (w.other_id, "x" * 4001, None, InvalidField),
        (w.other_id, "hello", frozenset({w.city_id + 1}), NotFound),
        (other.id, "hello", frozenset({w.city_id}), NotFound),  # no city: nobody's
    ]
    for candidate_id, text, scope, error in cases:
        async with storage.uow() as uow:
            result = await send_reply(
                uow, messaging.catalog, clock, candidate_id, text, actor=w.actor, city_ids=scope
            )
        assert isinstance(result, Failure)
        assert isinstance(result.error, error)
    assert await _manual_messages(storage) == []


async def test_cancelling_frees_the_slot_tells_the_candidate_and_drops_reminders(
    storage: Storage,
) -> None:
    w = await _world(storage)
    async with storage.uow() as uow:
        booking = await uow.bookings.get(w.booking_id)
        candidate = await uow.candidates.get(w.candidate_id)
        assert booking is not None
        assert candidate is not None
        view = await view_of(uow, booking)
        await queue_reminders(uow, messaging.catalog, clock, candidate, view, messaging.rules)
        await uow.commit()
    async with storage.uow() as uow:
        result = await cancel_booking(
            uow,
            messaging,
            w.candidate_id,
            w.booking_id,
            "recruiter is ill",
            actor=w.actor,
            admin_user_id=w.admin_id,
            city_ids=frozenset({w.city_id}),
        )
    assert result == Success(w.booking_id)
    async with storage.uow() as uow:
        booking = await uow.session.get(Booking, w.booking_id)
        assert booking is not None
        assert (booking.status, booking.reason) == (BookingStatus.CANCELED, "recruiter is ill")
        assert await uow.slots.is_free(w.slot_id)
        candidate = await uow.candidates.get(w.candidate_id)
        assert candidate is not None
        assert candidate.status is CandidateStatus.SCREENING_PASSED
        rows = (await uow.session.scalars(select(Notification).order_by(Notification.id))).all()
    told = [n for n in rows if n.kind == "booking_canceled_by_recruiter"]
    assert len(told) == 1
    assert told[0].recipient_chat_id == w.telegram_id
    assert "cancel" in told[0].payload["text"]
    assert told[0].payload["buttons"][0][0]["action"] == "pick_time"
    (note,) = [n for n in rows if n.kind == "recruiter_booking_canceled_in_panel"]
    assert note.recipient_chat_id == RECRUITER_CHAT
    assert note.payload["text"].startswith("The booking of Test Candidate on ")
    assert "was canceled in the panel (recruiter is ill)" in note.payload["text"]
    # The event the confirmation sent is cancelled in the candidate's calendar.
    (removed,) = [n for n in rows if n.kind == "calendar_cancel"]
    assert removed.recipient_chat_id == w.telegram_id
    assert b"METHOD:CANCEL" in base64.b64decode(removed.payload["document"]["content_b64"])
    reminders = [
        n
        for n in rows
        if n.booking_id == w.booking_id and n.id < note.id and n.kind != "calendar_cancel"
    ]
    assert reminders
    assert all(n.status is NotificationStatus.CANCELED for n in reminders)
    # What the account did, and each status it changed on the way, all under its name.
    audit = await _audit(storage)
    assert [(e.action, e.entity) for e in audit] == [
        ("change_status", "booking"),
        ("change_status", "candidate"),
        ("cancel", "booking"),
    ]
    assert {e.actor for e in audit} == {w.actor}
    entry = audit[-1]
    assert (entry.entity_id, entry.details["reason"]) == (str(w.booking_id), "recruiter is ill")
    assert audit[0].details == {"from": "approved", "to": "canceled", "reason": "recruiter is ill"}


async def test_cancelling_is_refused_for_ended_foreign_or_unseen_bookings(
    storage: Storage,
) -> None:
    w = await _world(storage)
    cases = [
        (w.other_id, w.booking_id, "why", None, NotFound),  # not this candidate's booking
        (w.candidate_id, w.booking_id, "why", frozenset({w.city_id + 1}), NotFound),
        (w.candidate_id, 10**9, "why", None, NotFound),
        (w.candidate_id, w.booking_id, "", None, InvalidField),
    ]
    for candidate_id, booking_id, reason, scope, error in cases:
        async with storage.uow() as uow:
            result = await cancel_booking(
                uow, messaging, candidate_id, booking_id, reason, actor=w.actor, city_ids=scope
            )
        assert isinstance(result, Failure)
        assert isinstance(result.error, error)
    async with storage.uow() as uow:
        assert (
            await cancel_booking(
                uow, messaging, w.candidate_id, w.booking_id, "once", actor=w.actor
            )
        ).ok
    async with storage.uow() as uow:
        again = await cancel_booking(
            uow, messaging, w.candidate_id, w.booking_id, "twice", actor=w.actor
        )
    assert isinstance(again, Failure)
    assert isinstance(again.error, InvalidField)
    assert again.error.reason == "reason.booking.already.canceled"  # "...canceled already"
    assert [e.action for e in await _audit(storage)].count("cancel") == 1


async def test_a_recruiter_cancelling_their_own_booking_is_not_told_of_it(
    storage: Storage,
) -> None:
    w = await _world(storage)
    async with storage.uow() as uow:
        result = await cancel_booking(
            uow,
            messaging,
            w.candidate_id,
            w.booking_id,
            "the office is closed",
            actor=w.actor,
            acting_recruiter_id=w.recruiter_id,
        )
    assert result == Success(w.booking_id)
    async with storage.uow() as uow:
        rows = (await uow.session.scalars(select(Notification))).all()
    told = [n.recipient_chat_id for n in rows if n.kind.startswith("recruiter_booking_canceled")]
    assert told == []  # the booking card they got when it was made is all they have
    assert [n.recipient_chat_id for n in rows if n.kind == "booking_canceled_by_recruiter"] == [
        w.telegram_id
    ]

"""The state machines against the database: a refused move writes nothing, a booking that
stops being active takes its queued messages with it, and a move someone else made first is
reported, not repeated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, NotificationStatus, TestKind
from domain.bookings.booking import Messaging
from domain.bookings.status import move_booking_status
from domain.demo import knowledge_questions
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog
from domain.pipeline.status import move_candidate
from domain.scheduling.picker import BookingRules
from domain.transitions import IllegalTransition
from storage.models import Booking, Notification, Test
from storage.uow import UnitOfWork
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot


async def _booking(uow: UnitOfWork, status: BookingStatus) -> Booking:
    city = await make_city(uow)
    recruiter = await make_recruiter(uow, city)
    slot = await make_slot(uow, recruiter, city, NOW + timedelta(days=2))
    candidate = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_SCHEDULED)
    booking = await uow.bookings.try_create(slot, candidate.id, status, actor="test")
    assert booking is not None
    await queue_message(
        uow,
        FrozenClock(NOW),
        chat_id=candidate.telegram_id,
        kind="reminder",
        dedupe_key=f"reminder:{booking.id}",
        text="See you tomorrow",
        due_at=NOW + timedelta(days=1),
        candidate_id=candidate.id,
        booking_id=booking.id,
    )
    return booking


async def _queued(uow: UnitOfWork, booking_id: int) -> list[NotificationStatus]:
    stmt = select(Notification.status).where(Notification.booking_id == booking_id)
    return list((await uow.session.scalars(stmt)).all())


@pytest.mark.parametrize(
    ("to", "left"),
    [
        (BookingStatus.CONFIRMED, NotificationStatus.PENDING),  # still on: the reminder stays
        (BookingStatus.ATTENDED, NotificationStatus.CANCELED),
        (BookingStatus.CANCELED, NotificationStatus.CANCELED),
        (BookingStatus.DECLINED, NotificationStatus.CANCELED),
    ],
)
async def test_a_booking_that_ends_takes_its_queued_messages_with_it(
    storage: Storage, to: BookingStatus, left: NotificationStatus
) -> None:
    async with storage.uow() as uow:
        booking = await _booking(uow, BookingStatus.APPROVED)
        assert await move_booking_status(uow, booking, to, actor="recruiter:1")
        await uow.commit()
    async with storage.uow() as uow:
        assert await _queued(uow, booking.id) == [left]
        history = await uow.bookings.history(booking.id)
        assert [(h.to_status, h.actor) for h in history][-1] == (to, "recruiter:1")


async def test_a_refused_booking_move_writes_nothing(storage: Storage) -> None:
    async with storage.uow() as uow:
        booking = await _booking(uow, BookingStatus.PENDING)
        await uow.commit()
    async with storage.uow() as uow:
        fresh = await uow.bookings.get(booking.id)
        assert fresh is not None
        with pytest.raises(IllegalTransition):
            await move_booking_status(uow, fresh, BookingStatus.NO_SHOW, actor="recruiter:1")
        await uow.commit()
    async with storage.uow() as uow:
        assert [h.to_status for h in await uow.bookings.history(booking.id)] == [
            BookingStatus.PENDING
        ]
        assert await _queued(uow, booking.id) == [NotificationStatus.PENDING]


async def test_a_move_made_first_elsewhere_is_reported(postgres_storage: Storage) -> None:
    # PostgreSQL only: SQLite takes the write lock at BEGIN, so its transactions never overlap.
    storage = postgres_storage
    async with storage.uow() as uow:
        booking = await _booking(uow, BookingStatus.PENDING)
        await uow.commit()
    async with storage.uow() as first, storage.uow() as second:
        mine = await first.bookings.get(booking.id)
        theirs = await second.bookings.get(booking.id)
        assert mine is not None and theirs is not None
        assert await move_booking_status(first, mine, BookingStatus.APPROVED, actor="recruiter:1")
        await first.commit()
        assert not await move_booking_status(second, theirs, BookingStatus.EXPIRED, actor="system")
        assert theirs.status is BookingStatus.APPROVED  # reloaded: the caller sees what won


async def test_a_refused_candidate_move_writes_no_history(storage: Storage) -> None:
    async with storage.uow() as uow:
        person = await make_candidate(uow, status=CandidateStatus.SCREENING_FAILED)
        with pytest.raises(IllegalTransition):
            await move_candidate(
                uow, person, CandidateStatus.SCREENING_PASSED, actor="candidate", tell=None
            )
        await move_candidate(
            uow,
            person,
            CandidateStatus.SCREENING_PASSED,
            actor="recruiter:1",
            reason="typo",
            manual=True,
            tell=None,
        )
        await uow.commit()
    async with storage.uow() as uow:
        history = await uow.candidates.status_history(person.id)
        assert [(h.to_status, h.actor, h.reason) for h in history] == [
            (CandidateStatus.SCREENING_PASSED, "recruiter:1", "typo")
        ]


async def test_a_manual_correction_needs_a_reason_and_a_change(storage: Storage) -> None:
    async with storage.uow() as uow:
        person = await make_candidate(uow, status=CandidateStatus.NO_SHOW)
        for to, reason in [(CandidateStatus.NO_SHOW, "x"), (CandidateStatus.SCREENING_PASSED, "")]:
            with pytest.raises(IllegalTransition):
                await move_candidate(
                    uow, person, to, actor="recruiter:1", reason=reason, manual=True, tell=None
                )


async def _test2_invites(uow: UnitOfWork, candidate_id: int) -> list[str]:
    stmt = select(Notification.kind).where(
        Notification.candidate_id == candidate_id, Notification.kind == "test2_invite"
    )
    return list((await uow.session.scalars(stmt)).all())


async def test_entering_interviewed_passed_invites_to_test2_by_any_path(storage: Storage) -> None:
    """A person's correction in the panel tells the candidate what the recruiter's button
    would have: the test 2 invitation, once."""
    tell = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
    async with storage.uow() as uow:
        uow.tests.add(Test(kind=TestKind.KNOWLEDGE, title="t2", questions=knowledge_questions()))
        person = await make_candidate(uow, status=CandidateStatus.NO_SHOW)
        other = await make_candidate(uow, status=CandidateStatus.NO_SHOW)
        await uow.commit()
    async with storage.uow() as uow:
        fresh = await uow.candidates.get(person.id)
        assert fresh is not None
        await move_candidate(
            uow,
            fresh,
            CandidateStatus.INTERVIEWED_PASSED,
            actor="recruiter:1",
            reason="came after all",
            manual=True,
            tell=tell,
        )
        await uow.commit()
    async with storage.uow() as uow:
        assert await _test2_invites(uow, person.id) == ["test2_invite"]
        fresh = await uow.candidates.get(other.id)
        assert fresh is not None
        with pytest.raises(TypeError):  # a path that can enter it must be able to tell
            await move_candidate(
                uow,
                fresh,
                CandidateStatus.INTERVIEWED_PASSED,
                actor="x",
                reason="y",
                manual=True,
                tell=None,
            )

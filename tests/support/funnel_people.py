"""Candidates who went through given statuses, for the funnel's tests: the status history
written as the pipeline writes it, and an interview (and, for the hired, an intro day) marked
"came" through the bookings' change function, which sets the milestones the funnel counts."""

from __future__ import annotations

from datetime import timedelta

from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from storage.models import City, Recruiter
from storage.uow import UnitOfWork
from tests.support.factories import NOW, make_candidate, make_slot


async def person_through(
    uow: UnitOfWork,
    city: City,
    recruiter: Recruiter,
    path: list[CandidateStatus],
    came: bool,
    **kw: object,
) -> None:
    candidate = await make_candidate(uow, city, status=CandidateStatus.NEW, **kw)
    for status in path:
        uow.candidates.change_status(candidate, status, actor="test")
    await uow.session.flush()
    if not came:
        return
    times = [(NOW - timedelta(days=1, minutes=candidate.id), SlotPurpose.INTERVIEW)]
    if CandidateStatus.HIRED in path:  # and came to an intro day (a seat of a group event)
        times.append((NOW - timedelta(hours=5, minutes=candidate.id), SlotPurpose.INTRO_DAY))
    for starts_at, purpose in times:
        slot = await make_slot(uow, recruiter, city, starts_at, purpose)
        booking = await uow.bookings.try_create(
            slot, candidate.id, BookingStatus.APPROVED, actor="test"
        )
        assert booking is not None
        assert await uow.bookings.change_status(booking, BookingStatus.ATTENDED, actor="test")

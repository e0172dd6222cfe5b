"""Every status change, by every actor, is in the candidate's history and in the audit log
under the same actor: the candidate in the chat, a recruiter, a job, a panel account."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import AdminRole, CandidateStatus
from core.result import Success
from domain.bookings import jobs as recruiter_jobs
from domain.bookings.booking import Messaging, approve_booking, book_slot
from domain.messaging.texts import Catalog
from domain.organisation.accounts import create_admin
from domain.pipeline.actions import change_status
from domain.scheduling.picker import BookingRules
from storage.engine import create_session_factory
from storage.models import AuditLogEntry
from storage.uow import uow_factory
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot


async def test_each_actor_is_in_the_history_and_the_audit(storage: Storage) -> None:
    clock = FrozenClock(NOW)
    uows = uow_factory(create_session_factory(storage.engine), storage.cache, clock=clock)
    m = Messaging(Catalog.load("en"), clock, BookingRules())
    async with uows() as uow:
        city = await make_city(uow, requires_approval=True)
        recruiter = await make_recruiter(uow, city)
        soon = await make_slot(uow, recruiter, city, NOW + timedelta(hours=5))
        later = await make_slot(uow, recruiter, city, NOW + timedelta(days=3))
        ann = await make_candidate(uow, city)
        bob = await make_candidate(uow, city)
        await uow.commit()
    async with uows() as uow:  # the candidates, in the chat
        assert isinstance(await book_slot(uow, m, candidate_id=ann.id, slot_id=later.id), Success)
    async with uows() as uow:
        booked = await book_slot(uow, m, candidate_id=bob.id, slot_id=soon.id)
    assert isinstance(booked, Success)
    async with uows() as uow:  # a recruiter approves Ann's request
        ann_booking = await uow.bookings.active_for_candidate(ann.id, later.purpose)
        assert ann_booking is not None
        actor = f"recruiter:{recruiter.id}"
        assert isinstance(await approve_booking(uow, m, ann_booking.id, actor=actor), Success)
    clock.advance(timedelta(hours=5))  # Bob's request is still unanswered when it begins
    assert await recruiter_jobs.expire_pending(uows, m, timedelta(hours=24)) == 1
    async with uows() as uow:
        account = await create_admin(uow, "boss", "a long password 1", AdminRole.ADMIN)
    panel = f"admin:{account.id}"
    async with uows() as uow:  # a panel account
        moved = await change_status(
            uow, ann.id, CandidateStatus.WITHDRAWN, "moved away", actor=panel, tell=m
        )
    assert isinstance(moved, Success)

    async with uows() as uow:
        history = {
            (who, change.to_status.value, change.actor)
            for who in (ann.id, bob.id)
            for change in await uow.candidates.status_history(who)
        }
        rows = (
            await uow.session.scalars(
                select(AuditLogEntry).where(
                    AuditLogEntry.entity == "candidate", AuditLogEntry.action == "change_status"
                )
            )
        ).all()
    audited = {(int(r.entity_id or 0), r.details["to"], r.actor) for r in rows}
    assert history == audited
    assert {
        (ann.id, "interview_requested", "candidate"),
        (ann.id, "interview_scheduled", f"recruiter:{recruiter.id}"),
        (ann.id, "withdrawn", panel),
        (bob.id, "interview_requested", "candidate"),
        (bob.id, "screening_passed", "system"),
    } <= audited
    admin_row = next(r for r in rows if r.actor == panel)
    assert admin_row.admin_user_id == account.id  # the account is linked

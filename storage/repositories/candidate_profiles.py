"""One candidate's story as the panel's profile shows it: their test results and answers, their
bookings with the slot, recruiter and city, and the messages sent to them. One query each; the
candidate's own line comes from the candidate search."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select

from core.enums import TestKind
from storage.models import (
    Booking,
    Candidate,
    City,
    Notification,
    Recruiter,
    Slot,
    Test,
    TestAnswer,
    TestQuestion,
    TestResult,
)
from storage.repositories.base import Repository

# recruiter's name, city's name, city's time zone
BookingWithPlace = tuple[Booking, Slot, str, str, str]


class CandidateProfileRepository(Repository[Candidate]):
    """Reads only."""

    model = Candidate
    cache_tag = "candidates"

    async def test_results(self, candidate_id: int) -> Sequence[tuple[TestResult, TestKind, str]]:
        """Each result with its test's kind and title, oldest first (answers not loaded)."""
        stmt = (
            select(TestResult, Test.kind, Test.title)
            .join(Test, Test.id == TestResult.test_id)
            .where(TestResult.candidate_id == candidate_id)
            .order_by(TestResult.started_at, TestResult.id)
        )
        return (await self.session.execute(stmt)).all()

    async def test_answers(self, candidate_id: int) -> Sequence[tuple[TestAnswer, TestQuestion]]:
        """Every answer of every result with its question, by result, in the order given."""
        stmt = (
            select(TestAnswer, TestQuestion)
            .join(TestQuestion, TestQuestion.id == TestAnswer.question_id)
            .join(TestResult, TestResult.id == TestAnswer.result_id)
            .where(TestResult.candidate_id == candidate_id)
            .order_by(TestAnswer.result_id, TestAnswer.id)
        )
        return (await self.session.execute(stmt)).all()

    async def bookings(self, candidate_id: int) -> Sequence[BookingWithPlace]:
        """Every booking with its slot, the recruiter's name and the city's, latest slot first."""
        stmt = (
            select(Booking, Slot, Recruiter.name, City.name, City.timezone)
            .join(Slot, Slot.id == Booking.slot_id)
            .join(Recruiter, Recruiter.id == Slot.recruiter_id)
            .join(City, City.id == Slot.city_id)
            .where(Booking.candidate_id == candidate_id)
            .order_by(Slot.starts_at.desc(), Booking.id.desc())
        )
        return (await self.session.execute(stmt)).all()

    async def messages(
        self, chat_id: int, limit: int, candidate_id: int | None = None
    ) -> list[Notification]:
        """The latest `limit` messages queued to this chat, newest first; with `candidate_id`,
        those for that application or for none in particular (not the person's others)."""
        stmt = (
            select(Notification)
            .where(Notification.recipient_chat_id == chat_id, *_for(candidate_id))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def message_count(self, chat_id: int, candidate_id: int | None = None) -> int:
        """How many messages were ever queued to this chat (`candidate_id`: as `messages`)."""
        stmt = select(func.count(Notification.id)).where(
            Notification.recipient_chat_id == chat_id, *_for(candidate_id)
        )
        return int((await self.session.execute(stmt)).scalar_one())


def _for(candidate_id: int | None) -> tuple[ColumnElement[bool], ...]:
    """A person's chat holds what went there for each of their applications: one
    application's share is its own and what was for none of them in particular."""
    if candidate_id is None:
        return ()
    return (or_(Notification.candidate_id == candidate_id, Notification.candidate_id.is_(None)),)

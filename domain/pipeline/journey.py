"""Where a candidate is in the journey, derived from what the database holds (so a restart,
or another instance, picks up exactly where they stopped)."""

from __future__ import annotations

from enum import StrEnum

from core.enums import CandidateStatus, SlotPurpose
from storage.models import Candidate
from storage.uow import UnitOfWork


class Stage(StrEnum):
    CITY = "city"
    SCREENING = "screening"
    REJECTED = "rejected"
    PICK_INTERVIEW = "pick_interview"
    INTERVIEW_BOOKED = "interview_booked"
    TEST2 = "test2"
    PICK_INTRO_DAY = "pick_intro_day"
    INTRO_DAY_BOOKED = "intro_day_booked"
    TEST2_FAILED = "test2_failed"
    DONE = "done"


_BY_STATUS = {
    CandidateStatus.SCREENING_FAILED: Stage.REJECTED,
    CandidateStatus.SCREENING_PASSED: Stage.PICK_INTERVIEW,
    CandidateStatus.INTERVIEW_REQUESTED: Stage.INTERVIEW_BOOKED,
    CandidateStatus.INTERVIEW_SCHEDULED: Stage.INTERVIEW_BOOKED,
    CandidateStatus.INTERVIEW_CONFIRMED: Stage.INTERVIEW_BOOKED,
    CandidateStatus.INTERVIEWED_PASSED: Stage.TEST2,
    CandidateStatus.TEST2_PASSED: Stage.PICK_INTRO_DAY,
    CandidateStatus.TEST2_FAILED: Stage.TEST2_FAILED,
    CandidateStatus.INTRO_DAY_SCHEDULED: Stage.INTRO_DAY_BOOKED,
}


# A journey that has ended: what the candidate is told when they come back, one answer each.
_FINAL_ANSWERS = {
    CandidateStatus.SCREENING_FAILED: "final_screening_failed",
    CandidateStatus.NO_SHOW: "final_no_show",
    CandidateStatus.INTERVIEWED_FAILED: "final_interviewed_failed",
    CandidateStatus.TEST2_FAILED: "final_test2_failed",
    CandidateStatus.HIRED: "final_hired",
    CandidateStatus.NOT_HIRED: "final_not_hired",
    CandidateStatus.WITHDRAWN: "final_withdrawn",
}

# Where the candidate books (or holds) a time: what the "choose a time" button opens.
_BOOKING_PURPOSE = {
    Stage.PICK_INTERVIEW: SlotPurpose.INTERVIEW,
    Stage.INTERVIEW_BOOKED: SlotPurpose.INTERVIEW,
    Stage.PICK_INTRO_DAY: SlotPurpose.INTRO_DAY,
    Stage.INTRO_DAY_BOOKED: SlotPurpose.INTRO_DAY,
}


def stage_of(candidate: Candidate) -> Stage:
    if candidate.status in (CandidateStatus.NEW, CandidateStatus.SCREENING):
        return Stage.CITY if candidate.city_id is None else Stage.SCREENING
    return _BY_STATUS.get(candidate.status, Stage.DONE)


def final_answer(candidate: Candidate) -> str | None:
    """The template that answers a candidate whose journey has ended, else None."""
    return _FINAL_ANSWERS.get(candidate.status)


# Where the bot waits for the candidate's next step (a city, an answer, a time to choose).
_MID_FLOW = frozenset(
    (Stage.CITY, Stage.SCREENING, Stage.PICK_INTERVIEW, Stage.TEST2, Stage.PICK_INTRO_DAY)
)


def step_follows_a_message(candidate: Candidate) -> bool:
    """Whether a message the candidate wrote, once acknowledged, is followed by their step
    again: yes where the bot waits for a step (so the flow goes on) and where the journey has
    ended (its answer stands); no for a booked candidate (nothing changed) or a no-show
    (their acknowledgement says their words are passed on)."""
    if candidate.status is CandidateStatus.NO_SHOW:
        return False
    return final_answer(candidate) is not None or stage_of(candidate) in _MID_FLOW


def booking_purpose(candidate: Candidate) -> SlotPurpose | None:
    """What the candidate may book a time for at their stage, if anything."""
    return _BOOKING_PURPOSE.get(stage_of(candidate))


async def reread(uow: UnitOfWork, candidate: Candidate) -> None:
    """Read the candidate's row again, so the next screen follows what the last step stored."""
    await uow.candidates.reread(candidate)

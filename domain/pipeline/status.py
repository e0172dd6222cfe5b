"""The candidate's pipeline as a state machine: every status change, by every actor, goes
through `move_candidate`, which checks the table, then writes the history row and the audit
row under the actor (`candidate`, `recruiter:<id>`, `admin:<id>`, `token:<id>`, `system`).

The table holds the moves the journey itself makes (tests, bookings, outcomes). A person in
the panel or the API may also correct a status to any other one, with a reason: `manual=True`.
"""

from __future__ import annotations

from core.enums import CandidateStatus as C
from domain.records import Candidate, CandidateStatusChange
from domain.transitions import IllegalTransition, TransitionTable
from storage.uow import UnitOfWork

# A booked interview, whatever its booking's state: what it may become.
_BOOKED_INTERVIEW = frozenset(
    {
        C.INTERVIEW_REQUESTED,  # moved to a time that needs approval
        C.INTERVIEW_SCHEDULED,  # approved, or moved to a time that needs none
        C.INTERVIEW_CONFIRMED,  # "I'm coming"
        C.SCREENING_PASSED,  # the booking ended before the interview: book again
        C.NOT_HIRED,  # the recruiter rejected them
        C.NO_SHOW,
        C.INTERVIEWED_PASSED,
        C.INTERVIEWED_FAILED,
    }
)

CANDIDATE_MOVES: TransitionTable[C] = TransitionTable(
    "candidate",
    {
        C.NEW: frozenset({C.SCREENING, C.SCREENING_PASSED, C.SCREENING_FAILED}),
        C.SCREENING: frozenset({C.SCREENING_PASSED, C.SCREENING_FAILED}),
        C.SCREENING_PASSED: frozenset({C.INTERVIEW_REQUESTED, C.INTERVIEW_SCHEDULED, C.NOT_HIRED}),
        C.INTERVIEW_REQUESTED: _BOOKED_INTERVIEW - {C.INTERVIEW_CONFIRMED},
        C.INTERVIEW_SCHEDULED: _BOOKED_INTERVIEW,
        C.INTERVIEW_CONFIRMED: _BOOKED_INTERVIEW - {C.INTERVIEW_CONFIRMED},
        C.INTERVIEWED_PASSED: frozenset({C.TEST2_PASSED, C.TEST2_FAILED}),
        C.TEST2_PASSED: frozenset({C.INTRO_DAY_SCHEDULED, C.NOT_HIRED}),
        C.INTRO_DAY_SCHEDULED: frozenset(
            {C.INTRO_DAY_SCHEDULED, C.TEST2_PASSED, C.HIRED, C.NOT_HIRED}
        ),
        # Final for the journey (a person may still correct them): screening failed,
        # no-show, interview failed, test 2 failed, hired, not hired, withdrawn.
    },
)


def move_candidate(
    uow: UnitOfWork,
    candidate: Candidate,
    to_status: C,
    *,
    actor: str,
    reason: str | None = None,
    manual: bool = False,
) -> CandidateStatusChange:
    """Apply one change, or raise `IllegalTransition`. A manual correction needs a reason and
    a status other than the current one. The caller commits."""
    if manual:
        if candidate.status is to_status or not reason:
            raise IllegalTransition("candidate", candidate.status, to_status)
    else:
        CANDIDATE_MOVES.check(candidate.status, to_status)
    return uow.candidates.change_status(candidate, to_status, actor=actor, reason=reason)

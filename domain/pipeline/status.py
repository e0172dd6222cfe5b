"""The candidate's pipeline as a state machine: every status change, by every actor, goes
through `move_candidate`, which checks the table, writes the history row and the audit row
under the actor (`candidate`, `recruiter:<id>`, `admin:<id>`, `admin:<id>:token:<id>`,
`system`), and queues what entering the new status tells the candidate (`ON_ENTER`), so that
it is told whichever path made the change.

The table holds the moves the journey itself makes (tests, bookings, outcomes). A person in
the panel or the API may also correct a status to any other one, with a reason: `manual=True`.
Messages about a particular booking or answers (a time confirmed, a no-show, a rejection) are
queued by the use case that has them, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from core.clock import Clock
from core.enums import CandidateStatus as C
from core.enums import TestKind
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog, render_message
from domain.records import Candidate, CandidateStatusChange
from domain.screening.taken import which_test
from domain.transitions import IllegalTransition, TransitionTable
from storage.uow import UnitOfWork


class Teller(Protocol):
    """What a change needs to tell people (the bookings' `Messaging` is one)."""

    @property
    def catalog(self) -> Catalog: ...

    @property
    def clock(self) -> Clock: ...


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
        # NO_SHOW: marked absent from the intro day (one seat of it), as from an interview.
        C.INTRO_DAY_SCHEDULED: frozenset(
            {C.INTRO_DAY_SCHEDULED, C.TEST2_PASSED, C.HIRED, C.NOT_HIRED, C.NO_SHOW}
        ),
        # Final for the journey (a person may still correct them): screening failed,
        # no-show, interview failed, test 2 failed, hired, not hired, withdrawn.
    },
)


async def invite_to_test2(uow: UnitOfWork, tell: Teller, candidate: Candidate) -> None:
    """Passed the interview: test 2's invitation with its button (once per candidate), when
    test 2 has questions."""
    test = await which_test(uow, candidate, TestKind.KNOWLEDGE)
    if test is None or not test.questions:
        return
    catalog, locale = tell.catalog, candidate.locale
    text = await render_message(
        uow,
        catalog,
        "test2_invite",
        locale,
        candidate.city_id,
        vacancy_id=candidate.vacancy_id,
        total=len(test.questions),
        attempts=test.default_max_attempts,
        seconds=test.default_time_limit_seconds or 120,
    )
    start = {"text": catalog.text("button.start_test2", locale), "action": "test2_start"}
    await queue_message(
        uow,
        tell.clock,
        chat_id=candidate.telegram_id,
        kind="test2_invite",
        dedupe_key=f"test2_invite:{candidate.id}",
        text=text,
        buttons=[[start]],
        candidate_id=candidate.id,
    )


# What entering a status tells the candidate, whoever made the change.
ON_ENTER: dict[C, Callable[[UnitOfWork, Teller, Candidate], Awaitable[None]]] = {
    C.INTERVIEWED_PASSED: invite_to_test2,
}


async def move_candidate(
    uow: UnitOfWork,
    candidate: Candidate,
    to_status: C,
    *,
    actor: str,
    tell: Teller | None,
    reason: str | None = None,
    manual: bool = False,
) -> CandidateStatusChange:
    """Apply one change, or raise `IllegalTransition`, and queue what entering the status
    tells the candidate (a path that can enter such a status must pass `tell`). A manual
    correction needs a reason and a status other than the current one. The caller commits."""
    if manual:
        if candidate.status is to_status or not reason:
            raise IllegalTransition("candidate", candidate.status, to_status)
    else:
        CANDIDATE_MOVES.check(candidate.status, to_status)
    change = uow.candidates.change_status(candidate, to_status, actor=actor, reason=reason)
    notice = ON_ENTER.get(to_status)
    if notice is not None:
        if tell is None:
            raise TypeError(f"entering {to_status.value} tells the candidate: pass `tell`")
        await notice(uow, tell, candidate)
    return change

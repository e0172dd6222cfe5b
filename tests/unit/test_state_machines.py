"""The two state machines: their tables, the typed refusal, and that nothing else changes a
status (every path goes through `move_candidate` or `move_booking_status`)."""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

import pytest

from core.enums import BookingStatus, CandidateStatus
from core.errors import AppError
from domain.bookings.status import BOOKING_MOVES
from domain.pipeline.status import CANDIDATE_MOVES
from domain.transitions import IllegalTransition

ROOT = Path(__file__).resolve().parents[2]
C, B = CandidateStatus, BookingStatus

JOURNEY = [  # the happy path, each step a move the journey makes itself
    C.NEW,
    C.SCREENING,
    C.SCREENING_PASSED,
    C.INTERVIEW_REQUESTED,
    C.INTERVIEW_SCHEDULED,
    C.INTERVIEW_CONFIRMED,
    C.INTERVIEWED_PASSED,
    C.TEST2_PASSED,
    C.INTRO_DAY_SCHEDULED,
    C.HIRED,
]
FINAL = {
    C.SCREENING_FAILED,
    C.NO_SHOW,
    C.INTERVIEWED_FAILED,
    C.TEST2_FAILED,
    C.HIRED,
    C.NOT_HIRED,
    C.WITHDRAWN,
}


@pytest.mark.parametrize(("before", "after"), list(pairwise(JOURNEY)))
def test_the_journey_moves_forward(before: CandidateStatus, after: CandidateStatus) -> None:
    CANDIDATE_MOVES.check(before, after)


@pytest.mark.parametrize("final", sorted(FINAL))
def test_final_statuses_allow_no_move_of_the_journey(final: CandidateStatus) -> None:
    for target in CandidateStatus:
        assert not CANDIDATE_MOVES.allows(final, target)


def test_every_status_is_either_final_or_leads_somewhere() -> None:
    assert set(CandidateStatus) == set(CANDIDATE_MOVES.moves) | FINAL


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (C.NEW, C.HIRED),  # skipping the whole journey
        (C.SCREENING_FAILED, C.SCREENING_PASSED),  # a replayed answer
        (C.INTERVIEWED_PASSED, C.SCREENING_PASSED),  # a stale "cancel" after the outcome
        (C.HIRED, C.NOT_HIRED),  # a replayed outcome button
        (C.SCREENING_PASSED, C.INTERVIEW_CONFIRMED),  # "I'm coming" with no approved time
    ],
)
def test_an_illegal_candidate_move_is_refused_with_a_typed_error(
    before: CandidateStatus, after: CandidateStatus
) -> None:
    with pytest.raises(IllegalTransition) as refused:
        CANDIDATE_MOVES.check(before, after)
    assert isinstance(refused.value, AppError)
    assert refused.value.message_key == "error.illegal_transition"
    assert (refused.value.from_status, refused.value.to_status) == (before, after)


def test_a_booking_lives_from_request_to_outcome() -> None:
    for before, after in [
        (B.PENDING, B.APPROVED),
        (B.APPROVED, B.CONFIRMED),
        (B.CONFIRMED, B.ATTENDED),
        (B.APPROVED, B.NO_SHOW),
        (B.PENDING, B.EXPIRED),
        (B.PENDING, B.DECLINED),
        (B.CONFIRMED, B.CANCELED),
    ]:
        BOOKING_MOVES.check(before, after)


@pytest.mark.parametrize("final", [B.ATTENDED, B.NO_SHOW, B.DECLINED, B.CANCELED, B.EXPIRED])
def test_an_ended_booking_never_moves_again(final: BookingStatus) -> None:
    for target in BookingStatus:
        with pytest.raises(IllegalTransition):
            BOOKING_MOVES.check(final, target)


def test_a_pending_request_cannot_be_confirmed_or_missed_before_approval() -> None:
    for target in (B.CONFIRMED, B.NO_SHOW):
        with pytest.raises(IllegalTransition):
            BOOKING_MOVES.check(B.PENDING, target)


# Only the state machines may call the repositories' status writers.
WRITERS = {
    ("candidates", "change_status"): "domain/pipeline/status.py",
    ("bookings", "change_status"): "domain/bookings/status.py",
}
PRODUCT = ["core", "storage", "domain", "bot", "admin", "scheduler", "runtime", "main.py"]


def _status_writes(path: Path) -> list[tuple[str, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "change_status"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in ("candidates", "bookings")
        ):
            found.append((node.value.attr, node.attr))
    return found


def test_only_the_state_machines_write_a_status() -> None:
    files = [
        p
        for top in PRODUCT
        for p in ((ROOT / top).rglob("*.py") if top != "main.py" else [ROOT / top])
    ]
    writers = {
        (repo, method, str(path.relative_to(ROOT)))
        for path in files
        for repo, method in _status_writes(path)
    }
    assert writers == {(repo, method, home) for (repo, method), home in WRITERS.items()}

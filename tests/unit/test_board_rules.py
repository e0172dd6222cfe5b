"""The pipeline board's own rules: every status is one column (the journey's in order, the
outcomes that end it at the end), and a selection is each candidate once, one at least and at
most the cap."""

from __future__ import annotations

from core.enums import CandidateStatus
from core.errors import InvalidField
from domain.pipeline.board import CLOSED_STAGES, OPEN_STAGES
from domain.pipeline.bulk import MAX_SELECTION, SELECTION_EMPTY, SELECTION_TOO_BIG, selection
from domain.pipeline.status import CANDIDATE_MOVES


def test_every_status_is_one_column() -> None:
    columns = [*OPEN_STAGES, *CLOSED_STAGES]
    assert sorted(columns) == sorted(CandidateStatus)
    assert len(set(columns)) == len(columns)


def test_the_closed_columns_are_the_journeys_ends_but_hired() -> None:
    ends = {s for s in CandidateStatus if not CANDIDATE_MOVES.moves.get(s)}
    assert set(CLOSED_STAGES) == ends - {CandidateStatus.HIRED}
    assert OPEN_STAGES[0] is CandidateStatus.NEW and OPEN_STAGES[-1] is CandidateStatus.HIRED


def test_a_selection_is_each_candidate_once_in_the_order_given() -> None:
    assert selection([5, 3, 5, 9, 3]) == (5, 3, 9)


def test_a_selection_is_refused_when_empty_or_too_big() -> None:
    empty = selection([])
    assert isinstance(empty, InvalidField) and empty.reason == SELECTION_EMPTY
    assert selection(range(1, MAX_SELECTION + 1)) == tuple(range(1, MAX_SELECTION + 1))
    big = selection(range(1, MAX_SELECTION + 2))
    assert isinstance(big, InvalidField) and big.reason == SELECTION_TOO_BIG
    assert big.field == "ids" and big.values == {"limit": MAX_SELECTION}

"""The pipeline board's own rules: every status is one column (the journey's in order, the
outcomes that end it at the end), and a selection is each candidate once, one at least and at
most the cap."""

from __future__ import annotations

from typing import Any

import pytest

from core.clock import FrozenClock
from core.enums import CandidateStatus
from core.errors import Conflict, InvalidField
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.pipeline import bulk
from domain.pipeline.board import CLOSED_STAGES, OPEN_STAGES
from domain.pipeline.bulk import MAX_SELECTION, SELECTION_EMPTY, SELECTION_TOO_BIG, selection
from domain.pipeline.status import CANDIDATE_MOVES
from domain.scheduling.picker import BookingRules
from storage.uow import UnitOfWork
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city


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


async def test_a_refusal_raised_part_way_is_undone_and_stops_none_of_the_others(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-candidate change that raises (a race lost after it wrote) is rolled back and
    reported as that candidate's refusal; the others are done."""
    async with sqlite_storage.uow() as uow:
        city = await make_city(uow)
        people = [await make_candidate(uow, city, full_name=n) for n in ("Ann", "Bob", "Cid")]
        await uow.commit()
    ann, bob, cid = (p.id for p in people)
    real = bulk.change_status

    async def racing(uow: UnitOfWork, candidate_id: int, *args: Any, **kw: Any) -> Any:
        if candidate_id == bob:
            person = await uow.candidates.get(bob)
            assert person is not None
            person.full_name = "half-written"
            raise Conflict("reason.slot.taken_meanwhile")
        return await real(uow, candidate_id, *args, **kw)

    monkeypatch.setattr(bulk, "change_status", racing)
    who = bulk.Who("api", None, None)
    tell = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    async with sqlite_storage.uow() as uow:
        outcome = await bulk.change_statuses(
            uow,
            (ann, bob, cid),
            CandidateStatus.WITHDRAWN,
            "closed",
            tell=tell,
            who=who,
        )
    assert (outcome.asked, outcome.done) == (3, 2)
    assert [(r.candidate_id, type(r.error)) for r in outcome.refused] == [(bob, Conflict)]
    async with sqlite_storage.uow() as uow:
        found = {c.id: c for c in [await uow.candidates.get(i) for i in (ann, bob, cid)] if c}
    assert found[bob].full_name == "Bob" and found[bob].status is people[1].status
    assert found[ann].status is found[cid].status is CandidateStatus.WITHDRAWN

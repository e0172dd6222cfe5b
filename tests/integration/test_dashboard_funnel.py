"""The funnel counts everyone who reached each stage, from what happened to them (the status
history and the interviews marked "came"), not from where they are now."""

from __future__ import annotations

import pytest

from core.enums import CandidateStatus
from domain.reporting.dashboard import reached_stages
from tests.conftest import Storage
from tests.support.factories import make_city, make_recruiter
from tests.support.funnel_people import person_through

S = CandidateStatus
SCREENED = [S.SCREENING, S.SCREENING_PASSED]
BOOKED = [*SCREENED, S.INTERVIEW_REQUESTED]
CAME = [*BOOKED, S.INTERVIEW_SCHEDULED, S.INTERVIEW_CONFIRMED]

# (who, the statuses they went through in order, whether their interview was marked "came")
PEOPLE = [
    ("only started", [], False),
    ("screened", SCREENED, False),
    ("requested a time", BOOKED, False),
    ("came, result not in yet", CAME, True),
    ("came and failed", [*CAME, S.INTERVIEWED_FAILED], True),
    ("came and passed", [*CAME, S.INTERVIEWED_PASSED], True),
    ("intro day", [*CAME, S.INTERVIEWED_PASSED, S.TEST2_PASSED, S.INTRO_DAY_SCHEDULED], True),
    ("hired", [*CAME, S.INTERVIEWED_PASSED, S.TEST2_PASSED, S.INTRO_DAY_SCHEDULED, S.HIRED], True),
    # Set to not_hired from the panel straight after screening: came to nothing.
    ("not hired from the panel", [*SCREENED, S.NOT_HIRED], False),
    ("withdrew after booking", [*BOOKED, S.INTERVIEW_SCHEDULED, S.WITHDRAWN], False),
]
EXPECTED = {
    "Started": 10,
    "Passed screening": 9,
    "Booked an interview": 7,
    "Came to the interview": 5,
    "Passed the interview": 3,
    "Intro day": 2,
    "Came to the intro day": 1,  # the one hired: the other was given an intro day, no more
    "Hired": 1,
}


@pytest.fixture
async def filled(storage: Storage) -> tuple[Storage, int]:
    async with storage.uow() as uow:
        city = await make_city(uow)
        elsewhere = await make_city(uow)
        recruiter = await make_recruiter(uow, city, elsewhere)
        for _who, path, came in PEOPLE:
            await person_through(uow, city, recruiter, path, came)
        # Someone hired in another city counts only where that city is included.
        await person_through(uow, elsewhere, recruiter, PEOPLE[7][1], True)
        await uow.commit()
    return storage, city.id


@pytest.mark.parametrize("stage", list(EXPECTED))
async def test_a_stage_counts_everyone_who_reached_it(
    filled: tuple[Storage, int], stage: str
) -> None:
    storage, city_id = filled
    async with storage.uow() as uow:
        reached = await reached_stages(uow, frozenset({city_id}))
    assert reached[stage] == EXPECTED[stage]


async def test_every_city_together(filled: tuple[Storage, int]) -> None:
    storage, _city_id = filled
    async with storage.uow() as uow:
        reached = await reached_stages(uow, None)
    assert reached == {name: n + 1 for name, n in EXPECTED.items()}  # + the other city's hire

"""The funnel per vacancy and per source counts, side by side, everyone who reached each stage
(from their milestones, as the dashboard's funnel does), limited to the viewer's cities; the
candidate list, its CSV export and the dashboard's counts can be limited to one vacancy. On
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest

from core.enums import CandidateStatus
from domain.pipeline.directory import CandidateFilter, iter_csv, search_candidates
from domain.reporting.dashboard import funnels_side_by_side, reached_stages
from tests.conftest import Storage
from tests.support.factories import (
    NOW,
    make_city,
    make_recruiter,
    make_vacancy,
)
from tests.support.funnel_people import person_through

S = CandidateStatus
SCREENED = [S.SCREENING, S.SCREENING_PASSED]
BOOKED = [*SCREENED, S.INTERVIEW_REQUESTED]
CAME = [*BOOKED, S.INTERVIEW_SCHEDULED, S.INTERVIEW_CONFIRMED]
HIRED = [*CAME, S.INTERVIEWED_PASSED, S.TEST2_PASSED, S.INTRO_DAY_SCHEDULED, S.HIRED]

# (vacancy: "cook" / "driver" / None, source tag, statuses in order, marked "came")
PEOPLE = [
    ("cook", "hh", [], False),
    ("cook", "hh", SCREENED, False),
    ("cook", "hh", BOOKED, False),
    ("cook", "vk", [*CAME, S.INTERVIEWED_FAILED], True),
    ("cook", "vk", HIRED, True),
    ("cook", None, [*SCREENED, S.NOT_HIRED], False),  # set from the panel: came to nothing
    ("driver", "hh", HIRED, True),
    ("driver", "hh", HIRED, True),
    ("driver", "vk", [], False),
    (None, None, SCREENED, False),  # a city without vacancies
]
BY_VACANCY = {
    "cook": {
        "started": 6,
        "passed_screening": 5,
        "booked": 3,
        "came": 2,
        "intro_day": 1,
        "came_to_intro_day": 1,
        "hired": 1,
    },
    "driver": {
        "started": 3,
        "passed_screening": 2,
        "booked": 2,
        "came": 2,
        "intro_day": 2,
        "came_to_intro_day": 2,
        "hired": 2,
    },
    None: {
        "started": 1,
        "passed_screening": 1,
        "booked": 0,
        "came": 0,
        "intro_day": 0,
        "came_to_intro_day": 0,
        "hired": 0,
    },
}
BY_SOURCE = {
    "hh": {
        "started": 5,
        "passed_screening": 4,
        "booked": 3,
        "came": 2,
        "intro_day": 2,
        "came_to_intro_day": 2,
        "hired": 2,
    },
    "vk": {
        "started": 3,
        "passed_screening": 2,
        "booked": 2,
        "came": 2,
        "intro_day": 1,
        "came_to_intro_day": 1,
        "hired": 1,
    },
    None: {
        "started": 2,
        "passed_screening": 2,
        "booked": 0,
        "came": 0,
        "intro_day": 0,
        "came_to_intro_day": 0,
        "hired": 0,
    },
}


@pytest.fixture
async def filled(storage: Storage) -> tuple[Storage, dict[str | None, int | None], int]:
    async with storage.uow() as uow:
        city = await make_city(uow)
        elsewhere = await make_city(uow)
        recruiter = await make_recruiter(uow, city, elsewhere)
        cook = await make_vacancy(uow, city, title="Cook")
        driver = await make_vacancy(uow, city, elsewhere, title="Driver")
        ids: dict[str | None, int | None] = {"cook": cook.id, "driver": driver.id, None: None}
        for vacancy, source, path, came in PEOPLE:
            await person_through(
                uow, city, recruiter, path, came, vacancy_id=ids[vacancy], source=source
            )
        # Hired for the driver's job in the other city: counted only where it is included.
        await person_through(
            uow, elsewhere, recruiter, HIRED, True, vacancy_id=driver.id, source="hh"
        )
        await uow.commit()
    return storage, ids, city.id


async def test_the_funnel_per_vacancy_counts_each_stage(
    filled: tuple[Storage, dict[str | None, int | None], int],
) -> None:
    storage, ids, city_id = filled
    async with storage.uow() as uow:
        side = await funnels_side_by_side(uow, "vacancy", NOW, frozenset({city_id}))
    got = {f.vacancy_id: f.reached for f in side.funnels}
    assert got == {ids[name]: counts for name, counts in BY_VACANCY.items()}
    cook = next(f for f in side.funnels if f.vacancy_id == ids["cook"])
    assert cook.conversion == {
        "started": 1.0,
        "passed_screening": 5 / 6,
        "booked": 3 / 6,
        "came": 2 / 6,
        "intro_day": 1 / 6,
        "came_to_intro_day": 1 / 6,
        "hired": 1 / 6,
    }
    assert [f.vacancy_id for f in side.funnels] == [ids["cook"], ids["driver"], None]


async def test_the_funnel_per_source_counts_each_stage(
    filled: tuple[Storage, dict[str | None, int | None], int],
) -> None:
    storage, _ids, city_id = filled
    async with storage.uow() as uow:
        side = await funnels_side_by_side(uow, "source", NOW, frozenset({city_id}))
    assert {f.source: f.reached for f in side.funnels} == BY_SOURCE
    assert side.funnels[-1].source is None  # no tag comes last


async def test_every_city_together_adds_the_other_citys_hire(
    filled: tuple[Storage, dict[str | None, int | None], int],
) -> None:
    storage, ids, _city_id = filled
    async with storage.uow() as uow:
        side = await funnels_side_by_side(uow, "vacancy", NOW, None)
    driver = next(f for f in side.funnels if f.vacancy_id == ids["driver"])
    assert driver.reached == {k: n + 1 for k, n in BY_VACANCY["driver"].items()}


async def test_the_dashboards_funnel_of_one_vacancy(
    filled: tuple[Storage, dict[str | None, int | None], int],
) -> None:
    storage, ids, city_id = filled
    async with storage.uow() as uow:
        reached = await reached_stages(uow, frozenset({city_id}), ids["cook"])
    assert reached["Started"] == 6
    assert reached["Booked an interview"] == 3
    assert reached["Hired"] == 1


async def test_the_list_and_the_export_of_one_vacancy(
    filled: tuple[Storage, dict[str | None, int | None], int],
) -> None:
    storage, ids, _city_id = filled
    driver = ids["driver"]
    assert driver is not None
    flt = CandidateFilter(vacancy_id=driver)
    async with storage.uow() as uow:
        rows, total = await search_candidates(uow, flt, None)
        chunks = [chunk async for chunk in iter_csv(uow, flt, None)]
    assert total == 4
    assert {row.vacancy_id for row in rows} == {driver}
    lines = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert len(lines) == 4
    assert {(line["vacancy_id"], line["vacancy"]) for line in lines} == {(str(driver), "Driver")}


async def test_applications_are_counted_per_vacancy(
    filled: tuple[Storage, dict[str | None, int | None], int],
) -> None:
    storage, ids, _city_id = filled
    async with storage.uow() as uow:
        counts = await uow.vacancies.application_counts()
    assert counts == {ids["cook"]: 6, ids["driver"]: 4}

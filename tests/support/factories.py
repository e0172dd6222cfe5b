"""Small builders for domain rows, so tests state only what matters to them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from core.enums import CandidateStatus, SlotPurpose
from domain.messaging.texts import Catalog
from domain.privacy.consent import shipped_version
from domain.privacy.states import AGREED
from storage.models import Candidate, City, Recruiter, Slot, Vacancy
from storage.uow import UnitOfWork

_ids = itertools.count(1)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def make_city(
    uow: UnitOfWork, name: str | None = None, *, timezone: str = "Europe/Moscow", **kw: object
) -> City:
    city = uow.cities.add(City(name=name or f"City {next(_ids)}", timezone=timezone, **kw))
    await uow.session.flush()
    return city


async def make_recruiter(uow: UnitOfWork, *cities: City, **kw: object) -> Recruiter:
    values: dict[str, object] = {"name": f"Recruiter {next(_ids)}", "timezone": "Europe/Moscow"}
    values.update(kw)
    recruiter = uow.recruiters.add(Recruiter(cities=list(cities), **values))
    await uow.session.flush()
    return recruiter


_catalog: list[Catalog] = []


def agreed_consent() -> dict[str, object]:
    """The consent to the shipped consent text, as a candidate who tapped Agree holds it."""
    if not _catalog:
        _catalog.append(Catalog.load("ru"))
    version = shipped_version(_catalog[0])
    return {"consent": AGREED, "consent_version": version, "consent_at": NOW}


async def make_candidate(uow: UnitOfWork, city: City | None = None, **kw: object) -> Candidate:
    values: dict[str, object] = {
        "telegram_id": 10_000 + next(_ids),
        "full_name": "Test Candidate",
        "locale": "en",
        "status": CandidateStatus.SCREENING_PASSED,
    }
    values.update(kw)
    if "consent" not in kw:  # a candidate in a test has agreed, unless it says otherwise
        values.update(agreed_consent())
    candidate = uow.candidates.add(Candidate(city_id=city.id if city else None, **values))
    await uow.session.flush()
    return candidate


async def make_slot(
    uow: UnitOfWork,
    recruiter: Recruiter,
    city: City,
    starts_at: datetime | None = None,
    purpose: SlotPurpose = SlotPurpose.INTERVIEW,
    capacity: int = 1,
) -> Slot:
    slot = uow.slots.add(
        Slot(
            recruiter_id=recruiter.id,
            city_id=city.id,
            starts_at=starts_at or NOW + timedelta(days=1, minutes=next(_ids)),
            purpose=purpose,
            capacity=capacity,
        )
    )
    await uow.session.flush()
    return slot


async def make_vacancy(
    uow: UnitOfWork, *cities: City, title: str | None = None, **kw: object
) -> Vacancy:
    """An open vacancy in `cities`, using the default tests (none of its own)."""
    name = title or f"Vacancy {next(_ids)}"
    vacancy = uow.vacancies.add(Vacancy(title={"ru": name, "en": name}, description={}, **kw))
    await uow.session.flush()
    await uow.vacancies.set_cities(vacancy.id, [c.id for c in cities])
    return vacancy

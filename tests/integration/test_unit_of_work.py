"""A Unit of Work commits only when told to, and keeps the cache honest around its writes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import Candidate, City, Slot
from tests.conftest import Storage
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot


async def _count(storage: Storage, model: type[object]) -> int:
    async with storage.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_commit_persists(storage: Storage) -> None:
    async with storage.uow() as uow:
        await make_city(uow, "Kazan")
        await uow.commit()
    async with storage.uow() as uow:
        assert [c.name for c in await uow.cities.list_active()] == ["Kazan"]


async def test_leaving_without_commit_leaves_nothing_behind(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city)
        await make_slot(uow, recruiter, city)
        await make_candidate(uow, city)
    for model in (City, Slot, Candidate):
        assert await _count(storage, model) == 0


async def test_an_error_rolls_everything_back(storage: Storage) -> None:
    with pytest.raises(RuntimeError):
        async with storage.uow() as uow:
            await make_city(uow)
            raise RuntimeError("handler failed")
    assert await _count(storage, City) == 0


async def test_explicit_rollback_discards_the_writes_so_far(storage: Storage) -> None:
    async with storage.uow() as uow:
        await make_city(uow, "First")
        await uow.commit()
        await make_city(uow, "Second")
        await uow.rollback()
        await make_city(uow, "Third")
        await uow.commit()
    async with storage.uow() as uow:
        assert [c.name for c in await uow.cities.list_active()] == ["First", "Third"]


async def test_a_committed_write_invalidates_cached_lists(storage: Storage) -> None:
    async with storage.uow() as uow:
        await make_city(uow, "Alpha")
        await uow.commit()
    async with storage.uow() as uow:
        assert [c.name for c in await uow.cities.list_active()] == ["Alpha"]
        hits_before = storage.cache.stats.hits
        assert [c.name for c in await uow.cities.list_active()] == ["Alpha"]
        assert storage.cache.stats.hits == hits_before + 1
    async with storage.uow() as uow:
        city = await uow.cities.get_by_name("alpha")
        assert city is not None
        city.name = "Beta"
        await uow.commit()
    async with storage.uow() as uow:
        assert [c.name for c in await uow.cities.list_active()] == ["Beta"]


async def test_reads_inside_a_writing_transaction_skip_the_cache(storage: Storage) -> None:
    async with storage.uow() as uow:
        await make_city(uow, "Alpha")
        await uow.commit()
    async with storage.uow() as uow:
        await uow.cities.list_active()  # now cached
        await make_city(uow, "Gamma")
        # The transaction sees its own write, and the uncommitted row never reaches the cache.
        assert [c.name for c in await uow.cities.list_active()] == ["Alpha", "Gamma"]
    async with storage.uow() as uow:
        assert [c.name for c in await uow.cities.list_active()] == ["Alpha"]


async def test_rows_are_stamped_by_the_units_clock_not_the_machines(storage: Storage) -> None:
    from datetime import UTC, datetime, timedelta

    from core.clock import FrozenClock
    from core.enums import CandidateStatus
    from storage.engine import create_session_factory
    from storage.uow import uow_factory

    clock = FrozenClock(datetime(2031, 3, 30, 1, 30, tzinfo=UTC))  # no machine's "now"
    uows = uow_factory(create_session_factory(storage.engine), storage.cache, clock=clock)
    async with uows() as uow:
        candidate = await make_candidate(uow, await make_city(uow))
        await uow.commit()
    assert (candidate.created_at, candidate.updated_at) == (clock.now(), clock.now())
    clock.advance(timedelta(hours=5))
    async with uows() as uow:
        person = await uow.candidates.get(candidate.id)
        assert person is not None
        uow.candidates.change_status(person, CandidateStatus.SCREENING, actor="test")
        await uow.commit()
    async with uows() as uow:
        person = await uow.candidates.get(candidate.id)
        assert person is not None
        assert person.created_at == datetime(2031, 3, 30, 1, 30, tzinfo=UTC)
        assert person.updated_at == clock.now()
        (change,) = await uow.candidates.status_history(candidate.id)
        assert change.created_at == clock.now()


async def test_a_repository_is_made_at_its_first_use_and_anew_for_each_entry(
    storage: Storage,
) -> None:
    unit = storage.uow()
    async with unit as uow:
        assert "cities" not in vars(uow)  # nothing made for what this unit never uses
        cities = uow.cities
        assert uow.cities is cities and "cities" in vars(uow)
    async with unit as uow:  # entered again: a fresh session, fresh repositories
        assert "cities" not in vars(uow)
        assert uow.cities is not cities and uow.cities.session is uow.session

"""What `seed-demo` and `create-admin` leave in the database."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import AdminRole, SlotPurpose, TestKind
from core.errors import Conflict
from domain.demo import seed_demo
from domain.messaging.texts import Catalog
from domain.organisation.accounts import InvalidAccount, create_admin, password_matches
from storage.models import MessageTemplate, Slot
from tests.conftest import Storage
from tests.support.factories import NOW


async def test_seed_demo_fills_an_empty_database_once(storage: Storage) -> None:
    catalog = Catalog.load("ru")
    async with storage.uow() as uow:
        assert await seed_demo(uow, catalog, FrozenClock(NOW))
    async with storage.uow() as uow:
        assert not await seed_demo(uow, catalog, FrozenClock(NOW))
    async with storage.uow() as uow:
        cities = await uow.cities.list_active()
        assert len({c.timezone for c in cities}) >= 3
        slots = (await uow.session.scalars(select(Slot))).all()
        assert {s.purpose for s in slots} == {SlotPurpose.INTERVIEW, SlotPurpose.INTRO_DAY}
        assert min(s.starts_at for s in slots) > NOW
        assert (max(s.starts_at for s in slots) - NOW).days >= 12
        zones = {c.id: ZoneInfo(c.timezone) for c in cities}
        local_hours = {s.starts_at.astimezone(zones[s.city_id]).hour for s in slots}
        assert local_hours == set(range(10, 18)), "10:00–17:00 in each city's own zone"
        screening = await uow.tests.get_dto_by_kind(TestKind.SCREENING)
        knowledge = await uow.tests.get_dto_by_kind(TestKind.KNOWLEDGE)
        assert screening is not None
        assert [q.key for q in screening.questions][:3] == ["full_name", "city", "age"]
        assert knowledge is not None
        assert (len(knowledge.questions), knowledge.pass_percent) == (4, 75)
        # the shipped templates serve as they are: no copy of them is stored as an override
        assert (await uow.session.scalars(select(MessageTemplate))).all() == []


async def test_create_admin_stores_only_an_argon2_hash(storage: Storage) -> None:
    async with storage.uow() as uow:
        user = await create_admin(uow, "boss", "correct horse battery")
    assert user.role is AdminRole.ADMIN
    assert user.password_hash.startswith("$argon2")
    assert "correct horse" not in user.password_hash
    assert await password_matches(user.password_hash, "correct horse battery")
    assert not await password_matches(user.password_hash, "wrong password!")
    async with storage.uow() as uow:
        with pytest.raises(Conflict):
            await create_admin(uow, "boss", "another long password")
        with pytest.raises(InvalidAccount):
            await create_admin(uow, "x", "another long password")
        with pytest.raises(InvalidAccount):
            await create_admin(uow, "someone", "short")
        entries = await uow.audit.list()
        assert [(e.action, e.entity) for e in entries] == [("create", "admin_user")]

"""The reads the panel and the API call in the domain: signing in, the signed-in account, city
and recruiter pages within an account's scope, one slot, a page of the audit log."""

from __future__ import annotations

from datetime import timedelta

from core.enums import AdminRole
from domain.organisation.accounts import create_admin, sign_in
from domain.organisation.audit_log import audit_page
from domain.organisation.directory import cities_page, recruiters_page, visible_city_choices
from domain.organisation.sessions import end_all_sessions, open_session, signed_in_account
from domain.scheduling.slots import visible_slot
from tests.conftest import Storage
from tests.support.factories import NOW, make_city, make_recruiter, make_slot
from tests.support.query_counter import count_queries

PASSWORD = "a long enough password"


async def test_only_a_successful_sign_in_is_recorded(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        boss = await create_admin(uow, "boss", PASSWORD)
        assert await sign_in(uow, "boss", "wrong password", address="", now=NOW) is None
        assert await sign_in(uow, "nobody", PASSWORD, address="", now=NOW) is None
        assert boss.last_login_at is None
        assert [e.action for e in await uow.audit.list(limit=10)] == ["create"]
        assert await sign_in(uow, "boss", PASSWORD, address="", now=NOW) is boss
        await uow.commit()
    async with sqlite_storage.uow() as uow:
        logins = [e for e in await uow.audit.list(limit=10) if e.action == "login"]
        assert [(e.actor, e.admin_user_id) for e in logins] == [(f"admin:{boss.id}", boss.id)]
        stored = await uow.admin_users.get(boss.id)
        assert stored is not None and stored.last_login_at == NOW
        stored.active = False
        await uow.commit()
        assert await sign_in(uow, "boss", PASSWORD, address="", now=NOW) is None


async def test_a_session_holds_until_it_is_ended_or_runs_out(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        boss = await create_admin(uow, "boss", PASSWORD)
        token = await open_session(uow, boss, NOW)
        assert await signed_in_account(uow, token, NOW) is boss
        assert await signed_in_account(uow, token + "x", NOW) is None
        assert await signed_in_account(uow, token, NOW + timedelta(hours=12)) is None
        await end_all_sessions(uow, boss.id)
        assert await signed_in_account(uow, token, NOW) is None


async def test_an_account_sees_its_cities_a_page_at_a_time(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        first, second, third = [await make_city(uow) for _ in range(3)]
        everything, total = await cities_page(uow, None, limit=2, offset=0)
        assert ([c.id for c in everything], total) == ([first.id, second.id], 3)
        mine = frozenset({third.id, first.id})
        page, total = await cities_page(uow, mine, limit=1, offset=1)
        assert ([c.id for c in page], total) == ([third.id], 2)
        assert [c.id for c in await visible_city_choices(uow, mine)] == [first.id, third.id]


async def test_a_recruiters_account_sees_only_its_own_recruiter(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        city = await make_city(uow)
        anna, boris = await make_recruiter(uow, city), await make_recruiter(uow)
        rows, total = await recruiters_page(
            uow, is_admin=True, recruiter_id=None, limit=10, offset=0
        )
        assert ([r.id for r in rows], total) == ([anna.id, boris.id], 2)
        rows, total = await recruiters_page(
            uow, is_admin=False, recruiter_id=anna.id, limit=10, offset=0
        )
        assert ([(r.id, [c.id for c in r.cities]) for r in rows], total) == (
            [(anna.id, [city.id])],
            1,
        )
        later = await recruiters_page(uow, is_admin=False, recruiter_id=anna.id, limit=10, offset=1)
        assert later == ([], 1)
        with count_queries(sqlite_storage.engine) as statements:
            unlinked = await recruiters_page(
                uow, is_admin=False, recruiter_id=None, limit=10, offset=0
            )
        assert unlinked == ([], 0) and statements == []


async def test_a_slot_is_seen_by_admins_and_its_own_recruiter(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        city = await make_city(uow)
        anna, boris = await make_recruiter(uow, city), await make_recruiter(uow, city)
        slot = await make_slot(uow, anna, city)
        assert await visible_slot(uow, slot.id, None) is slot
        assert await visible_slot(uow, slot.id, anna.id) is slot
        assert await visible_slot(uow, slot.id, boris.id) is None
        assert await visible_slot(uow, slot.id, -1) is None
        assert await visible_slot(uow, slot.id + 1, None) is None


async def test_the_audit_log_is_read_a_page_at_a_time(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        boss = await create_admin(uow, "boss", PASSWORD, AdminRole.ADMIN)
        uow.audit.record(actor=f"admin:{boss.id}", action="login", entity="admin_user")
        for n in range(5):
            uow.audit.record(actor="cli", action="touch", entity="city", entity_id=n)
        await uow.commit()
        first = await audit_page(uow, 1, action="touch", per_page=3)
        second = await audit_page(uow, 2, action="touch", per_page=3)
        assert (len(first.entries), first.has_next) == (3, True)
        assert (len(second.entries), second.has_next) == (2, False)
        by_login = await audit_page(uow, 1, actor="boss")
        assert [(e.action, login) for e, login in by_login.entries] == [("login", "boss")]

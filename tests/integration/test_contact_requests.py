"""Asking to be contacted always reaches someone: the city's recruiters, else the admins' inbox;
every request stands in the inbox until someone marks it handled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import ContactReason
from domain.messaging.texts import Catalog
from domain.pipeline.cities import ask_for_unlisted_city
from domain.pipeline.contact import (
    InboxFilter,
    count_requests,
    inbox_page,
    mark_handled,
    request_contact,
)
from storage.models import AuditLogEntry, Notification
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter

catalog = Catalog.load("en")
clock = FrozenClock(NOW)
ADMINS = InboxFilter(admins_only=True)


async def _notes(storage: Storage) -> list[Notification]:
    async with storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "contact_request")
        return list((await uow.session.scalars(stmt)).all())


async def test_a_city_with_no_linked_recruiter_puts_the_request_in_the_admins_inbox(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=None)  # never linked the chat
        await make_recruiter(uow, city, telegram_chat_id=777, active=False)  # switched off
        candidate = await make_candidate(uow, city, full_name="Nobody Told")
        await uow.commit()
        request = await request_contact(uow, catalog, clock, candidate)
    assert request.recruiters_told == 0
    assert await _notes(storage) == []
    async with storage.uow() as uow:
        assert await count_requests(uow, ADMINS) == 1
        (row,) = (await inbox_page(uow, ADMINS, 1)).rows
    assert row.candidate_name == "Nobody Told" and row.city_name == city.name
    assert row.request.reason is ContactReason.NO_TIME


async def test_a_city_with_a_linked_recruiter_tells_them_and_the_inbox_shows_it_too(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=555)
        candidate = await make_candidate(uow, city)
        await uow.commit()
        request = await request_contact(uow, catalog, clock, candidate)
    assert request.recruiters_told == 1
    (note,) = await _notes(storage)
    assert note.recipient_chat_id == 555
    async with storage.uow() as uow:
        assert await count_requests(uow, ADMINS) == 0  # a recruiter has it
        assert await count_requests(uow, InboxFilter()) == 1  # still visible to everyone
        assert await count_requests(uow, InboxFilter(city_ids={city.id})) == 1
        assert await count_requests(uow, InboxFilter(city_ids={city.id + 1000})) == 0


async def test_asking_again_the_same_day_adds_to_the_open_request_and_tells_nobody_twice(
    storage: Storage,
) -> None:
    later = FrozenClock(NOW + timedelta(hours=3))
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=555)
        candidate = await make_candidate(uow, city)
        await uow.commit()
        first = await request_contact(
            uow, catalog, clock, candidate, ContactReason.NO_SHOW_WROTE, wrote="I was ill"
        )
        again = await request_contact(
            uow, catalog, later, candidate, ContactReason.NO_SHOW_WROTE, wrote="Thursday?"
        )
    assert again.id == first.id
    assert again.wrote == "I was ill\n\nThursday?"
    assert len(await _notes(storage)) == 1


async def test_handled_requests_leave_the_inbox_and_a_new_one_is_a_new_request(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        candidate = await make_candidate(uow, city)
        await uow.commit()
        request = await request_contact(uow, catalog, clock, candidate)
        assert await mark_handled(uow, clock, request, "recruiter:1") is True
        assert await mark_handled(uow, clock, request, "recruiter:2") is False  # once
    async with storage.uow() as uow:
        assert await count_requests(uow, InboxFilter()) == 0
        (handled,) = (await inbox_page(uow, InboxFilter(handled=True), 1)).rows
        assert handled.request.handled_by == "recruiter:1"
        (audit,) = (
            await uow.session.scalars(
                select(AuditLogEntry).where(AuditLogEntry.entity == "contact_request")
            )
        ).all()
        assert audit.action == "handle" and audit.actor == "recruiter:1"
        candidate = await uow.candidates.get(candidate.id)
        assert candidate is not None
        again = await request_contact(uow, catalog, clock, candidate)
    assert again.id != request.id


async def test_a_city_not_in_the_list_is_a_request_for_the_admins(storage: Storage) -> None:
    async with storage.uow() as uow:
        await make_city(uow, "Listed")
        candidate = await make_candidate(uow, None)
        await uow.commit()
        assert await ask_for_unlisted_city(uow, catalog, clock, candidate, "Far  Away") is None
    async with storage.uow() as uow:
        (row,) = (await inbox_page(uow, ADMINS, 1)).rows
    assert row.request.reason is ContactReason.CITY_MISSING
    assert row.request.city_id is None and row.wanted_city == "Far Away"
    assert row.request.wrote == "Far Away"


async def test_the_inbox_pages_oldest_first(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        people = [await make_candidate(uow, city, full_name=f"P{i}") for i in range(3)]
        await uow.commit()
        for i, person in enumerate(people):
            await request_contact(uow, catalog, FrozenClock(NOW + timedelta(minutes=i)), person)
    async with storage.uow() as uow:
        first = await inbox_page(uow, InboxFilter(), 1, per_page=2)
        second = await inbox_page(uow, InboxFilter(), 2, per_page=2)
    assert [r.candidate_name for r in first.rows] == ["P0", "P1"] and first.has_next
    assert [r.candidate_name for r in second.rows] == ["P2"] and not second.has_next

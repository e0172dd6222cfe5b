"""Each repository's queries, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FrozenClock
from core.enums import SlotPurpose, TestKind
from domain.bookings.booking import Messaging, book_slot
from domain.demo import knowledge_questions, screening_questions
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import AdminUser, MessageTemplate, Slot, Test, WaitlistEntry
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot
from tests.support.query_counter import count_queries


async def test_free_slots_exclude_booked_inactive_other_city_and_out_of_range(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city, other = await make_city(uow), await make_city(uow)
        active = await make_recruiter(uow, city)
        inactive = await make_recruiter(uow, city, active=False)
        day = NOW + timedelta(days=2)
        free = await make_slot(uow, active, city, day)
        booked = await make_slot(uow, active, city, day + timedelta(hours=1))
        await make_slot(uow, inactive, city, day + timedelta(hours=2))
        await make_slot(uow, active, other, day + timedelta(hours=3))
        await make_slot(uow, active, city, day + timedelta(days=30))
        intro = await make_slot(uow, active, city, day + timedelta(hours=4), SlotPurpose.INTRO_DAY)
        candidate = await make_candidate(uow, city)
        await uow.commit()
        messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
        booked_result = await book_slot(
            uow, messaging, candidate_id=candidate.id, slot_id=booked.id
        )
        assert booked_result.ok
    async with storage.uow() as uow:
        found = await uow.slots.list_free(
            city.id, SlotPurpose.INTERVIEW, NOW, NOW + timedelta(days=14)
        )
        assert [s.id for s in found] == [free.id]
        intro_found = await uow.slots.list_free(
            city.id, SlotPurpose.INTRO_DAY, NOW, NOW + timedelta(days=14)
        )
        assert [s.id for s in intro_found] == [intro.id]
        assert await uow.slots.is_free(free.id)
        assert not await uow.slots.is_free(booked.id)


async def test_slots_with_recruiter_and_city_come_in_one_query(storage: Storage) -> None:
    async with storage.uow() as uow:
        cities = [await make_city(uow, timezone=tz) for tz in ("Europe/Moscow", "Asia/Omsk")]
        recruiters = [await make_recruiter(uow, c) for c in cities for _ in range(5)]
        await uow.slots.add_many(
            Slot(recruiter_id=r.id, city_id=r.cities[0].id, starts_at=NOW + timedelta(hours=i))
            for i, r in enumerate(recruiters * 10)
        )
        await uow.commit()
    async with storage.uow() as uow:
        with count_queries(storage.engine) as queries:
            slots = await uow.slots.list_with_people(limit=100)
        assert len(slots) == 100
        assert len(queries) == 1
        assert {s.city_timezone for s in slots} == {"Europe/Moscow", "Asia/Omsk"}
        assert all(s.recruiter_name.startswith("Recruiter") for s in slots)
        assert [s.starts_at for s in slots] == [NOW + timedelta(hours=i) for i in range(100)]
        omsk = await uow.slots.list_with_people(city_id=cities[1].id, limit=10, offset=5)
        assert [s.city_timezone for s in omsk] == ["Asia/Omsk"] * 10
        assert omsk[0].starts_at == NOW + timedelta(hours=15)  # its 6th: hours 5..9, then 15
        assert {s.recruiter_id for s in omsk} <= {r.id for r in recruiters[5:]}


async def test_a_batch_of_slots_is_inserted_in_one_statement(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city)
        await uow.commit()
        rows = [
            {
                "recruiter_id": recruiter.id,
                "city_id": city.id,
                "starts_at": NOW + timedelta(hours=i),
            }
            for i in range(100)
        ]
        await uow.slots.list_free(city.id, SlotPurpose.INTERVIEW, NOW, NOW + timedelta(days=9))
        with count_queries(storage.engine) as queries:
            assert await uow.slots.insert_many(rows) == 100
        await uow.commit()
        assert len(queries) == 1
        assert await uow.slots.count() == 100
    async with storage.uow() as uow:
        free = await uow.slots.list_free(
            city.id, SlotPurpose.INTERVIEW, NOW, NOW + timedelta(days=9)
        )
        assert len(free) == 100


async def test_added_entities_get_their_ids(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city)
        batch = [
            Slot(recruiter_id=recruiter.id, city_id=city.id, starts_at=NOW + timedelta(hours=i))
            for i in range(5)
        ]
        await uow.slots.add_many(batch)
        assert len({s.id for s in batch}) == 5
        assert all(s.id for s in batch)


async def test_recruiters_of_a_city_are_listed_with_their_cities(storage: Storage) -> None:
    async with storage.uow() as uow:
        city, other = await make_city(uow), await make_city(uow)
        both = await make_recruiter(uow, city, other, name="A", telegram_chat_id=555)
        await make_recruiter(uow, other, name="B")
        await make_recruiter(uow, city, name="C", active=False)
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.recruiters.list_active_for_city(city.id)
        assert [(r.name, r.city_ids) for r in found] == [("A", tuple(sorted((city.id, other.id))))]
        by_chat = await uow.recruiters.get_by_chat_id(555)
        assert by_chat is not None and by_chat.id == both.id


async def test_template_lookup_prefers_the_city_then_the_global_text(storage: Storage) -> None:
    async with storage.uow() as uow:
        city, other = await make_city(uow), await make_city(uow)
        uow.templates.add(MessageTemplate(key="welcome", locale="en", body="global"))
        uow.templates.add(MessageTemplate(key="welcome", locale="en", city_id=city.id, body="city"))
        uow.templates.add(MessageTemplate(key="welcome", locale="ru", body="глобальный"))
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.templates.find_body("welcome", "en", city.id) == "city"
        assert await uow.templates.find_body("welcome", "en", other.id) == "global"
        assert await uow.templates.find_body("welcome", "en", None) == "global"
        assert await uow.templates.find_body("welcome", "ru", city.id) == "глобальный"
        assert await uow.templates.find_body("missing", "en", None) is None


async def test_the_database_allows_one_global_template_per_key_and_locale(storage: Storage) -> None:
    from sqlalchemy.exc import IntegrityError

    async with storage.uow() as uow:
        uow.templates.add(MessageTemplate(key="welcome", locale="en", body="a"))
        uow.templates.add(MessageTemplate(key="welcome", locale="en", body="b"))
        try:
            await uow.commit()
        except IntegrityError:
            return
    raise AssertionError("two global templates for one key and locale were accepted")


async def test_outbox_rows_with_the_same_dedupe_key_are_queued_once(storage: Storage) -> None:
    row = {"kind": "reminder", "recipient_chat_id": 42, "due_at": NOW, "dedupe_key": "b1:24h"}
    async with storage.uow() as uow:
        assert await uow.notifications.enqueue([row]) == 1
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.notifications.enqueue([row, {**row, "dedupe_key": "b1:2h"}]) == 1
        await uow.commit()
        assert await uow.notifications.count() == 2
        assert await uow.notifications.next_due_at() == NOW


async def test_the_waitlist_is_first_come_first_served(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        people = [await make_candidate(uow, city) for _ in range(3)]
        for offset, person in zip((2, 0, 1), people, strict=True):
            uow.waitlist.add(
                WaitlistEntry(
                    candidate_id=person.id,
                    city_id=city.id,
                    created_at=NOW + timedelta(minutes=offset),
                )
            )
        await uow.commit()
    async with storage.uow() as uow:
        line = await uow.waitlist.in_line(city.id, SlotPurpose.INTERVIEW)
        assert [e.candidate_id for e in line] == [people[1].id, people[2].id, people[0].id]


async def test_tests_come_with_their_active_questions_in_order(storage: Storage) -> None:
    async with storage.uow() as uow:
        questions = screening_questions()
        questions[2].active = False
        uow.tests.add(Test(kind=TestKind.SCREENING, title="t1", questions=questions))
        uow.tests.add(Test(kind=TestKind.KNOWLEDGE, title="t2", questions=knowledge_questions()))
        await uow.commit()
    async with storage.uow() as uow:
        test = await uow.tests.get_dto_by_kind(TestKind.SCREENING)
        assert test is not None
        assert [q.position for q in test.questions] == [1, 2, 4, 5, 6, 7, 8]
        cached = await uow.tests.get_dto_by_kind(TestKind.SCREENING)
        assert cached == test
        knowledge = await uow.tests.get_dto_by_kind(TestKind.KNOWLEDGE)
        assert knowledge is not None and len(knowledge.questions) == 4


async def test_audit_entries_are_recorded_and_name_their_account(storage: Storage) -> None:
    async with storage.uow() as uow:
        admin = uow.admin_users.add(AdminUser(login="boss", password_hash="x"))
        await uow.session.flush()
        uow.audit.record(
            actor=f"admin:{admin.id}",
            action="update",
            entity="city",
            entity_id=3,
            details={"name": "X"},
        )
        uow.audit.record(actor="bot", action="update", entity="city", entity_id=3)
        await uow.commit()
        entries = await uow.audit.list()
        assert [(e.actor, e.entity_id, e.details, e.admin_user_id) for e in entries] == [
            (f"admin:{admin.id}", "3", {"name": "X"}, admin.id),
            ("bot", "3", {}, None),
        ]

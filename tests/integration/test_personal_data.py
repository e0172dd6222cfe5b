"""Personal data on SQLite and PostgreSQL: the copy holds every table's rows of the person,
erasure leaves none of their values anywhere (the funnel as it was, the slot free), retention
erases exactly the inactive."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from core.clock import FrozenClock
from core.enums import (
    ACTIVE_BOOKING_STATUSES,
    BookingStatus,
    CandidateStatus,
    ContactReason,
    InboundKind,
    NotificationStatus,
    QuestionKind,
    SlotPurpose,
    TestKind,
    TestResultStatus,
)
from core.errors import Conflict
from core.result import Failure, Success
from domain.bookings.booking import Messaging, book_slot
from domain.bookings.jobs import queue_daily_digests
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog
from domain.privacy import retention
from domain.privacy.consent import agree
from domain.privacy.erasure import TABLES, erase_candidate, erase_now
from domain.privacy.export import personal_copy
from domain.privacy.retention import RETENTION_ACTOR, erase_inactive, retention_erasures
from domain.privacy.states import AGREED
from domain.reporting.dashboard import reached_stages
from domain.scheduling.picker import BookingRules
from domain.vacancies.applications import apply
from storage.models import (
    AdminUser,
    AuditLogEntry,
    Base,
    Booking,
    Candidate,
    CandidateNote,
    CandidateTag,
    ContactRequest,
    InboundMessage,
    Notification,
    Tag,
    Test,
    TestAnswer,
    TestQuestion,
    TestResult,
    WaitlistEntry,
)
from storage.repositories.personal_data import personal_tables
from tests.conftest import Storage
from tests.support.factories import (
    NOW,
    make_candidate,
    make_city,
    make_recruiter,
    make_slot,
    make_vacancy,
)

RECRUITER_CHAT = 5_005
NAME = "Zoltan Quixote"
USERNAME = "zq_user"
PHONE = "+79990001122"
NEEDLES = (NAME, "Zoltan", "Quixote", USERNAME, PHONE, "79990001122")
messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())


@dataclass
class World:
    person: int
    bystander: int
    slot: int


async def _world(storage: Storage) -> World:
    """The person with a row in every table that can hold one, and someone else."""
    async with storage.uow() as uow:
        uow.session.add(AdminUser(id=1, login="boss", password_hash="-"))
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city, telegram_chat_id=RECRUITER_CHAT)
        slot = await make_slot(uow, recruiter, city)
        person = await make_candidate(
            uow, city, full_name=NAME, username=USERNAME, phone=PHONE, wanted_city="Zoltantown"
        )
        bystander = await make_candidate(uow, city, full_name="Other Person", phone="+70000000000")
        test_row = Test(kind=TestKind.KNOWLEDGE, title="Knowledge")
        uow.session.add(test_row)
        await uow.session.flush()
        question = TestQuestion(
            test_id=test_row.id, position=1, key="about", kind=QuestionKind.TEXT, prompt={}
        )
        uow.session.add(question)
        await uow.session.flush()
        result = TestResult(
            candidate_id=person.id,
            test_id=test_row.id,
            status=TestResultStatus.PASSED,
            started_at=NOW,
        )
        uow.session.add(result)
        await uow.session.flush()
        tag = Tag(name="Night", key="night")
        uow.session.add(tag)
        await uow.session.flush()
        uow.session.add_all(
            [
                TestAnswer(result_id=result.id, question_id=question.id, answer=f"I am {NAME}"),
                InboundMessage(
                    candidate_id=person.id, kind=InboundKind.TEXT, text=f"call me {PHONE}"
                ),
                CandidateNote(candidate_id=person.id, actor="admin:1", text=f"{NAME} is keen"),
                ContactRequest(
                    candidate_id=person.id, reason=ContactReason.NO_TIME, wrote=f"{PHONE} pls"
                ),
                WaitlistEntry(
                    candidate_id=person.id, city_id=city.id, purpose=SlotPurpose.INTRO_DAY
                ),
                CandidateTag(candidate_id=person.id, tag_id=tag.id, actor="admin:1"),
            ]
        )
        await uow.commit()
        world = World(person.id, bystander.id, slot.id)
    async with storage.uow() as uow:  # a booking: its history, the recruiter's card, statuses
        booked = await book_slot(uow, messaging, candidate_id=world.person, slot_id=world.slot)
        assert isinstance(booked, Success), booked
    async with storage.uow() as uow:  # reasons typed with their name; a message by booking only
        person = await uow.candidates.get(world.person)
        assert person is not None
        uow.candidates.change_status(
            person, CandidateStatus.SCREENING, actor="admin:1", reason=f"{NAME} {PHONE} asked"
        )
        recruiter_row = await uow.recruiters.get(recruiter.id)
        city_row = await uow.cities.get(city.id)
        assert recruiter_row is not None and city_row is not None
        earlier = await make_slot(uow, recruiter_row, city_row, purpose=SlotPurpose.INTRO_DAY)
        old = Booking(
            slot_id=earlier.id,
            candidate_id=world.person,
            purpose=SlotPurpose.INTRO_DAY,
            status=BookingStatus.PENDING,
        )
        uow.session.add(old)
        await uow.session.flush()
        await uow.bookings.change_status(
            old, BookingStatus.CANCELED, actor="admin:1", reason=f"{NAME} cannot come"
        )
        uow.audit.record(  # as the recruiters' desk cancels
            actor="admin:1",
            action="cancel",
            entity="booking",
            entity_id=old.id,
            details={"candidate_id": world.person, "from": "pending", "reason": f"{PHONE} off"},
        )
        uow.session.add(
            Notification(
                recipient_chat_id=RECRUITER_CHAT,
                kind="attendance_prompt",
                dedupe_key=f"attendance_prompt:{old.id}",
                payload={"text": f"Did {NAME} come?"},
                due_at=NOW,
                booking_id=old.id,
            )
        )
        # A message to the person, written by a recruiter; a digest to the recruiter naming
        # them and someone else.
        await queue_message(
            uow,
            messaging.clock,
            chat_id=person.telegram_id,
            kind="staff_message",
            dedupe_key="staff_message:1",
            text="See you soon",
            candidate_id=world.person,
            author={"actor": "recruiter:1", "kind": "recruiter", "name": "Rita"},
        )
        await queue_message(
            uow,
            messaging.clock,
            chat_id=RECRUITER_CHAT,
            kind="daily_digest",
            dedupe_key="daily_digest:1",
            text=f"10:00 · {NAME}\n11:00 · Other Person",
            subjects=[world.person, world.bystander],
        )
        await uow.commit()
    return world


async def test_the_copy_holds_a_row_of_every_table_that_holds_the_persons(storage: Storage) -> None:
    """Every table linked to a candidate is in the fixture and in the copy: a table added
    later and not covered here (or by the export) fails this test."""
    world = await _world(storage)
    async with storage.uow() as uow:
        person = await uow.candidates.get(world.person)
        assert person is not None
        copy = await personal_copy(uow, person)
    assert set(personal_tables()) == {t for t, rows in copy.tables.items() if rows}
    assert copy.profile["full_name"] == NAME
    assert all(
        row.get("candidate_id") in (None, world.person)
        for rows in copy.tables.values()
        for row in rows
    )
    text = copy.as_json().decode()
    assert "Other Person" not in text
    assert PHONE in json.loads(text)["tables"]["inbound_messages"][0]["text"]


async def test_the_copy_leaves_out_staff_messages_and_identifiers_but_not_notes(
    storage: Storage,
) -> None:
    world = await _world(storage)
    async with storage.uow() as uow:
        person = await uow.candidates.get(world.person)
        assert person is not None
        copy = await personal_copy(uow, person)
        chat = person.telegram_id
    messages = copy.tables["notifications"]
    assert messages and {m["recipient_chat_id"] for m in messages} == {chat}
    assert [m["payload"] for m in messages if m["kind"] == "staff_message"] == [
        {"text": "See you soon"}  # who on the staff wrote it is not in it
    ]
    assert copy.tables["notification_subjects"] == [
        {
            "notification_id": copy.tables["notification_subjects"][0]["notification_id"],
            "candidate_id": world.person,
        }
    ]
    columns = {column for rows in copy.tables.values() for row in rows for column in row}
    assert columns.isdisjoint({"actor", "admin_user_id", "handled_by", "read_by", "locked_by"})
    text = copy.as_json().decode()
    assert "admin:1" not in text and "recruiter:1" not in text
    assert str(RECRUITER_CHAT) not in text
    assert "Did " not in text and "Other Person" not in text  # what recruiters were sent
    (note,) = copy.tables["candidate_notes"]
    assert note["text"] == f"{NAME} is keen" and note["created_at"]


async def test_erasing_one_of_a_digests_candidates_keeps_the_others_line(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        uow.session.add(AdminUser(id=1, login="boss", password_hash="-"))
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city, telegram_chat_id=RECRUITER_CHAT)
        person = await make_candidate(uow, city, full_name=NAME, username=USERNAME, phone=PHONE)
        other = await make_candidate(uow, city, full_name="Other Person")
        ids = (person.id, other.id)
        for hours, candidate_id in ((2, person.id), (3, other.id)):
            slot = await make_slot(uow, recruiter, city, NOW + timedelta(hours=hours))
            uow.session.add(
                Booking(
                    slot_id=slot.id,
                    candidate_id=candidate_id,
                    purpose=SlotPurpose.INTERVIEW,
                    status=BookingStatus.APPROVED,
                )
            )
        await uow.commit()
    assert await queue_daily_digests(storage.uow, messaging) == 1
    for status in ("sent", "pending"):  # whether it went out already or not
        async with storage.uow() as uow:
            digest = (
                await uow.session.scalars(
                    select(Notification).where(Notification.kind == "daily_digest")
                )
            ).one()
            assert NAME in digest.payload["text"] and "Other Person" in digest.payload["text"]
            digest.status = NotificationStatus(status)
            await uow.commit()
        if status == "pending":
            break
    async with storage.uow() as uow:
        erased = await erase_candidate(uow, messaging, ids[0], actor="admin:1", reason="asked")
        assert isinstance(erased, Success)
    everything = await _everything(storage)
    assert [needle for needle in NEEDLES if needle in everything] == []
    async with storage.uow() as uow:
        digest = (
            await uow.session.scalars(
                select(Notification).where(Notification.kind == "daily_digest")
            )
        ).one()
    assert "Other Person" in digest.payload["text"] and f"#{ids[0]}" in digest.payload["text"]
    assert digest.status is NotificationStatus.PENDING  # the others' lines still go out


def test_erasure_decides_for_every_table_that_holds_a_persons_rows() -> None:
    assert set(TABLES) == set(personal_tables())


async def _everything(storage: Storage) -> str:
    """Every value of every row of every table, as text."""
    async with storage.uow() as uow:
        chunks: list[str] = []
        for table in Base.metadata.sorted_tables:
            for row in (await uow.session.execute(select(table))).mappings():
                chunks.append(json.dumps(dict(row), default=str, ensure_ascii=False))
        return "\n".join(chunks)


async def test_after_erasure_no_value_of_the_person_remains_and_the_funnel_is_the_same(
    storage: Storage,
) -> None:
    world = await _world(storage)
    everything = await _everything(storage)
    assert all(needle in everything for needle in NEEDLES)  # the search finds them before
    async with storage.uow() as uow:
        funnel_before = await reached_stages(uow, None)
    async with storage.uow() as uow:
        erased = await erase_candidate(
            uow, messaging, world.person, actor="admin:1", reason="asked by email"
        )
        assert isinstance(erased, Success)
    everything = await _everything(storage)
    assert [needle for needle in NEEDLES if needle in everything] == []
    assert "Other Person" in everything and "+70000000000" in everything
    async with storage.uow() as uow:
        assert await reached_stages(uow, None) == funnel_before
        active = await uow.session.scalars(
            select(Booking).where(
                Booking.slot_id == world.slot, Booking.status.in_(ACTIVE_BOOKING_STATUSES)
            )
        )
        assert active.all() == []  # the slot is free
        told = (
            await uow.session.scalars(
                select(Notification).where(
                    Notification.recipient_chat_id == RECRUITER_CHAT,
                    Notification.kind == "recruiter_booking_canceled",
                )
            )
        ).all()
        assert len(told) == 1 and told[0].status.value == "pending"
        assert f"#{world.person}" in told[0].payload["text"]
        pending_to_person = await uow.session.scalars(
            select(Notification).where(
                Notification.candidate_id == world.person,
                Notification.recipient_chat_id != RECRUITER_CHAT,
                Notification.status == "pending",
            )
        )
        assert pending_to_person.all() == []
        entry = (
            await uow.session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == "erase"))
        ).one()
        assert (entry.actor, entry.entity_id, entry.details) == (
            "admin:1",
            str(world.person),
            {"reason": "asked by email"},
        )
        person = await uow.candidates.get(world.person)
        assert person is not None and person.erased_at == NOW
        assert person.telegram_id < 0 and not person.reachable
    async with storage.uow() as uow:
        again = await erase_candidate(uow, messaging, world.person, actor="admin:1", reason="x")
        assert isinstance(again, Failure) and isinstance(again.error, Conflict)


async def test_an_erasure_needs_a_reason(storage: Storage) -> None:
    world = await _world(storage)
    async with storage.uow() as uow:
        result = await erase_candidate(uow, messaging, world.person, actor="admin:1", reason=" ")
        assert isinstance(result, Failure) and result.error.field == "reason"  # type: ignore[union-attr]
    assert NAME in await _everything(storage)


async def test_retention_erases_exactly_the_inactive(storage: Storage) -> None:
    long_ago = NOW - timedelta(days=40)
    async with storage.uow() as uow:
        city = await make_city(uow)
        idle = await make_candidate(
            uow, city, full_name="Idle One", created_at=long_ago, updated_at=long_ago
        )
        wrote = await make_candidate(
            uow, city, full_name="Wrote Lately", created_at=long_ago, updated_at=long_ago
        )
        uow.session.add(
            InboundMessage(
                candidate_id=wrote.id,
                kind=InboundKind.TEXT,
                text="hello",
                created_at=NOW - timedelta(days=2),
            )
        )
        fresh = await make_candidate(
            uow,
            city,
            full_name="Fresh One",
            created_at=NOW - timedelta(days=10),
            updated_at=NOW - timedelta(days=10),
        )
        await uow.commit()
        ids = (idle.id, wrote.id, fresh.id)
    off = await erase_inactive(storage.uow, messaging, 0)
    assert off == 0
    erased = await erase_inactive(storage.uow, messaging, 30)
    assert erased == 1
    async with storage.uow() as uow:
        states: list[Any] = []
        for candidate_id in ids:
            candidate = await uow.candidates.get(candidate_id)
            assert candidate is not None
            states.append((candidate.full_name, candidate.erased_at is not None))
        assert states == [(None, True), ("Wrote Lately", False), ("Fresh One", False)]
        entry = (
            await uow.session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == "erase"))
        ).one()
        assert entry.actor == RETENTION_ACTOR
    assert await erase_inactive(storage.uow, messaging, 30) == 0  # already erased


async def test_retention_keeps_who_has_a_time_to_come_a_place_waiting_or_something_recent(
    storage: Storage,
) -> None:
    long_ago = NOW - timedelta(days=40)
    kept: list[int] = []
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city)

        async def idle(name: str) -> int:
            row = await make_candidate(
                uow, city, full_name=name, created_at=long_ago, updated_at=long_ago
            )
            return row.id

        gone = await idle("Idle One")
        coming = await idle("Booked Ahead")
        slot = await make_slot(uow, recruiter, city, starts_at=NOW + timedelta(days=3))
        uow.session.add(
            Booking(
                slot_id=slot.id,
                candidate_id=coming,
                purpose=SlotPurpose.INTERVIEW,
                status=BookingStatus.APPROVED,
                created_at=long_ago,
                updated_at=long_ago,
            )
        )
        waiting = await idle("On The List")
        uow.session.add(
            WaitlistEntry(
                candidate_id=waiting,
                city_id=city.id,
                purpose=SlotPurpose.INTRO_DAY,
                created_at=long_ago,
            )
        )
        tested = await idle("Took A Test")
        test_row = Test(kind=TestKind.KNOWLEDGE, title="Knowledge")
        uow.session.add(test_row)
        await uow.session.flush()
        uow.session.add(
            TestResult(
                candidate_id=tested,
                test_id=test_row.id,
                status=TestResultStatus.PASSED,
                started_at=NOW - timedelta(days=2),
            )
        )
        asked = await idle("Asked Lately")
        uow.session.add(
            ContactRequest(
                candidate_id=asked,
                reason=ContactReason.NO_TIME,
                created_at=NOW - timedelta(days=2),
            )
        )
        await uow.commit()
        kept = [coming, waiting, tested, asked]
    assert await erase_inactive(storage.uow, messaging, 30) == 1
    async with storage.uow() as uow:
        erased = {
            i: (await uow.candidates.get(i)).erased_at is not None  # type: ignore[union-attr]
            for i in (gone, *kept)
        }
    assert erased == {gone: True, **dict.fromkeys(kept, False)}


async def test_retention_goes_on_past_a_candidate_whose_erasure_fails(
    storage: Storage, monkeypatch: Any
) -> None:
    long_ago = NOW - timedelta(days=40)
    async with storage.uow() as uow:
        city = await make_city(uow)
        ids = [
            (
                await make_candidate(
                    uow, city, full_name=f"Idle {n}", created_at=long_ago, updated_at=long_ago
                )
            ).id
            for n in range(3)
        ]
        await uow.commit()
    real = retention.erase_person

    async def failing(uow: Any, m: Any, candidate: Any, **kwargs: Any) -> bool:
        if candidate.id == ids[1]:
            raise RuntimeError("boom")
        return await real(uow, m, candidate, **kwargs)

    monkeypatch.setattr(retention, "erase_person", failing)
    assert await erase_inactive(storage.uow, messaging, 30) == 2
    async with storage.uow() as uow:
        states = [(await uow.candidates.get(i)).full_name for i in ids]  # type: ignore[union-attr]
    assert states == [None, "Idle 1", None]


async def test_erasing_an_erased_candidate_does_nothing(storage: Storage) -> None:
    world = await _world(storage)
    async with storage.uow() as uow:
        person = await uow.candidates.get(world.person)
        assert person is not None
        first = await erase_now(uow, messaging, person, actor=RETENTION_ACTOR, reason="idle")
        person.erased_at = None  # as a copy read before another erasure committed would say
        second = await erase_now(uow, messaging, person, actor=RETENTION_ACTOR, reason="idle")
        await uow.commit()
    assert (first, second) == (True, False)
    async with storage.uow() as uow:
        assert await retention_erasures(uow) == 1


async def _second_application(storage: Storage, person_id: int, *, when: Any = None) -> int:
    """The person applies to a vacancy too: a second application, with a message of its own."""
    async with storage.uow() as uow:
        person = await uow.candidates.get(person_id)
        assert person is not None
        city = await make_city(uow)
        vacancy = await make_vacancy(uow, city)
        await uow.commit()
        dto = await uow.vacancies.get_dto(vacancy.id)
        assert dto is not None
        second = await apply(uow, person, dto, source="qr")
        uow.session.add(
            InboundMessage(
                candidate_id=second.id,
                kind=InboundKind.TEXT,
                text=f"second try, {NAME}",
                created_at=when or NOW,
            )
        )
        await uow.commit()
        if when is not None:  # all of it happened then (the unit stamps what it writes: SQL)
            await uow.session.execute(
                update(Candidate)
                .where(Candidate.id.in_([person.id, second.id]))
                .values(created_at=when, updated_at=when)
            )
            await uow.commit()
        return second.id


async def test_the_copy_and_the_erasure_cover_every_application_of_the_person(
    storage: Storage,
) -> None:
    world = await _world(storage)
    second = await _second_application(storage, world.person)
    async with storage.uow() as uow:
        current = await uow.candidates.get(second)
        assert current is not None
        copy = await personal_copy(uow, current)
    assert [row["id"] for row in copy.tables["candidates"]] == [second, world.person]
    assert {row["candidate_id"] for row in copy.tables["inbound_messages"]} == {
        world.person,
        second,
    }
    async with storage.uow() as uow:  # the admin erases the application they looked at
        erased = await erase_candidate(uow, messaging, world.person, actor="admin:1", reason="x")
        assert isinstance(erased, Success)
    everything = await _everything(storage)
    assert [needle for needle in NEEDLES if needle in everything] == []
    async with storage.uow() as uow:
        both = [await uow.candidates.get(i) for i in (world.person, second)]
    assert all(c is not None and c.erased_at == NOW for c in both)


async def test_retention_spares_a_person_active_in_another_application(storage: Storage) -> None:
    long_ago = NOW - timedelta(days=40)
    async with storage.uow() as uow:
        city = await make_city(uow)
        busy = await make_candidate(
            uow, city, full_name="Busy Elsewhere", created_at=long_ago, updated_at=long_ago
        )
        idle = await make_candidate(
            uow, city, full_name="Idle Twice", created_at=long_ago, updated_at=long_ago
        )
        await uow.commit()
    await _second_application(storage, busy.id)  # today
    idle_second = await _second_application(storage, idle.id, when=long_ago)
    assert await erase_inactive(storage.uow, messaging, 30) == 2  # both of Idle's, none of Busy's
    async with storage.uow() as uow:
        kept = await uow.candidates.get(busy.id)
        gone = [await uow.candidates.get(i) for i in (idle.id, idle_second)]
    assert kept is not None and kept.full_name == "Busy Elsewhere" and kept.erased_at is None
    assert all(c is not None and c.erased_at is not None for c in gone)


async def test_agreeing_holds_for_every_application_of_the_person(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        person = await make_candidate(uow, city, consent=None, consent_version=None)
        await uow.commit()
    second = await _second_application(storage, person.id)
    async with storage.uow() as uow:
        current = await uow.candidates.get(second)
        assert current is not None
        await agree(uow, messaging, current, username="ann", full_name="Ann")
    async with storage.uow() as uow:
        first = await uow.candidates.get(person.id)
        assert first is not None and first.consent == AGREED
        assert first.consent_version == current.consent_version

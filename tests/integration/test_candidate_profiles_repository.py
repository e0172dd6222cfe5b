"""storage.repositories.candidate_profiles and the outbox's look-up by dedupe key: one
candidate's tests, answers, bookings and messages, nobody else's, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from core.enums import BookingStatus, QuestionKind, SlotPurpose, TestKind, TestResultStatus
from storage.models import Booking, Test, TestAnswer, TestQuestion, TestResult
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

HOUR = timedelta(hours=1)


async def test_tests_and_answers_are_the_candidates_own_in_order(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        candidate, other = await make_candidate(uow, city), await make_candidate(uow, city)
        screening, knowledge = await uow.tests.add_many(
            [
                Test(kind=TestKind.SCREENING, title="Screening"),
                Test(kind=TestKind.KNOWLEDGE, title="Knowledge"),
            ]
        )
        age, name, law = (
            TestQuestion(test_id=test.id, position=n, key=key, kind=QuestionKind.TEXT, prompt={})
            for n, (test, key) in enumerate(
                ((screening, "age"), (screening, "name"), (knowledge, "law"))
            )
        )
        uow.session.add_all([age, name, law])
        # The knowledge test was taken after the screening one, though its row is older.
        later = TestResult(
            candidate_id=candidate.id,
            test_id=knowledge.id,
            started_at=NOW + HOUR,
            status=TestResultStatus.PASSED,
            score=1.0,
            max_score=1.0,
            stars=5,
        )
        earlier = TestResult(candidate_id=candidate.id, test_id=screening.id, started_at=NOW)
        theirs = TestResult(candidate_id=other.id, test_id=screening.id, started_at=NOW)
        await uow.test_results.add_many([later, earlier, theirs])
        uow.session.add_all(
            [
                TestAnswer(result_id=earlier.id, question_id=name.id, answer="Ivan"),
                TestAnswer(result_id=later.id, question_id=law.id, answer="b", is_correct=True),
                TestAnswer(result_id=earlier.id, question_id=age.id, answer="30"),
                TestAnswer(result_id=theirs.id, question_id=age.id, answer="99"),
            ]
        )
        await uow.commit()
    async with storage.uow() as uow:
        results = await uow.candidate_profiles.test_results(candidate.id)
        answers = await uow.candidate_profiles.test_answers(candidate.id)
    assert [(r.id, kind, title) for r, kind, title in results] == [
        (earlier.id, TestKind.SCREENING, "Screening"),
        (later.id, TestKind.KNOWLEDGE, "Knowledge"),
    ]
    assert (results[1][0].status, results[1][0].stars) == (TestResultStatus.PASSED, 5)
    # by result (in the results' id order), then in the order given
    assert [(a.answer, q.key) for a, q in answers] == [
        ("b", "law"),
        ("Ivan", "name"),
        ("30", "age"),
    ]


async def test_bookings_come_with_their_slot_and_names_latest_first(storage: Storage) -> None:
    async with storage.uow() as uow:
        kazan = await make_city(uow, "Kazan", timezone="Europe/Moscow")
        omsk = await make_city(uow, "Omsk", timezone="Asia/Omsk")
        anna = await make_recruiter(uow, kazan, omsk, name="Anna")
        candidate, other = await make_candidate(uow, kazan), await make_candidate(uow, kazan)
        plan = (
            (candidate, kazan, NOW, BookingStatus.CANCELED, SlotPurpose.INTERVIEW),
            (candidate, omsk, NOW + 2 * HOUR, BookingStatus.CONFIRMED, SlotPurpose.INTRO_DAY),
            (other, kazan, NOW + 3 * HOUR, BookingStatus.CONFIRMED, SlotPurpose.INTERVIEW),
        )
        for who, city, starts, status, purpose in plan:
            slot = await make_slot(uow, anna, city, starts, purpose)
            uow.bookings.add(
                Booking(slot_id=slot.id, candidate_id=who.id, purpose=purpose, status=status)
            )
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.candidate_profiles.bookings(candidate.id)
    assert [
        (b.status, s.starts_at, s.city_id, recruiter, city, zone)
        for b, s, recruiter, city, zone in found
    ] == [
        (BookingStatus.CONFIRMED, NOW + 2 * HOUR, omsk.id, "Anna", "Omsk", "Asia/Omsk"),
        (BookingStatus.CANCELED, NOW, kazan.id, "Anna", "Kazan", "Europe/Moscow"),
    ]


async def test_messages_are_the_latest_to_the_chat_and_found_by_dedupe_key(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        await uow.notifications.enqueue(
            [
                {
                    "kind": "test",
                    "recipient_chat_id": chat,
                    "due_at": NOW,
                    "dedupe_key": f"k{n}",
                    "payload": {"text": f"#{n}"},
                }
                for n, chat in enumerate((1, 1, 2, 1))
            ]
        )
        await uow.commit()
    async with storage.uow() as uow:
        latest = await uow.candidate_profiles.messages(1, limit=2)
        everything = await uow.candidate_profiles.messages(1, limit=10)
        third = await uow.notifications.id_by_dedupe_key("k2")
        unknown = await uow.notifications.id_by_dedupe_key("nobody")
    # all written at the same moment: the newest row first
    assert [n.payload["text"] for n in latest] == ["#3", "#1"]
    assert [n.payload["text"] for n in everything] == ["#3", "#1", "#0"]
    assert third is not None and unknown is None
    async with storage.uow() as uow:
        row = await uow.notifications.get(third)
    assert row is not None and row.dedupe_key == "k2"

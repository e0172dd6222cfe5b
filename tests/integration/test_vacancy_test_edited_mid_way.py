"""A vacancy's test edited while a candidate is taking it (on SQLite and PostgreSQL): the panel's
first edit makes the vacancy its own copy with new question ids, and whoever has started goes
on with the test they started (next question, attempts and time limit counting on), while a
new candidate of the vacancy gets the copy."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import CandidateStatus, QuestionKind, TestKind, TestResultStatus
from domain.messaging.texts import Catalog
from domain.screening import first_test, knowledge_test
from domain.screening.questions import save_test_settings
from domain.screening.taken import which_test
from storage.models import Candidate, Test, TestQuestion, TestResult, Vacancy
from storage.uow import UnitOfWork
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_vacancy

CATALOG = Catalog.load("en")


def _text(position: int, key: str) -> TestQuestion:
    return TestQuestion(position=position, key=key, kind=QuestionKind.TEXT, prompt={"en": key})


def _choice(position: int, key: str) -> TestQuestion:
    return TestQuestion(
        position=position,
        key=key,
        kind=QuestionKind.SINGLE_CHOICE,
        prompt={"en": key},
        options=[
            {"value": "right", "label": {"en": "Right"}, "correct": True},
            {"value": "wrong", "label": {"en": "Wrong"}},
        ],
    )


async def _vacancy_on_the_default(storage: Storage, test: Test) -> tuple[Vacancy, Test]:
    async with storage.uow() as uow:
        await uow.tests.add_many([test])
        vacancy = await make_vacancy(uow, await make_city(uow))
        await uow.commit()
    return vacancy, test


async def _applicant(storage: Storage, vacancy: Vacancy, status: CandidateStatus) -> int:
    async with storage.uow() as uow:
        person = await make_candidate(uow, status=status, vacancy_id=vacancy.id, locale="en")
        await uow.commit()
    return person.id


async def _results(storage: Storage, candidate_id: int) -> list[TestResult]:
    async with storage.uow() as uow:
        stmt = select(TestResult).where(TestResult.candidate_id == candidate_id)
        return list((await uow.session.scalars(stmt)).all())


async def _edit(storage: Storage, kind: TestKind, vacancy: Vacancy, percent: int) -> Test:
    """The admin changes only the pass percentage of the vacancy's test: its first edit."""
    async with storage.uow() as uow:
        copy = await save_test_settings(
            uow, kind, {"pass_percent": percent}, actor="test", vacancy_id=vacancy.id
        )
    return copy


async def _person(uow: UnitOfWork, candidate_id: int) -> Candidate:
    person = await uow.candidates.get(candidate_id)
    assert person is not None
    return person


async def test_screening_goes_on_with_the_test_started_after_the_vacancys_first_edit(
    storage: Storage,
) -> None:
    clock = FrozenClock(NOW)
    default = Test(
        kind=TestKind.SCREENING,
        title="Test 1",
        pass_percent=0,
        questions=[_text(1, "one"), _text(2, "two"), _text(3, "three")],
    )
    vacancy, default = await _vacancy_on_the_default(storage, default)
    started = [q.id for q in sorted(default.questions, key=lambda q: q.position)]
    ann = await _applicant(storage, vacancy, CandidateStatus.NEW)
    async with storage.uow() as uow:
        person = await _person(uow, ann)
        first = await first_test.current_step(uow, person, clock, CATALOG)
        assert isinstance(first, first_test.QuestionStep)
        assert first.question.id == started[0]
        second = await first_test.submit_answer(uow, person, started[0], "A", clock, CATALOG)
        assert isinstance(second, first_test.QuestionStep)

    copy = await _edit(storage, TestKind.SCREENING, vacancy, 50)
    assert copy.id != default.id and copy.vacancy_id == vacancy.id

    async with storage.uow() as uow:
        person = await _person(uow, ann)
        step = await first_test.current_step(uow, person, clock, CATALOG)
        assert isinstance(step, first_test.QuestionStep)
        assert (step.question.id, step.number, step.total) == (started[1], 2, 3)
        third = await first_test.submit_answer(uow, person, started[1], "B", clock, CATALOG)
        assert isinstance(third, first_test.QuestionStep)
        assert third.question.id == started[2]
        done = await first_test.submit_answer(uow, person, started[2], "C", clock, CATALOG)
        assert isinstance(done, first_test.ScreeningFinished) and done.passed
        # The recruiter's card and anything else read the answers against the test taken.
        taken = await which_test(uow, person, TestKind.SCREENING)
        assert taken is not None and taken.id == default.id
    [result] = await _results(storage, ann)
    assert (result.test_id, result.status) == (default.id, TestResultStatus.PASSED)

    bob = await _applicant(storage, vacancy, CandidateStatus.NEW)
    async with storage.uow() as uow:
        person = await _person(uow, bob)
        before = await which_test(uow, person, TestKind.SCREENING)
        assert before is not None and before.id == copy.id
        fresh = await first_test.current_step(uow, person, clock, CATALOG)
    assert isinstance(fresh, first_test.QuestionStep)
    assert fresh.question.id not in started and fresh.question.key == "one"
    [new] = await _results(storage, bob)
    assert new.test_id == copy.id


async def test_test2_keeps_its_attempts_and_time_limit_after_the_vacancys_first_edit(
    storage: Storage,
) -> None:
    clock = FrozenClock(NOW)
    default = Test(
        kind=TestKind.KNOWLEDGE,
        title="Test 2",
        pass_percent=50,
        default_max_attempts=2,
        default_time_limit_seconds=60,
        questions=[_choice(1, "one"), _choice(2, "two")],
    )
    vacancy, default = await _vacancy_on_the_default(storage, default)
    started = [q.id for q in sorted(default.questions, key=lambda q: q.position)]
    ann = await _applicant(storage, vacancy, CandidateStatus.INTERVIEWED_PASSED)
    async with storage.uow() as uow:
        person = await _person(uow, ann)
        first, _ = await knowledge_test.current_step(uow, person, clock)
        assert isinstance(first, knowledge_test.Test2Question)
        assert (first.question.id, first.attempt) == (started[0], 1)
        wrong = await knowledge_test.submit_answer(uow, person, started[0], "wrong", clock)
        assert isinstance(wrong, knowledge_test.Test2Wrong)

    clock.advance(timedelta(seconds=30))
    copy = await _edit(storage, TestKind.KNOWLEDGE, vacancy, 100)
    assert copy.id != default.id

    async with storage.uow() as uow:
        person = await _person(uow, ann)
        step, timed_out = await knowledge_test.current_step(uow, person, clock)
        assert isinstance(step, knowledge_test.Test2Question)
        assert not timed_out
        assert (step.question.id, step.attempt, step.attempts) == (started[0], 2, 2)
    clock.advance(timedelta(seconds=31))  # 61 s since the question was shown: too late
    async with storage.uow() as uow:
        person = await _person(uow, ann)
        late = await knowledge_test.submit_answer(uow, person, started[0], "right", clock)
        assert isinstance(late, knowledge_test.Test2TimeUp)
        assert isinstance(late.next, knowledge_test.Test2Question)
        assert late.next.question.id == started[1]
        done = await knowledge_test.submit_answer(uow, person, started[1], "right", clock)
    # Half right: a pass on the test started (50 %), not on the edited copy (100 %).
    assert isinstance(done, knowledge_test.Test2Finished)
    assert (done.passed, done.percent) == (True, 50)
    [result] = await _results(storage, ann)
    assert (result.test_id, result.status) == (default.id, TestResultStatus.PASSED)

    bob = await _applicant(storage, vacancy, CandidateStatus.INTERVIEWED_PASSED)
    async with storage.uow() as uow:
        person = await _person(uow, bob)
        fresh, _ = await knowledge_test.current_step(uow, person, clock)
    assert isinstance(fresh, knowledge_test.Test2Question)
    assert fresh.question.id not in started and fresh.question.key == "one"
    [new] = await _results(storage, bob)
    assert new.test_id == copy.id

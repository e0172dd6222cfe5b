"""The queries behind the question and template editors, on SQLite and on PostgreSQL."""

from __future__ import annotations

from core.enums import QuestionKind, TestKind
from storage.models import MessageTemplate, Test, TestQuestion
from tests.conftest import Storage
from tests.support.factories import make_city


def _question(key: str, position: int, *, active: bool = True) -> TestQuestion:
    return TestQuestion(
        key=key, position=position, kind=QuestionKind.TEXT, prompt={"en": key}, active=active
    )


async def test_a_question_comes_with_its_test_and_all_its_questions(storage: Storage) -> None:
    async with storage.uow() as uow:
        screening, knowledge = await uow.tests.add_many(
            [
                Test(
                    kind=TestKind.SCREENING,
                    title="Test 1",
                    questions=[_question("a", 1), _question("b", 2, active=False)],
                ),
                Test(kind=TestKind.KNOWLEDGE, title="Test 2", questions=[_question("c", 1)]),
            ]
        )
        asked = screening.questions[1].id
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.tests.question_with_test(asked)
        assert found is not None
        test, question = found
        assert (test.id, question.key) == (screening.id, "b")
        assert [q.key for q in test.questions] == ["a", "b"]  # switched off ones too
        assert await uow.tests.question_with_test(9999) is None
        single = await uow.tests.get_question(knowledge.questions[0].id)
        assert single is not None and single.key == "c"
        assert await uow.tests.get_question(9999) is None


async def test_an_added_question_is_written_at_once_under_its_test(storage: Storage) -> None:
    async with storage.uow() as uow:
        [test] = await uow.tests.add_many(
            [Test(kind=TestKind.SCREENING, title="Test 1", questions=[_question("a", 1)])]
        )
        added = await uow.tests.add_question(test, _question("b", 2))
        assert added.id is not None and added.test_id == test.id
        assert [q.key for q in test.questions] == ["a", "b"]
        await uow.commit()
    async with storage.uow() as uow:
        again = await uow.tests.get_by_kind(TestKind.SCREENING)
        assert again is not None and [q.id for q in again.questions][-1] == added.id


async def test_overrides_are_listed_by_key_and_locale_global_ones_first(storage: Storage) -> None:
    async with storage.uow() as uow:
        first, second = await make_city(uow), await make_city(uow)
        for key, locale, city_id in (
            ("welcome", "ru", second.id),
            ("welcome", "ru", None),
            ("welcome", "en", first.id),
            ("welcome", "ru", first.id),
            ("bye", "ru", None),
        ):
            uow.templates.add(MessageTemplate(key=key, locale=locale, city_id=city_id, body="x"))
        await uow.commit()
    async with storage.uow() as uow:
        every = await uow.templates.list_overrides()
        welcome = await uow.templates.list_overrides("welcome")
    assert [(t.key, t.locale, t.city_id) for t in every] == [
        ("bye", "ru", None),
        ("welcome", "en", first.id),
        ("welcome", "ru", None),
        ("welcome", "ru", first.id),
        ("welcome", "ru", second.id),
    ]
    assert [t.key for t in welcome] == ["welcome"] * 4


async def test_saving_an_override_reports_one_saved_meanwhile(storage: Storage) -> None:
    async with storage.uow() as uow:
        saved = MessageTemplate(key="welcome", locale="en", city_id=None, body="first")
        assert await uow.templates.save(saved)
        assert saved.id is not None  # written at once: the audit names it
        await uow.commit()
    async with storage.uow() as uow:
        twin = MessageTemplate(key="welcome", locale="en", city_id=None, body="second")
        assert not await uow.templates.save(twin)
        await uow.rollback()
    async with storage.uow() as uow:
        assert [t.body for t in await uow.templates.list_overrides("welcome")] == ["first"]

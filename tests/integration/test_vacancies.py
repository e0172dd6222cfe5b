"""Vacancies on SQLite and PostgreSQL: links, applications (several per person, one current),
a vacancy's own tests copied from the defaults."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.enums import CandidateStatus, QuestionKind, TestKind
from core.errors import InvalidField
from core.result import Failure, Success
from domain.vacancies.applications import applications_of, apply, switch_to
from domain.vacancies.catalog import open_in_city, title_in
from domain.vacancies.editing import VacancyFields, create_vacancy, update_vacancy
from domain.vacancies.links import payload, read_payload
from storage.models import Candidate, Test, TestQuestion
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_vacancy


async def test_a_link_names_a_vacancy_by_id_or_slug_and_keeps_the_source(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        by_id = await make_vacancy(uow, city)
        by_slug = await make_vacancy(uow, city, slug="barista")
        await uow.commit()
        first = await read_payload(uow, f"v{by_id.id}_vk-ads")
        second = await read_payload(uow, "barista")
        plain = await read_payload(uow, "channel_7")
        gone = await read_payload(uow, "v999999_tg")
        junk = await read_payload(uow, "no spaces allowed")
        slug_dto = await uow.vacancies.get_dto(by_slug.id)
    assert first.vacancy is not None and first.vacancy.id == by_id.id
    assert first.source == "vk-ads"
    assert second.vacancy is not None and second.vacancy.id == by_slug.id
    assert second.source is None
    assert (plain.vacancy, plain.source) == (None, "channel_7")  # a source tag, as before
    assert (gone.vacancy, gone.source) == (None, "v999999_tg")
    assert (junk.vacancy, junk.source) == (None, None)
    assert slug_dto is not None and payload(slug_dto, "qr") == "barista_qr"


async def test_a_person_applies_to_two_vacancies_each_with_its_own_pipeline(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        cook = await make_vacancy(uow, city, title="Cook")
        waiter = await make_vacancy(uow, city, title="Waiter")
        person = await make_candidate(uow, city, status=CandidateStatus.NEW, full_name="Ann")
        await uow.commit()
        cook_dto = await uow.vacancies.get_dto(cook.id)
        waiter_dto = await uow.vacancies.get_dto(waiter.id)
        assert cook_dto is not None and waiter_dto is not None
        first = await apply(uow, person, cook_dto, source="tg")
        assert first.id == person.id and first.vacancy_id == cook.id  # no vacancy yet: this one
        first.status = CandidateStatus.SCREENING_PASSED
        second = await apply(uow, first, waiter_dto, source="qr")
        await uow.commit()
        assert second.id != first.id
        assert (second.status, second.vacancy_id, second.source) == (
            CandidateStatus.NEW,
            waiter.id,
            "qr",
        )
        assert (second.full_name, second.telegram_id, second.city_id) == (
            "Ann",
            person.telegram_id,
            city.id,
        )
        current = await uow.candidates.get_by_telegram_id(person.telegram_id)
        assert current is not None and current.id == second.id
        back = await apply(uow, second, cook_dto)
        await uow.commit()
        assert back.id == first.id and back.status is CandidateStatus.SCREENING_PASSED
        mine = await applications_of(uow, back)
        assert [a.id for a in mine] == [first.id, second.id]
        assert [a.is_current for a in mine] == [True, False]
        assert await switch_to(uow, back, second.id) is second
        stranger = await make_candidate(uow, city)
        assert await switch_to(uow, second, stranger.id) is None
        await uow.commit()


async def test_the_database_keeps_one_current_application_per_person(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        person = await make_candidate(uow, city)
        await uow.commit()
        uow.candidates.add(Candidate(telegram_id=person.telegram_id, locale="en"))
        with pytest.raises(IntegrityError):
            await uow.commit()


async def test_open_vacancies_follow_their_dates_in_the_city_zone(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow, timezone="Asia/Vladivostok")  # UTC+10: already the next day
        local_day = (NOW + timedelta(hours=10)).date()
        await make_vacancy(uow, city, title="Today", opens_on=local_day)
        await make_vacancy(uow, city, title="Later", opens_on=local_day + timedelta(days=1))
        await make_vacancy(uow, city, title="Over", closes_on=local_day - timedelta(days=1))
        await make_vacancy(uow, city, title="Off", active=False)
        await uow.commit()
        open_now = await open_in_city(uow, city.id, NOW)
    assert [title_in(v, "en") for v in open_now] == ["Today"]


async def test_a_new_vacancy_gets_its_own_copy_of_each_default_test(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        parent = TestQuestion(
            position=1,
            key="shift",
            kind=QuestionKind.SINGLE_CHOICE,
            prompt={"en": "Shift?"},
            options=[{"value": "night", "label": {"en": "Night"}}],
        )
        child = TestQuestion(
            position=2,
            key="why",
            kind=QuestionKind.TEXT,
            prompt={"en": "Why?"},
            show_if_answer="night",
        )
        default = Test(
            kind=TestKind.SCREENING, title="Test 1", pass_percent=0, questions=[parent, child]
        )
        await uow.tests.add_many([default])
        child.parent_id = parent.id
        await uow.commit()
        made = await create_vacancy(
            uow, VacancyFields(title={"en": "Cook"}, city_ids=(city.id,)), actor="test"
        )
        assert isinstance(made, Success)
        own = await uow.tests.get_by_kind(TestKind.SCREENING, made.value)
        fallback = await uow.tests.get_by_kind(TestKind.SCREENING, None)
    assert own is not None and own.id != default.id and own.vacancy_id == made.value
    assert fallback is not None and fallback.id == default.id
    copies = {q.key: q for q in own.questions}
    assert set(copies) == {"shift", "why"}
    assert copies["why"].parent_id == copies["shift"].id  # the branch follows the copy


async def test_a_vacancy_without_its_own_test_uses_the_default(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        vacancy = await make_vacancy(uow, city)
        await uow.tests.add_many([Test(kind=TestKind.KNOWLEDGE, title="T2", pass_percent=50)])
        await uow.commit()
        test = await uow.tests.get_dto_by_kind(TestKind.KNOWLEDGE, vacancy.id)
    assert test is not None and test.title == "T2"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": {"en": " "}}, "title"),
        ({"city_ids": ()}, "city_ids"),
        ({"city_ids": (999_999,)}, "city_ids"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "v7"}, "slug"),  # would read as the link to vacancy #7
        ({"owner_recruiter_id": 999_999}, "owner_recruiter_id"),
        ({"opens_on": date(2026, 12, 10), "closes_on": date(2026, 12, 9)}, "closes_on"),
    ],
)
async def test_a_vacancy_with_a_bad_field_is_refused_for_that_field(
    storage: Storage, fields: dict[str, object], field: str
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_vacancy(uow, city, slug="taken")
        await uow.commit()
        values: dict[str, object] = {"title": {"en": "Cook"}, "city_ids": (city.id,)}
        values.update(fields)
        made = await create_vacancy(uow, VacancyFields(**values), actor="test")  # type: ignore[arg-type]
        taken = await create_vacancy(
            uow, VacancyFields(title={"en": "X"}, city_ids=(city.id,), slug="taken"), actor="a"
        )
    assert isinstance(made, Failure) and isinstance(made.error, InvalidField)
    assert str(made.error).startswith(f"{field}:")
    assert isinstance(taken, Failure) and str(taken.error).startswith("slug:")


async def test_two_vacancies_created_at_once_with_one_slug_make_one_and_a_refusal(
    storage: Storage,
) -> None:
    """Both pass the check before either writes: the database's unique slug decides, and the
    second is told so next to its field, not with an error."""
    async with storage.uow() as uow:
        city = await make_city(uow)
        await uow.commit()

    async def make() -> object:
        async with storage.uow() as uow:
            fields = VacancyFields(title={"en": "Cook"}, city_ids=(city.id,), slug="cook")
            return await create_vacancy(uow, fields, actor="test")

    results = await asyncio.gather(make(), make())
    assert sorted(type(r).__name__ for r in results) == ["Failure", "Success"]
    (refused,) = [r for r in results if isinstance(r, Failure)]
    assert str(refused.error) == "slug: reason.vacancy.slug_taken"  # said per reader


async def test_a_slug_taken_between_the_check_and_the_change_is_refused(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other request wrote it after this one's check: the database refuses the change, and
    the vacancy is told so next to its field, its own row as it was."""
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_vacancy(uow, city, slug="cook")
        mine = await make_vacancy(uow, city, slug="baker")
        await uow.commit()
    async with storage.uow() as uow:

        async def unseen(_slug: str) -> None:  # the check ran before the other write
            return None

        monkeypatch.setattr(uow.vacancies, "by_slug", unseen)
        fields = VacancyFields(title={"en": "Baker"}, city_ids=(city.id,), slug="cook")
        changed = await update_vacancy(uow, mine.id, fields, actor="test")
    assert isinstance(changed, Failure)
    assert str(changed.error) == "slug: reason.vacancy.slug_taken"  # said per reader
    async with storage.uow() as uow:
        kept = await uow.vacancies.get_dto(mine.id)
    assert kept is not None and kept.slug == "baker"

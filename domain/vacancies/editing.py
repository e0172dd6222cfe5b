"""Creating and editing a vacancy: its rules in one place for the panel and the API. A new
vacancy gets its own screening and knowledge tests, copied from the defaults, to edit from
there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.enums import TestKind
from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from core.settings import SUPPORTED_LOCALES
from domain.records import Test, TestQuestion, Vacancy
from domain.vacancies.links import SLUG, reserved_slug
from storage.uow import UnitOfWork

MAX_TITLE = 120
MAX_DESCRIPTION = 2000
SLUG_TAKEN = "reason.vacancy.slug_taken"  # catalog keys: said in the reader's language


@dataclass(frozen=True)
class VacancyFields:
    title: dict[str, str]
    city_ids: tuple[int, ...]
    description: dict[str, str] = field(default_factory=dict)
    slug: str | None = None
    owner_recruiter_id: int | None = None
    opens_on: date | None = None
    closes_on: date | None = None
    active: bool = True


async def _check(
    uow: UnitOfWork, fields: VacancyFields, vacancy_id: int | None
) -> InvalidField | None:
    titles = {k: v.strip() for k, v in fields.title.items() if k in SUPPORTED_LOCALES}
    if not any(titles.values()):
        return InvalidField("title", "reason.vacancy.title_required")
    if any(len(v) > MAX_TITLE for v in titles.values()):
        return InvalidField("title", "reason.at_most_characters", max=MAX_TITLE)
    if any(len(v) > MAX_DESCRIPTION for v in fields.description.values()):
        return InvalidField("description", "reason.at_most_characters", max=MAX_DESCRIPTION)
    if not fields.city_ids:
        return InvalidField("city_ids", "reason.vacancy.one_city")
    for city_id in fields.city_ids:
        if await uow.cities.get_dto(city_id) is None:
            return InvalidField("city_ids", "reason.vacancy.cities_exist")
    if fields.slug is not None:
        if not SLUG.match(fields.slug):
            return InvalidField("slug", "reason.vacancy.slug_form")
        if reserved_slug(fields.slug):
            return InvalidField("slug", "reason.vacancy.slug_reserved")
        taken = await uow.vacancies.by_slug(fields.slug)
        if taken is not None and taken.id != vacancy_id:
            return InvalidField("slug", SLUG_TAKEN)
    owner = fields.owner_recruiter_id
    if owner is not None and await uow.recruiters.get_dto(owner) is None:
        return InvalidField("owner_recruiter_id", "reason.no_such.recruiter")
    if fields.opens_on and fields.closes_on and fields.closes_on < fields.opens_on:
        return InvalidField("closes_on", "reason.vacancy.closes_before_opening")
    return None


def _apply(vacancy: Vacancy, fields: VacancyFields) -> None:
    vacancy.title = {k: v.strip() for k, v in fields.title.items() if k in SUPPORTED_LOCALES and v}
    vacancy.description = {
        k: v.strip() for k, v in fields.description.items() if k in SUPPORTED_LOCALES and v
    }
    vacancy.slug = fields.slug
    vacancy.owner_recruiter_id = fields.owner_recruiter_id
    vacancy.opens_on = fields.opens_on
    vacancy.closes_on = fields.closes_on
    vacancy.active = fields.active


async def create_vacancy(
    uow: UnitOfWork, fields: VacancyFields, *, actor: str
) -> Result[int, InvalidField]:
    """A new vacancy with its own copies of the default tests. Commits."""
    problem = await _check(uow, fields, None)
    if problem is not None:
        return Failure(problem)
    vacancy = Vacancy()
    if not await uow.vacancies.write_unique(vacancy, lambda: _apply(vacancy, fields)):
        return Failure(InvalidField("slug", SLUG_TAKEN))
    await uow.vacancies.set_cities(vacancy.id, fields.city_ids)
    for kind in TestKind:
        await copy_default_test(uow, kind, vacancy.id)
    uow.audit.record(actor=actor, action="create", entity="vacancy", entity_id=vacancy.id)
    await uow.commit()
    return Success(vacancy.id)


async def update_vacancy(
    uow: UnitOfWork, vacancy_id: int, fields: VacancyFields, *, actor: str
) -> Result[int, InvalidField | NotFound]:
    """Change a vacancy; its applications keep their rows. Commits."""
    vacancy = await uow.vacancies.get(vacancy_id)
    if vacancy is None:
        return Failure(NotFound("vacancy"))
    problem = await _check(uow, fields, vacancy_id)
    if problem is not None:
        return Failure(problem)
    if not await uow.vacancies.write_unique(vacancy, lambda: _apply(vacancy, fields)):
        return Failure(InvalidField("slug", SLUG_TAKEN))
    await uow.vacancies.set_cities(vacancy.id, fields.city_ids)
    uow.audit.record(actor=actor, action="update", entity="vacancy", entity_id=vacancy.id)
    await uow.commit()
    return Success(vacancy.id)


async def copy_default_test(uow: UnitOfWork, kind: TestKind, vacancy_id: int) -> Test | None:
    """The vacancy's own copy of the default test of `kind`, questions, branches and all
    (None when there is no default test). The caller commits."""
    default = await uow.tests.get_by_kind(kind)
    if default is None or default.vacancy_id is not None:
        return None
    [copy] = await uow.tests.add_many(
        [
            Test(
                kind=kind,
                vacancy_id=vacancy_id,
                title=default.title,
                pass_percent=default.pass_percent,
                default_max_attempts=default.default_max_attempts,
                default_time_limit_seconds=default.default_time_limit_seconds,
                questions=[],
            )
        ]
    )
    copies: dict[int, TestQuestion] = {}
    for question in default.questions:
        twin = TestQuestion(
            position=question.position,
            key=question.key,
            kind=question.kind,
            prompt=dict(question.prompt),
            options=[dict(o) for o in question.options],
            min_value=question.min_value,
            max_value=question.max_value,
            whole_number=question.whole_number,
            max_attempts=question.max_attempts,
            time_limit_seconds=question.time_limit_seconds,
            show_if_answer=question.show_if_answer,
            active=question.active,
        )
        copies[question.id] = await uow.tests.add_question(copy, twin)
    for question in default.questions:  # branches point at the copies of their parents
        if question.parent_id is not None:
            copies[question.id].parent_id = copies[question.parent_id].id
    return copy

"""Issue 19's "done when", the candidate's part, in one sandbox run: two vacancies in one city
with different screening tests; one person applies to both (choosing the first after the city,
the second from /vacancies) and is screened separately, each application with its own test's
answers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.enums import CandidateStatus, QuestionKind, TestKind
from core.result import Success
from domain.vacancies.editing import VacancyFields, create_vacancy
from storage.models import Candidate, Test, TestQuestion, TestResult
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import TEXTS, answer_screening, button_texts, shown

CITY = "Калининград"


async def _two_vacancies(app: RunningApp) -> tuple[int, int]:
    """A seller's vacancy with its copy of the demo's screening test, and a barista's whose
    own test asks one question of its own."""
    async with app.app.uow_factory() as uow:
        city = next(c for c in await uow.cities.list_active() if c.name == CITY)
        ids = []
        for title in ("Seller", "Barista"):
            made = await create_vacancy(
                uow, VacancyFields(title={"en": title}, city_ids=(city.id,)), actor="test"
            )
            assert isinstance(made, Success)
            ids.append(made.value)
        seller, barista = ids
        own = await uow.tests.get_by_kind(TestKind.SCREENING, barista)
        assert own is not None and own.vacancy_id == barista
        own.questions[:] = [
            TestQuestion(
                position=1,
                key="coffee",
                kind=QuestionKind.TEXT,
                prompt={"en": "Which coffee do you make best?"},
            )
        ]
        await uow.commit()
    return seller, barista


async def test_one_person_applies_to_two_vacancies_and_is_screened_for_each(
    running_app: RunningApp,
) -> None:
    app = running_app
    seller, barista = await _two_vacancies(app)
    chat = Chat(await app.sandbox.persona(TEXTS["en"]["name"], language="en"))
    await chat.start()
    noted, choice = await chat.press(shown(CITY, "en"), expect=2)
    assert noted["text"].startswith("Kaliningrad: noted")
    assert "Several vacancies are open" in choice["text"]
    assert button_texts(choice) == ["Seller", "Barista"]

    applying, question = await chat.press("Seller", expect=2)
    assert applying["text"] == "You are applying for the vacancy: Seller."
    assert question["text"].startswith("💼 Seller\n")
    passed = await answer_screening(chat, "en")
    assert "passed the first step" in passed[0]["text"]

    (overview,) = await chat.say("/vacancies")
    assert "Seller" in overview["text"] and "questionnaire passed" in overview["text"]
    switched, question = await chat.press("➕ Barista", expect=2)
    assert switched["text"].startswith("You are now applying for the vacancy: Barista.")
    assert "Which coffee do you make best?" in question["text"]
    passed = await chat.say("A flat white", expect=2)
    assert "passed the first step" in passed[0]["text"]

    async with app.app.uow_factory() as uow:
        stmt = select(Candidate).where(Candidate.telegram_id == chat.id).order_by(Candidate.id)
        applications = list((await uow.session.scalars(stmt)).all())
        results = (
            await uow.session.execute(
                select(TestResult, Test.vacancy_id)
                .join(Test)
                .options(selectinload(TestResult.answers))
            )
        ).all()
    assert [(a.vacancy_id, a.status) for a in applications] == [
        (seller, CandidateStatus.SCREENING_PASSED),
        (barista, CandidateStatus.SCREENING_PASSED),
    ]
    by_application = {r.candidate_id: (vacancy_id, len(r.answers)) for r, vacancy_id in results}
    assert by_application[applications[0].id][0] == seller
    assert by_application[applications[0].id][1] >= 7  # the seller's copy of the demo test
    assert by_application[applications[1].id] == (barista, 1)

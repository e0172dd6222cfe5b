"""Vacancies in the candidate's chat, through the real dispatcher: a link to a vacancy (by id or
slug, with a source), the choice among a city's vacancies after the city (one: applied to at
once; none: as before), `/vacancies` to go back to an application or apply to another, each
application screened with its own vacancy's test, and a vacancy's template override."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.callbacks import ApplicationPick, CityChoice, VacancyPick
from core.enums import CandidateStatus, QuestionKind, TestKind
from storage.models import Candidate, MessageTemplate, Test, TestQuestion, TestResult
from tests.bot.conftest import BotHarness, button_update, shown_consent
from tests.support.bot import text_update
from tests.support.factories import make_candidate, make_city, make_vacancy

USER = 4_242


def _test(prompt: str, vacancy_id: int | None = None) -> Test:
    """A screening test: the city (answered by the city picker) and one question in words."""
    city = TestQuestion(
        position=1, key="city", kind=QuestionKind.TEXT, prompt={"en": "City?", "ru": "Город?"}
    )
    own = TestQuestion(
        position=2, key="why", kind=QuestionKind.TEXT, prompt={"en": prompt, "ru": prompt}
    )
    return Test(
        kind=TestKind.SCREENING,
        title=prompt,
        pass_percent=0,
        vacancy_id=vacancy_id,
        questions=[city, own],
    )


@dataclass
class World:
    kazan: int
    samara: int
    cook: int
    barista: int


async def _world(harness: BotHarness, *, cities_of_barista: int = 1) -> World:
    """Kazan with a cook's and a barista's vacancy, each with its own screening test; Samara;
    a default test asking "Why us?"."""
    async with harness.storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        samara = await make_city(uow, "Samara")
        cook = await make_vacancy(uow, kazan, title="Cook", slug="cook")
        barista_cities = (kazan, samara)[:cities_of_barista]
        barista = await make_vacancy(uow, *barista_cities, title="Barista", slug="barista")
        barista.description = {"en": "Coffee <and> smiles"}
        await uow.tests.add_many(
            [_test("Why us?"), _test("Why cooking?", cook.id), _test("Why coffee?", barista.id)]
        )
        await uow.commit()
        return World(kazan.id, samara.id, cook.id, barista.id)


async def _feed(harness: BotHarness, update: object) -> None:
    await harness.dispatcher.feed_update(harness.bot, update)  # type: ignore[arg-type]


def _texts(harness: BotHarness) -> list[str]:
    return [m.text for m in harness.session.sent()]


def _buttons(harness: BotHarness) -> list[tuple[str, str]]:
    """The buttons (label, data) of the last message that had any."""
    for sent in reversed(harness.session.sent()):
        if isinstance(sent.reply_markup, InlineKeyboardMarkup):
            return [
                (b.text, b.callback_data or "")
                for row in sent.reply_markup.inline_keyboard
                for b in row
            ]
    return []


async def _press(harness: BotHarness, data: CallbackData) -> None:
    await _feed(harness, button_update(data, user_id=USER))


async def _say(harness: BotHarness, text: str) -> None:
    await _feed(harness, text_update(text, user_id=USER))


async def _start(harness: BotHarness, payload: str = "") -> None:
    await _say(harness, f"/start {payload}".strip())
    await _feed(harness, button_update(shown_consent(harness.session, agree=True), user_id=USER))


async def _applications(harness: BotHarness) -> list[Candidate]:
    async with harness.storage.uow() as uow:
        stmt = select(Candidate).where(Candidate.telegram_id == USER).order_by(Candidate.id)
        return list((await uow.session.scalars(stmt)).all())


async def _results(harness: BotHarness) -> dict[tuple[int, str], list[str]]:
    """Per application and test: the answers stored."""
    async with harness.storage.uow() as uow:
        rows = (
            await uow.session.execute(
                select(TestResult, Test.title).join(Test).options(selectinload(TestResult.answers))
            )
        ).all()
        return {(r.candidate_id, title): [a.answer for a in r.answers] for r, title in rows}


async def test_choosing_among_a_citys_vacancies_then_each_is_screened_with_its_own_test(
    harness: BotHarness,
) -> None:
    world = await _world(harness)
    await _start(harness)
    await _press(harness, CityChoice(city_id=world.kazan))
    choice = _texts(harness)[-1]
    assert "Several vacancies are open in Kazan" in choice
    assert "<b>Cook</b>" in choice and "<b>Barista</b>\nCoffee &lt;and&gt; smiles" in choice
    assert [label for label, _ in _buttons(harness)] == ["Cook", "Barista"]
    assert await _results(harness) == {}  # no test opened before the vacancy is chosen

    await _say(harness, "the cook one, please")  # words instead of a button: asked again
    assert "Several vacancies are open in Kazan" in _texts(harness)[-1]

    await _press(harness, VacancyPick(vacancy_id=world.cook))
    applying, question = _texts(harness)[-2:]
    assert applying == "You are applying for the vacancy: Cook."
    assert question.startswith("💼 Cook\n<b>Question 1 of 1</b>")  # the city not asked again
    assert "Why cooking?" in question
    await _say(harness, "I love food")
    assert _texts(harness)[-2].startswith("Thank you! You have passed the first step.")

    await _say(harness, "/vacancies")
    overview = _texts(harness)[-1]
    assert "▶️ <b>Cook</b>: questionnaire passed" in overview
    assert "Open vacancies in your city" in overview and "<b>Barista</b>" in overview
    assert [label for label, _ in _buttons(harness)] == ["▶️ Cook", "➕ Barista"]

    await _press(harness, VacancyPick(vacancy_id=world.barista))
    switched, question = _texts(harness)[-2:]
    assert switched.startswith("You are now applying for the vacancy: Barista.")
    assert "Why coffee?" in question and "Question 1 of 1" in question
    await _say(harness, "Latte art")

    cook_app, barista_app = await _applications(harness)
    assert (cook_app.vacancy_id, barista_app.vacancy_id) == (world.cook, world.barista)
    assert cook_app.status is barista_app.status is CandidateStatus.SCREENING_PASSED
    assert (cook_app.is_current, barista_app.is_current) == (False, True)
    assert await _results(harness) == {
        (cook_app.id, "Why cooking?"): ["Kazan", "I love food"],
        (barista_app.id, "Why coffee?"): ["Kazan", "Latte art"],
    }

    await _press(harness, ApplicationPick(application_id=cook_app.id))
    assert "Your application for Cook: questionnaire passed" in _texts(harness)[-2]
    cook_app, barista_app = await _applications(harness)
    assert (cook_app.is_current, barista_app.is_current) == (True, False)


async def test_a_link_by_id_with_a_source_applies_and_takes_the_vacancys_only_city(
    harness: BotHarness,
) -> None:
    world = await _world(harness)
    await _say(harness, f"/start v{world.cook}_hh-spring")
    assert "You are applying for the vacancy: Cook." in _texts(harness)
    await _feed(harness, button_update(shown_consent(harness.session, agree=True), user_id=USER))
    question = _texts(harness)[-1]
    assert question.startswith("💼 Cook\n") and "Why cooking?" in question
    (application,) = await _applications(harness)
    assert (application.vacancy_id, application.city_id, application.source) == (
        world.cook,
        world.kazan,
        "hh-spring",
    )


async def test_a_link_by_slug_offers_only_the_vacancys_cities(harness: BotHarness) -> None:
    world = await _world(harness, cities_of_barista=2)
    async with harness.storage.uow() as uow:
        await make_city(uow, "Tver")
        await uow.commit()
    await _start(harness, "barista_qr")
    assert _texts(harness)[-1].startswith("Which city are you in?")
    assert [label for label, _ in _buttons(harness)][:-1] == ["Kazan", "Samara"]
    await _say(harness, "Tver")  # not one of the vacancy's: asked again
    assert _texts(harness)[-1].startswith("Which city are you in?")
    await _press(harness, CityChoice(city_id=world.samara))
    assert "Why coffee?" in _texts(harness)[-1]
    (application,) = await _applications(harness)
    assert (application.vacancy_id, application.city_id, application.source) == (
        world.barista,
        world.samara,
        "qr",
    )


async def test_the_only_vacancy_in_the_city_is_applied_to_at_once(harness: BotHarness) -> None:
    world = await _world(harness, cities_of_barista=2)
    await _start(harness)
    await _press(harness, CityChoice(city_id=world.samara))
    applying, question = _texts(harness)[-2:]
    assert applying == "You are applying for the vacancy: Barista."
    assert "Why coffee?" in question
    (application,) = await _applications(harness)
    assert application.vacancy_id == world.barista


async def test_a_city_without_vacancies_goes_on_as_before(harness: BotHarness) -> None:
    world = await _world(harness)
    await _start(harness)
    await _press(harness, CityChoice(city_id=world.samara))
    question = _texts(harness)[-1]
    assert question.startswith("<b>Question 1 of 1</b>") and "Why us?" in question
    (application,) = await _applications(harness)
    assert application.vacancy_id is None


async def test_a_link_while_another_application_is_under_way_starts_a_new_one(
    harness: BotHarness,
) -> None:
    world = await _world(harness)
    async with harness.storage.uow() as uow:
        kazan = await uow.cities.get(world.kazan)
        await make_candidate(
            uow,
            kazan,
            telegram_id=USER,
            vacancy_id=world.cook,
            status=CandidateStatus.INTERVIEW_SCHEDULED,
        )
        await uow.commit()
    await _say(harness, "/start barista")
    assert any(
        t.startswith("You are now applying for the vacancy: Barista.") for t in _texts(harness)
    )
    assert "Why coffee?" in _texts(harness)[-1]
    cook_app, barista_app = await _applications(harness)
    assert cook_app.status is CandidateStatus.INTERVIEW_SCHEDULED  # kept as it was
    assert (barista_app.vacancy_id, barista_app.status) == (
        world.barista,
        CandidateStatus.SCREENING,
    )
    assert barista_app.is_current and not cook_app.is_current


async def test_a_vacancys_override_wins_over_its_citys(harness: BotHarness) -> None:
    world = await _world(harness)
    async with harness.storage.uow() as uow:
        for place, body in (
            ({"city_id": world.kazan}, "Kazan passed."),
            ({"vacancy_id": world.cook}, "Cook passed."),
        ):
            uow.templates.add(
                MessageTemplate(key="screening_passed", locale="en", body=body, **place)
            )
        await uow.commit()
    await _start(harness)
    await _press(harness, CityChoice(city_id=world.kazan))
    await _press(harness, VacancyPick(vacancy_id=world.barista))
    await _say(harness, "Latte art")
    assert "Kazan passed." in _texts(harness)
    await _say(harness, "/start cook")
    await _say(harness, "Pasta")
    assert "Cook passed." in _texts(harness)

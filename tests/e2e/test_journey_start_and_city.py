"""Points 1 and 2: start, language at any time, resuming after a restart, choosing the city."""

from __future__ import annotations

import pytest

from storage.models import City
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import TEXTS, begin, button_texts


async def test_language_comes_from_telegram_and_changes_with_lang(running_app: RunningApp) -> None:
    chat = Chat(await running_app.sandbox.persona("Ann", language="en"))
    welcome, _cities = await chat.start()
    assert welcome["text"].startswith("Hello")
    (by_button,) = await chat.press("🌐 Язык / Language")
    assert button_texts(by_button) == ["Русский", "English"]
    (menu,) = await chat.say("/lang")
    assert button_texts(menu) == ["Русский", "English"]
    chosen, again = await chat.press("Русский", expect=2)
    assert chosen["text"] == "Язык: русский."
    assert again["text"].startswith("В каком вы городе?")
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.locale == "ru"


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_a_candidate_resumes_where_they_stopped_after_a_restart(
    running_app: RunningApp, locale: str
) -> None:
    chat = await begin(running_app, locale)
    await chat.say("Ann Smith")
    (age_question,) = await chat.say("25", expect=1)
    assert f"{TEXTS[locale]['question']} 3 {TEXTS[locale]['of']} 7" in age_question["text"]
    await running_app.restart()
    _welcome, resumed = await chat.start()
    assert f"{TEXTS[locale]['question']} 3 {TEXTS[locale]['of']} 7" in resumed["text"]
    assert TEXTS[locale]["working"] in button_texts(resumed)


@pytest.mark.parametrize(
    ("locale", "noted", "first"),
    [("en", "Moscow: noted", "Question 1 of 7"), ("ru", "Москва: записал", "Вопрос 1 из 7")],
)
async def test_a_typed_city_is_matched_case_insensitively(
    running_app: RunningApp, locale: str, noted: str, first: str
) -> None:
    chat = Chat(await running_app.sandbox.persona("Ann", language=locale))
    await chat.start()
    note, question = await chat.say("  москва ", expect=2)
    assert note["text"].startswith(noted)
    assert question["text"].startswith(first)


@pytest.mark.parametrize(
    ("locale", "maybe", "unknown"),
    [
        ("en", "Did you mean: Novosibirsk", "I could not find the city “Атлантида”"),
        ("ru", "Может быть: Новосибирск", "Не нашёл город «Атлантида»"),
    ],
)
async def test_a_close_name_gets_suggestions_and_the_list_again(
    running_app: RunningApp, locale: str, maybe: str, unknown: str
) -> None:
    chat = Chat(await running_app.sandbox.persona("Ann", language=locale))
    await chat.start()
    (reply,) = await chat.say("Новосибирс")
    assert maybe in reply["text"]
    assert maybe.split(": ")[1] in button_texts(reply)  # each in the reader's language
    (nothing,) = await chat.say("Атлантида")
    assert unknown in nothing["text"]
    assert maybe.split(":")[0] not in nothing["text"]


async def test_many_cities_are_paged(running_app: RunningApp) -> None:
    async with running_app.app.uow_factory() as uow:
        for i in range(10):
            uow.cities.add(City(name=f"Город {i:02d}", timezone="Europe/Moscow"))
        await uow.commit()
    chat = Chat(await running_app.sandbox.persona("Ann", language="en"))
    _welcome, cities = await chat.start()
    assert len(button_texts(cities)) == 10  # 8 cities, "More" and "My city is not here"
    assert button_texts(cities)[-1] == "🏙 My city is not here"
    assert "More ▶" in button_texts(cities)
    # In the order of the names an English speaker reads: Berlin ... Novosibirsk, then Город …
    assert button_texts(cities)[:4] == ["Berlin", "Kaliningrad", "Moscow", "Novosibirsk"]
    page2 = await chat.navigate("More ▶")
    assert "◀ Back" in button_texts(page2)
    assert "Город 09" in button_texts(page2)
    await chat.press("Город 09", expect=2)
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        city = await uow.cities.get_dto(candidate.city_id or 0)
        assert city is not None
        assert (city.name, city.timezone) == ("Город 09", "Europe/Moscow")

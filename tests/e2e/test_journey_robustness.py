"""Point 11: repeated updates, double taps, old and forged buttons, stickers, long texts."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from storage.models import Booking, City, Slot, TestAnswer
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import TEXTS, begin, screened, to_times
from tests.support.waiting import eventually


async def _count(app: RunningApp, model: type[object]) -> int:
    async with app.app.uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _all_callbacks_answered(app: RunningApp) -> bool:
    return all(record.answered for record in app.world.callbacks.values())


async def test_the_same_update_twice_is_handled_once(running_app: RunningApp) -> None:
    chat = await begin(running_app, "en")
    await chat.say("Ann Smith")
    answers = await _count(running_app, TestAnswer)
    messages = len(await chat.bot_messages())
    redelivered = (await running_app.sandbox.post("bot/redeliver", {}))["result"]
    await running_app.handled_times(redelivered, 2)  # given twice, and done with both
    await running_app.settled()
    assert len(await chat.bot_messages()) == messages
    assert await _count(running_app, TestAnswer) == answers


async def test_a_double_tap_on_a_time_books_once(running_app: RunningApp) -> None:
    chat = await screened(running_app, "en")
    times = await to_times(chat, "en")
    data = times["buttons"][0][0]["callback_data"]
    await asyncio.gather(
        chat.persona.press(times["message_id"], data=data),
        chat.persona.press(times["message_id"], data=data, forged=True),
    )
    await eventually(
        lambda: len(running_app.world.callbacks) >= 2 and _all_callbacks_answered(running_app),
        "both taps answered",
    )
    await running_app.settled()
    assert await _count(running_app, Booking) == 1
    assert _all_callbacks_answered(running_app)


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_an_old_button_and_forged_data_change_nothing(
    running_app: RunningApp, locale: str
) -> None:
    chat = await begin(running_app, locale)
    await chat.say("Ann Smith")
    await chat.say("25")
    status_question = await chat.last()
    message_id, data = await chat.find_button(TEXTS[locale]["working"])
    await chat.press(TEXTS[locale]["working"])
    answers = await _count(running_app, TestAnswer)
    outdated = "This button is out of date." if locale == "en" else "Эта кнопка устарела."
    # The same button again (its keyboard is gone, as a stale client would still show it).
    before = len(await chat.notices())
    await chat.press_data(status_question["message_id"], data, forged=True)
    # Data that no button ever carried, and data naming a slot of another city.
    await chat.press_data(message_id, "qa:999999:hack", forged=True)
    await chat.press_data(message_id, "ss:not-a-number", forged=True)
    async with running_app.app.uow_factory() as uow:
        moscow = (await uow.session.scalars(select(City).where(City.name == "Москва"))).one()
        foreign = (await uow.session.scalars(select(Slot).where(Slot.city_id == moscow.id))).first()
        assert foreign is not None
    await chat.press_data(message_id, f"ss:{foreign.id}:0", forged=True)

    async def four_notices() -> bool:
        return len(await chat.notices()) >= before + 4

    await eventually(four_notices, "four notices")
    notices = (await chat.notices())[before:]
    unavailable = (
        "That time can no longer be booked."
        if locale == "en"
        else "На это время больше нельзя записаться."
    )
    assert sorted(notices) == sorted([outdated, outdated, outdated, unavailable])
    assert await _count(running_app, TestAnswer) == answers
    assert await _count(running_app, Booking) == 0
    assert _all_callbacks_answered(running_app)


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_stickers_photos_and_very_long_texts_are_answered_and_asked_again(
    running_app: RunningApp, locale: str
) -> None:
    chat = await begin(running_app, locale)
    # A sticker or a photo is no answer but a message: kept for the recruiters and thanked
    # for, above the question asked again (issue 17).
    expected = (
        "Thank you, we have received your message"
        if locale == "en"
        else "Спасибо, мы получили ваше сообщение"
    )
    for kind in ("sticker", "photo"):
        (reply,) = await chat.send_media(kind)
        assert reply["text"].startswith(expected)
        assert f"{TEXTS[locale]['question']} 1 {TEXTS[locale]['of']} 7" in reply["text"]
    (too_long,) = await chat.say("x" * 4000)
    assert ("1000" in too_long["text"]) and (f"{TEXTS[locale]['question']} 1" in too_long["text"])
    assert await _count(running_app, TestAnswer) == 1  # only the city, from the picker
    (next_question,) = await chat.say("Ann Smith")
    assert f"{TEXTS[locale]['question']} 2" in next_question["text"]


async def test_a_sticker_before_anything_else_starts_the_conversation(
    running_app: RunningApp,
) -> None:
    from tests.e2e.chat import Chat

    chat = Chat(await running_app.sandbox.persona("Ann", language="en"))
    welcome, consent = await chat.send_media("sticker", expect=2)
    assert welcome["text"].startswith("Hello, Ann!")
    assert consent["text"].startswith("Before we start")  # the sticker is not kept
    (cities,) = await chat.press("✅ I agree")
    assert cities["text"].startswith("Which city are you in?")

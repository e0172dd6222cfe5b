"""Point 9: after a passed interview, test 2 (attempts, time limits, stars), then the intro day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.enums import CandidateStatus, SlotPurpose
from core.result import Success
from domain.bookings.outcomes import record_interview_passed
from storage.models import Booking, City, Recruiter, Slot
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import book_first_time, button_texts, screened, wait_for

RIGHT = {
    "en": ["Listening to the need", "In the CRM", "Ask what they compare with", "Monthly"],
    "ru": ["Выслушать потребность", "В CRM", "Уточнить, с чем сравнивает", "Помесячно"],
}
WRONG = {
    "en": ["Naming the price at once", "In a personal notebook", "Give a discount", "Once a year"],
    "ru": ["Сразу назвать цену", "В личном блокноте", "Дать скидку", "Раз в год"],
}


async def _invited(app: RunningApp, locale: str) -> Chat:
    chat = await screened(app, locale)
    await book_first_time(chat, locale)
    async with app.app.uow_factory() as uow:
        booking = (await uow.session.scalars(select(Booking))).one()
        city = (await uow.session.scalars(select(City).where(City.name == "Калининград"))).one()
        recruiter = (
            await uow.session.scalars(select(Recruiter).where(Recruiter.name == "Анна Смирнова"))
        ).one()
        day = app.clock.now().astimezone(ZoneInfo(city.timezone)).date() + timedelta(days=3)
        uow.slots.add(
            Slot(
                recruiter_id=recruiter.id,
                city_id=city.id,
                purpose=SlotPurpose.INTRO_DAY,
                starts_at=datetime.combine(day, time(9), tzinfo=ZoneInfo(city.timezone)).astimezone(
                    UTC
                ),
            )
        )
        await uow.commit()
    async with app.app.uow_factory() as uow:
        assert isinstance(
            await record_interview_passed(uow, app.app.messaging, booking.id, actor="recruiter:1"),
            Success,
        )
    before = len(await chat.bot_messages())
    await app.deliver_outbox()
    (invite,) = (await wait_for(chat, before + 1))[before:]
    assert button_texts(invite) == ["Start the test" if locale == "en" else "Начать тест"]
    return chat


T2 = {
    "en": {
        "start": "Start the test",
        "q1": "Question 1 of 4 (attempt 1 of 3, 120 s)",
        "wrong2": "Not quite. Attempts left: 2.",
        "wrong1": "Not quite. Attempts left: 1.",
        "scored100": "You scored 100% ⭐⭐⭐⭐⭐",
        "scored0": "You scored 0% ⭐",
        "any": "Any recruiter (earliest time)",
        "intro": "Your introduction day",
        "failed": "Unfortunately that is not enough",
        "time_up": "Time is up for this question.",
        "q2": "Question 2 of 4",
    },
    "ru": {
        "start": "Начать тест",
        "q1": "Вопрос 1 из 4 (попытка 1 из 3, 120 с)",
        "wrong2": "Не совсем так. Осталось попыток: 2.",
        "wrong1": "Не совсем так. Осталось попыток: 1.",
        "scored100": "Ваш результат: 100% ⭐⭐⭐⭐⭐",
        "scored0": "Ваш результат: 0% ⭐",
        "any": "Любой рекрутер (ближайшее время)",
        "intro": "Ваш день ознакомления",
        "failed": "К сожалению, этого недостаточно",
        "time_up": "Время на этот вопрос вышло.",
        "q2": "Вопрос 2 из 4",
    },
}


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_passing_test2_leads_to_booking_the_intro_day(
    running_app: RunningApp, locale: str
) -> None:
    t = T2[locale]
    chat = await _invited(running_app, locale)
    (q1,) = await chat.press(t["start"])
    assert q1["text"].startswith(t["q1"])
    assert await chat.press_for_notice(WRONG[locale][0]) == t["wrong2"]
    for answer in RIGHT[locale][:3]:
        await chat.press(answer)
    result, _picker = await chat.press(RIGHT[locale][3], expect=2)
    assert result["text"].startswith(t["scored100"])
    days = await chat.navigate(t["any"])
    times = await chat.navigate(days["buttons"][0][0]["text"])
    booked, ics = await chat.press(times["buttons"][0][0]["text"], expect=2)
    assert booked["text"].startswith(t["intro"])
    # The intro day ready to save in Google Calendar or Outlook, beside "my booking".
    links = [b.get("url", "") for row in booked["buttons"] for b in row]
    assert any(link.startswith("https://calendar.google.com/") for link in links)
    assert any(link.startswith("https://outlook.live.com/") for link in links)
    assert ics["document"]["file_name"].endswith(".ics")
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.status is CandidateStatus.INTRO_DAY_SCHEDULED


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_failing_test2_ends_with_the_template_and_time_limits_count(
    running_app: RunningApp, locale: str
) -> None:
    t = T2[locale]
    chat = await _invited(running_app, locale)
    await chat.press(t["start"])
    running_app.clock.advance(timedelta(seconds=121))  # too slow on the first question
    time_up, q2 = await chat.press(RIGHT[locale][0], expect=2)
    assert time_up["text"] == t["time_up"]
    assert q2["text"].startswith(t["q2"])
    for wrong in WRONG[locale][1:]:
        assert await chat.press_for_notice(wrong) == t["wrong2"]
        assert await chat.press_for_notice(wrong) == t["wrong1"]
        await chat.press(wrong)  # the third miss moves on
    result = await chat.last()
    assert result["text"].startswith(t["scored0"])
    assert t["failed"] in result["text"]
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.status is CandidateStatus.TEST2_FAILED

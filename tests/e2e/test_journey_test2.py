"""Point 9: after a passed interview, test 2 (attempts, time limits, stars), then the intro day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.result import Success
from services.outcomes import record_interview_passed
from storage.models import Booking, City, Recruiter, Slot
from storage.models.enums import CandidateStatus, SlotPurpose
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


async def test_passing_test2_leads_to_booking_the_intro_day(running_app: RunningApp) -> None:
    chat = await _invited(running_app, "en")
    (q1,) = await chat.press("Start the test")
    assert q1["text"].startswith("Question 1 of 4 (attempt 1 of 3, 120 s)")
    assert await chat.press_for_notice(WRONG["en"][0]) == "Not quite. Attempts left: 2."
    for answer in RIGHT["en"][:3]:
        await chat.press(answer)
    result, _picker = await chat.press(RIGHT["en"][3], expect=2)
    assert result["text"].startswith("You scored 100% ⭐⭐⭐⭐⭐")
    days = await chat.navigate("Any recruiter (earliest time)")
    times = await chat.navigate(days["buttons"][0][0]["text"])
    booked, ics = await chat.press(times["buttons"][0][0]["text"], expect=2)
    assert booked["text"].startswith("Your introduction day")
    assert ics["document"]["file_name"].endswith(".ics")
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.status is CandidateStatus.INTRO_DAY_SCHEDULED


async def test_failing_test2_ends_with_the_template_and_time_limits_count(
    running_app: RunningApp,
) -> None:
    chat = await _invited(running_app, "ru")
    await chat.press("Начать тест")
    running_app.clock.advance(timedelta(seconds=121))  # too slow on the first question
    time_up, q2 = await chat.press(RIGHT["ru"][0], expect=2)
    assert time_up["text"] == "Время на этот вопрос вышло."
    assert q2["text"].startswith("Вопрос 2 из 4")
    for wrong in WRONG["ru"][1:]:
        assert await chat.press_for_notice(wrong) == "Не совсем так. Осталось попыток: 2."
        assert await chat.press_for_notice(wrong) == "Не совсем так. Осталось попыток: 1."
        await chat.press(wrong)  # the third miss moves on
    result = await chat.last()
    assert result["text"].startswith("Ваш результат: 0% ⭐")
    assert "К сожалению, этого недостаточно" in result["text"]
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.status is CandidateStatus.TEST2_FAILED

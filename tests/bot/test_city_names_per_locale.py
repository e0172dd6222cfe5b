"""A city has a name per locale: an English speaker reads "Moscow time", not "Москва time";
a city with no English name shows its main name; a typed name in any locale finds the city."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from core.enums import BookingStatus, CandidateStatus
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot

USER = 5151


async def _booked(harness: BotHarness, *, english: str | None, locale: str) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow, name="Москва")
        if english:
            city.set_name_in("en", english)
        recruiter = await make_recruiter(uow, city)
        slot = await make_slot(uow, recruiter, city)
        person = await make_candidate(
            uow,
            city,
            telegram_id=USER,
            locale=locale,
            status=CandidateStatus.INTERVIEW_SCHEDULED,
        )
        booking = await uow.bookings.try_create(
            slot, person.id, BookingStatus.APPROVED, actor="test"
        )
        assert booking is not None
        await uow.commit()


async def _my_booking(harness: BotHarness, language: str) -> str:
    update = text_update("/mybooking", user_id=USER, language_code=language)
    await harness.dispatcher.feed_update(harness.bot, update)
    (shown,) = harness.session.sent()
    return shown.text or ""


async def test_an_english_speaker_reads_the_english_name_in_the_booking(
    harness: BotHarness,
) -> None:
    await _booked(harness, english="Moscow", locale="en")
    shown = await _my_booking(harness, "en")
    assert "(Moscow time)" in shown
    assert "Москва" not in shown


async def test_a_russian_speaker_reads_the_main_name(harness: BotHarness) -> None:
    await _booked(harness, english="Moscow", locale="ru")
    shown = await _my_booking(harness, "ru")
    assert "Москва" in shown
    assert "Moscow" not in shown


async def test_with_no_english_name_the_main_name_is_shown(harness: BotHarness) -> None:
    await _booked(harness, english=None, locale="en")
    assert "(Москва time)" in await _my_booking(harness, "en")


def _buttons(markup: object) -> list[str]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.text for row in markup.inline_keyboard for b in row]


async def test_the_city_list_and_the_choice_speak_the_readers_language(
    harness: BotHarness,
) -> None:
    async with harness.storage.uow() as uow:
        moscow = await make_city(uow, name="Москва")
        moscow.set_name_in("en", "Moscow")
        await make_city(uow, name="Казань")  # no English name: its main name
        await make_candidate(uow, telegram_id=USER, locale="en", status=CandidateStatus.NEW)
        await uow.commit()
    await harness.dispatcher.feed_update(harness.bot, text_update("/start", user_id=USER))
    listed = _buttons(harness.session.sent()[-1].reply_markup)
    assert "Moscow" in listed and "Казань" in listed and "Москва" not in listed
    # Typed in Russian by an English speaker: still Moscow, named in English.
    await harness.dispatcher.feed_update(harness.bot, text_update("москва", user_id=USER))
    texts = [m.text or "" for m in harness.session.sent()]
    assert any(t.startswith("Moscow: noted") and "Moscow time" in t for t in texts), texts
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(USER)
        assert candidate is not None and candidate.city_id == moscow.id


async def test_a_name_typed_in_another_language_finds_the_city(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        kazan = await make_city(uow, name="Казань")
        kazan.set_name_in("en", "Kazan")
        await make_candidate(uow, telegram_id=USER, locale="ru", status=CandidateStatus.NEW)
        await uow.commit()
    await harness.dispatcher.feed_update(
        harness.bot, text_update(" KAZAN ", user_id=USER, language_code="ru")
    )
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(USER)
        assert candidate is not None and candidate.city_id == kazan.id

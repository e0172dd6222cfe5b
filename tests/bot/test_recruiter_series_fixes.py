"""Issue 14.17: a series preview counts as "already there" only the recruiter's own existing
slots (not the series' own times that a step shorter than a slot makes overlap); a series whose
times all exist says so, also when they were taken between preview and confirm; a series typed
before choosing the city asks for the city and then previews it.

Anna serves Kazan (UTC+3) and Samara (UTC+4) and has Mon 7 Dec 10:00-10:30 in Kazan. The clock
stands at Tue 1 Dec 09:00 UTC."""

from __future__ import annotations

from bot.callbacks import SeriesDecision, SlotsMenu
from tests.bot.conftest import BotHarness
from tests.bot.test_recruiter_slots import ANNA, _anna, _confirm, _series, _starts, utc
from tests.support.bot import text_update
from tests.support.callbacks import press
from tests.support.factories import make_slot


async def test_a_series_with_no_existing_slots_counts_none_as_already_there(
    harness: BotHarness,
) -> None:
    _anna_id, _kazan, samara = await _anna(harness)
    # Every 15 minutes, 30-minute slots, Tue 8 Dec: 12:00, 12:30, 13:00 kept; 12:15, 12:45 clash
    # with the series' own earlier times, not with any slot Anna has.
    line = "Tue 12:00-13:30 step 15 from 2026-12-08 to 2026-12-08"
    preview = await _series(harness, samara, line)
    assert preview.startswith("3 слотов в городе Samara")
    assert "пересекаются с вашими слотами" not in preview
    assert "2 времени серии пересекаются с её же предыдущими" in preview


async def test_a_series_whose_times_were_taken_after_the_preview_says_so(
    harness: BotHarness,
) -> None:
    anna, kazan, _samara = await _anna(harness)
    line = "Tue 10:00-11:00 step 30 from 2026-12-08 to 2026-12-08"
    assert (await _series(harness, kazan, line)).startswith("2 слотов")
    # Meanwhile the same times were added (another preview confirmed, the panel):
    await _series(harness, kazan, line)
    assert await _confirm(harness) == "Создано слотов: 2."
    await _series(harness, kazan, line)
    assert await _series(harness, kazan, line) == (
        "Все эти времена пересекаются с вашими слотами: добавлять нечего."
    )
    assert len(await _starts(harness, anna)) == 3


async def test_a_series_typed_before_choosing_the_city_asks_for_it_then_previews(
    harness: BotHarness,
) -> None:
    anna, kazan, _samara = await _anna(harness)
    feed = harness.dispatcher.feed_update
    line = "Tue 10:00-11:00 step 30 from 2026-12-08 to 2026-12-08"
    before = len(harness.session.sent())
    await feed(harness.bot, text_update(line, user_id=ANNA, language_code="ru"))
    (asked,) = harness.session.sent()[before:]
    assert asked.text == "В каком городе?"
    before = len(harness.session.sent())
    await feed(harness.bot, press(SlotsMenu(do="series", city_id=kazan).pack(), user_id=ANNA))
    (preview,) = harness.session.sent()[before:]
    assert preview.text.startswith("2 слотов в городе Kazan")
    assert await _confirm(harness) == "Создано слотов: 2."
    assert await _starts(harness, anna) == [utc(12, 7, 7), utc(12, 8, 7), utc(12, 8, 7, 30)]


async def test_a_confirm_whose_times_were_all_taken_meanwhile_says_so(
    harness: BotHarness,
) -> None:
    anna, kazan, _samara = await _anna(harness)
    line = "Tue 10:00-11:00 step 30 from 2026-12-08 to 2026-12-08"
    assert (await _series(harness, kazan, line)).startswith("2 слотов")
    async with harness.storage.uow() as uow:  # taken meanwhile, from the panel
        recruiter, city = await uow.recruiters.get(anna), await uow.cities.get(kazan)
        assert recruiter is not None and city is not None
        await make_slot(uow, recruiter, city, utc(12, 8, 7))
        await make_slot(uow, recruiter, city, utc(12, 8, 7, 30))
        await uow.commit()
    pressed = press(SeriesDecision(do="create").pack(), user_id=ANNA)
    before = len(harness.session.sent())
    await harness.dispatcher.feed_update(harness.bot, pressed)
    (answer,) = harness.session.sent()[before:]
    assert answer.text == "Все эти времена пересекаются с вашими слотами: добавлять нечего."


async def test_a_new_series_line_typed_over_a_preview_is_previewed_in_its_place(
    harness: BotHarness,
) -> None:
    _anna_id, kazan, _samara = await _anna(harness)
    await _series(harness, kazan, "Tue 10:00-11:00 step 30 from 2026-12-08 to 2026-12-08")
    before = len(harness.session.sent())
    line = "Wed 10:00-12:00 step 30 from 2026-12-09 to 2026-12-09"
    await harness.dispatcher.feed_update(harness.bot, text_update(line, user_id=ANNA))
    (answer,) = harness.session.sent()[before:]
    assert answer.text.startswith("4 слотов в городе Kazan")


async def test_a_series_with_no_slot_in_its_days_and_hours_says_so(harness: BotHarness) -> None:
    _anna_id, kazan, _samara = await _anna(harness)
    answer = await _series(harness, kazan, "Sat 10:00-11:00 from 2026-12-07 to 2026-12-11")
    expected = "В эти дни и часы не помещается ни одного слота: проверьте дни недели, даты и часы."
    assert answer == expected
    assert (
        await _series(harness, kazan, "Mon 10:00-10:15 from 2026-12-07 to 2026-12-11") == expected
    )

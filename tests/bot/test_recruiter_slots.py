"""The recruiter's /slots in the chat keeps the one slot rule, as the panel and the API do: no
slot overlapping another of the recruiter's (in any city), none in the past, none beyond the
booking horizon; a series skips such times and says why.

Anna serves Kazan (UTC+3) and Samara (UTC+4) and already has Mon 7 Dec 10:00-10:30 in Kazan
(07:00 UTC). The clock stands at Tue 1 Dec 09:00 UTC; the horizon is 14 days (15 Dec 09:00)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.callbacks import SeriesDecision, SlotCreate, SlotsMenu
from storage.models import AuditLogEntry, Slot
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update
from tests.support.callbacks import answers, press
from tests.support.factories import make_city, make_recruiter, make_slot

ANNA = 500  # her chat


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def _anna(harness: BotHarness) -> tuple[int, int, int]:
    """Anna's id, Kazan's and Samara's; her 10:00-10:30 slot in Kazan on Monday 7 Dec."""
    async with harness.storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        samara = await make_city(uow, "Samara", timezone="Europe/Samara")
        anna = await make_recruiter(uow, kazan, samara, name="Anna", telegram_chat_id=ANNA)
        await make_slot(uow, anna, kazan, utc(12, 7, 7))
        await uow.commit()
        return anna.id, kazan.id, samara.id


async def _starts(harness: BotHarness, recruiter_id: int) -> list[datetime]:
    async with harness.storage.uow() as uow:
        stmt = select(Slot.starts_at).where(Slot.recruiter_id == recruiter_id)
        return sorted(s.replace(tzinfo=UTC) for s in (await uow.session.scalars(stmt)).all())


async def _series(harness: BotHarness, city_id: int, line: str) -> str:
    """The series typed for a city: what the bot answers the line with."""
    feed = harness.dispatcher.feed_update
    await feed(harness.bot, press(SlotsMenu(do="series", city_id=city_id).pack(), user_id=ANNA))
    before = len(harness.session.sent())
    await feed(harness.bot, text_update(line, user_id=ANNA, language_code="ru"))
    (answer,) = harness.session.sent()[before:]
    return answer.text


async def _confirm(harness: BotHarness) -> str:
    before = len(harness.session.sent())
    pressed = press(SeriesDecision(do="create").pack(), user_id=ANNA)
    await harness.dispatcher.feed_update(harness.bot, pressed)
    (answer,) = harness.session.sent()[before:]
    return answer.text


async def _one(harness: BotHarness, city_id: int, day: date, hour: int, minute: int) -> str:
    """One slot picked with the buttons: the alert (or toast) the press is answered with."""
    data = SlotCreate(city_id=city_id, day=day.toordinal(), hour=hour, minute=minute).pack()
    await harness.dispatcher.feed_update(harness.bot, press(data, user_id=ANNA))
    return answers(harness.session)[-1].text or ""


async def test_a_series_over_an_existing_slot_skips_the_overlapping_time(
    harness: BotHarness,
) -> None:
    anna, kazan, _samara = await _anna(harness)
    # 10:15 lies inside 10:00-10:30: skipped; 10:45 is clear.
    preview = await _series(harness, kazan, "Mon 10:15-11:15 step 30 from 2026-12-07 to 2026-12-07")
    assert preview.startswith("1 слотов в городе Kazan")
    assert "(1 пересекаются с вашими слотами и будут пропущены)" in preview
    assert await _confirm(harness) == "Создано слотов: 1."
    assert await _starts(harness, anna) == [utc(12, 7, 7), utc(12, 7, 7, 45)]
    async with harness.storage.uow() as uow:
        entries = (await uow.session.scalars(select(AuditLogEntry))).all()
    assert [(e.action, e.actor) for e in entries] == [("create_series", f"recruiter:{anna}")]


async def test_a_series_in_another_city_overlapping_a_slot_adds_nothing(
    harness: BotHarness,
) -> None:
    anna, _kazan, samara = await _anna(harness)
    # 11:15 in Samara is 07:15 UTC: 10:15 in Kazan, inside 10:00-10:30 there.
    answer = await _series(harness, samara, "Mon 11:15-11:45 step 30 from 2026-12-07 to 2026-12-07")
    assert answer == "Все эти времена пересекаются с вашими слотами: добавлять нечего."
    preview = await _series(
        harness, samara, "Mon 11:15-12:15 step 30 from 2026-12-07 to 2026-12-07"
    )
    assert "(1 пересекаются с вашими слотами и будут пропущены)" in preview
    assert await _confirm(harness) == "Создано слотов: 1."
    assert await _starts(harness, anna) == [utc(12, 7, 7), utc(12, 7, 7, 45)]


async def test_a_series_whose_times_overlap_each_other_keeps_the_first_of_each(
    harness: BotHarness,
) -> None:
    anna, kazan, _samara = await _anna(harness)
    # 30-minute slots every 15 minutes: 12:15 would overlap 12:00 (a slot of the same series).
    preview = await _series(harness, kazan, "Mon 12:00-13:00 step 15 from 2026-12-07 to 2026-12-07")
    assert preview.startswith("2 слотов в городе Kazan")
    assert "(1 времени серии пересекаются с её же предыдущими" in preview
    assert await _confirm(harness) == "Создано слотов: 2."
    assert await _starts(harness, anna) == [utc(12, 7, 7), utc(12, 7, 9), utc(12, 7, 9, 30)]


async def test_one_slot_over_an_existing_one_is_refused_in_either_city(
    harness: BotHarness,
) -> None:
    anna, kazan, samara = await _anna(harness)
    monday = date(2026, 12, 7)
    overlapping = "У вас уже есть слот, который пересекается с этим временем."
    assert await _one(harness, kazan, monday, 10, 15) == overlapping
    assert await _one(harness, samara, monday, 11, 15) == overlapping  # 10:15 in Kazan
    assert await _starts(harness, anna) == [utc(12, 7, 7)]
    await _one(harness, kazan, monday, 10, 30)  # begins as the other ends: fine
    assert await _starts(harness, anna) == [utc(12, 7, 7), utc(12, 7, 7, 30)]


async def test_one_slot_in_the_past_or_beyond_the_horizon_is_refused_with_the_reason(
    harness: BotHarness,
) -> None:
    anna, kazan, _samara = await _anna(harness)
    past = await _one(harness, kazan, date(2026, 12, 1), 11, 45)  # 08:45 UTC, now is 09:00
    assert past == "Это время уже прошло: слот не добавлен."
    beyond = await _one(harness, kazan, date(2026, 12, 15), 12, 15)  # 09:15 UTC, horizon 09:00
    assert beyond == (
        "Кандидаты записываются не дальше чем на 14 дн. вперёд, а это время дальше: "
        "слот не добавлен."
    )
    assert await _starts(harness, anna) == [utc(12, 7, 7)]
    await _one(harness, kazan, date(2026, 12, 15), 12, 0)  # 09:00 UTC: the horizon itself
    assert await _starts(harness, anna) == [utc(12, 7, 7), utc(12, 15, 9)]


async def test_a_series_reaching_beyond_the_horizon_skips_those_times_and_says_so(
    harness: BotHarness,
) -> None:
    anna, kazan, _samara = await _anna(harness)
    # 10:00 in Kazan is 07:00 UTC: 14 and 15 Dec are within the horizon, 16 Dec is not.
    preview = await _series(
        harness, kazan, "Mon-Sun 10:00-10:30 step 30 from 2026-12-14 to 2026-12-16"
    )
    assert preview.startswith(
        "Времён дальше 14 дн. вперёд, куда кандидаты не записываются: 1, они будут пропущены."
    )
    assert "2 слотов в городе Kazan" in preview
    assert await _confirm(harness) == "Создано слотов: 2."
    assert await _starts(harness, anna) == [utc(12, 7, 7), utc(12, 14, 7), utc(12, 15, 7)]


async def test_a_series_wholly_beyond_the_horizon_or_in_the_past_adds_nothing(
    harness: BotHarness,
) -> None:
    anna, kazan, _samara = await _anna(harness)
    beyond = await _series(harness, kazan, "Mon-Sun 10:00-12:00 from 2026-12-20 to 2026-12-21")
    assert beyond.startswith("Все эти времена дальше 14 дн. вперёд")
    past = await _series(harness, kazan, "Mon-Sun 10:00-12:00 from 2026-11-23 to 2026-11-29")
    assert past == "Все эти времена уже прошли: добавлять нечего."
    async with harness.storage.uow() as uow:  # and Monday 14 Dec 10:00 too
        recruiter, city = await uow.recruiters.get(anna), await uow.cities.get(kazan)
        assert recruiter is not None and city is not None
        await make_slot(uow, recruiter, city, utc(12, 14, 7))
        await uow.commit()
    # Mondays 7 and 14 Dec overlap those, 21 Dec lies beyond the horizon: both reasons given.
    both = await _series(harness, kazan, "Mon 10:15-10:45 from 2026-12-07 to 2026-12-21")
    assert both == (
        "Добавлять нечего: пересекаются с вашими слотами — 2, дальше 14 дн. вперёд, "
        "куда кандидаты не записываются, — 1."
    )
    assert await _starts(harness, anna) == [utc(12, 7, 7), utc(12, 14, 7)]

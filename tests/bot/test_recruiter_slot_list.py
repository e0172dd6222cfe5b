"""Issue 14.16: the recruiter's list of coming slots. 🗑 asks to confirm before it deletes; the
list pages on past 30 slots; each line names its city and shows the recruiter's own time (as the
card and /week do), the zone said in the list.

Boris lives in Samara (UTC+4) and serves Kazan (UTC+3). The clock stands at Tue 1 Dec 09:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from bot.callbacks import SlotCreate, SlotDelete, SlotPick, SlotsMenu
from storage.models import Slot
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update
from tests.support.callbacks import press
from tests.support.factories import make_city, make_recruiter, make_slot

BORIS = 501


async def _boris(harness: BotHarness, count: int) -> tuple[int, list[int]]:
    """Boris's id and his `count` free slots in Kazan, hourly from Wed 2 Dec 07:00 UTC."""
    async with harness.storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        boris = await make_recruiter(
            uow, kazan, name="Boris", telegram_chat_id=BORIS, timezone="Europe/Samara"
        )
        first = datetime(2026, 12, 2, 7, tzinfo=UTC)
        slots = [
            await make_slot(uow, boris, kazan, first + timedelta(hours=i)) for i in range(count)
        ]
        await uow.commit()
        return boris.id, [s.id for s in slots]


async def _press(harness: BotHarness, data: str) -> SendMessage | EditMessageText:
    await harness.dispatcher.feed_update(harness.bot, press(data, user_id=BORIS))
    shown = [r for r in harness.session.requests if isinstance(r, SendMessage | EditMessageText)]
    return shown[-1]


def _buttons(shown: SendMessage | EditMessageText) -> list[tuple[str, str]]:
    markup = shown.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


async def _count(harness: BotHarness, recruiter_id: int) -> int:
    async with harness.storage.uow() as uow:
        stmt = select(Slot.id).where(Slot.recruiter_id == recruiter_id)
        return len((await uow.session.scalars(stmt)).all())


async def test_the_list_shows_each_city_and_the_recruiters_time_labelled(
    harness: BotHarness,
) -> None:
    await _boris(harness, 1)
    shown = await _press(harness, SlotsMenu(do="list").pack())
    assert "Europe/Samara" in shown.text  # the zone of the times shown
    ((label, _data),) = _buttons(shown)
    assert label == "🗑 ср, 2 дек 11:00 · Kazan"  # 07:00 UTC is 11:00 in Samara (10:00 in Kazan)


async def test_the_bin_asks_to_confirm_before_deleting(harness: BotHarness) -> None:
    boris, (slot_id,) = await _boris(harness, 1)
    asked = await _press(harness, SlotDelete(slot_id=slot_id).pack())
    assert await _count(harness, boris) == 1  # nothing deleted yet
    assert "ср, 2 дек 11:00" in asked.text and "Kazan" in asked.text
    buttons = _buttons(asked)
    sure = SlotDelete(slot_id=slot_id, sure=True).pack()
    assert [data for _text, data in buttons] == [sure, SlotsMenu(do="page").pack()]
    back = await _press(harness, SlotsMenu(do="page").pack())  # back: the list, nothing deleted
    assert len(_buttons(back)) == 1 and await _count(harness, boris) == 1
    await _press(harness, sure)
    assert await _count(harness, boris) == 0


async def test_the_list_pages_past_thirty_slots(harness: BotHarness) -> None:
    await _boris(harness, 35)
    first = _buttons(await _press(harness, SlotsMenu(do="list").pack()))
    assert len(first) == 31 and first[-1][1] == SlotsMenu(do="page", page=1).pack()
    assert first[-1][0] == "Ещё ▶"
    second = _buttons(await _press(harness, SlotsMenu(do="page", page=1).pack()))
    assert len(second) == 6 and second[-1][1] == SlotsMenu(do="page", page=0).pack()
    assert second[0][0] == "🗑 чт, 3 дек 17:00 · Kazan"  # the 31st: 3 Dec 13:00 UTC


async def test_a_new_slot_and_a_series_preview_show_the_recruiters_time_labelled(
    harness: BotHarness,
) -> None:
    await _boris(harness, 0)
    async with harness.storage.uow() as uow:
        (kazan,) = [c.id for c in await uow.cities.list()]
    day = datetime(2026, 12, 3).toordinal()
    picking = await _press(harness, SlotPick(city_id=kazan, day=day, hour=10).pack())
    assert "Europe/Moscow" in picking.text  # the picked time is read as Kazan's, and says so
    created = await _press(harness, SlotCreate(city_id=kazan, day=day, hour=10, minute=0).pack())
    assert created.text == "Слот создан: чт, 3 дек 11:00 (Europe/Samara), Kazan."
    await _press(harness, SlotsMenu(do="series", city_id=kazan).pack())
    line = "Fri 10:00-11:00 step 30 from 2026-12-04 to 2026-12-04"
    await harness.dispatcher.feed_update(harness.bot, text_update(line, user_id=BORIS))
    preview = harness.session.sent()[-1].text
    assert preview.startswith(
        "2 слотов в городе Kazan, с пт, 4 дек 11:00 по пт, 4 дек 11:30 (время — Europe/Samara)"
    )


async def test_the_series_prompt_says_whose_time_the_line_is_read_in(harness: BotHarness) -> None:
    await _boris(harness, 0)
    async with harness.storage.uow() as uow:
        (kazan,) = [c.id for c in await uow.cities.list()]
    asked = await _press(harness, SlotsMenu(do="series", city_id=kazan).pack())
    assert asked.text.endswith("Время — города Kazan: Europe/Moscow.")

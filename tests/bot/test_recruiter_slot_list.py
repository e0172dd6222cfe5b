"""Issue 14.16: the recruiter's list of coming slots. 🗑 asks to confirm before it deletes; the
list pages on past 30 slots; each line names its city and shows the recruiter's own time (as the
card and /week do), the zone said in the list.

Boris lives in Samara (UTC+4) and serves Kazan (UTC+3). The clock stands at Tue 1 Dec 09:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from bot.callbacks import SlotDelete, SlotsMenu
from storage.models import Slot
from tests.bot.conftest import BotHarness
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

"""Issue 20.3 in the chat: a slot overlapping a busy time of the recruiter's own calendar.

Boris (Kazan) has slots on Wed 2 Dec at 07:00 and 08:00 UTC; his calendar has him busy from
07:00 to 07:45 UTC that day. The clock stands at Tue 1 Dec 09:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import func, select

from bot.callbacks import SlotChoice, SlotsMenu
from core.clock import FrozenClock
from core.enums import SlotPurpose
from domain.bookings.waitlist import join_waitlist, offer_freed_slot
from domain.messaging.texts import Catalog
from storage.models import Booking
from tests.bot.conftest import BotHarness
from tests.support.callbacks import answers, press
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

BORIS, ANN = 501, 601
BUSY_FROM = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
BUSY_UNTIL = datetime(2026, 12, 2, 7, 45, tzinfo=UTC)
CATALOG = Catalog.load("en")


async def _world(harness: BotHarness) -> tuple[int, int, int]:
    """The busy slot's id, the free slot's id, Ann's id."""
    async with harness.storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        boris = await make_recruiter(uow, kazan, name="Boris", telegram_chat_id=BORIS)
        busy = await make_slot(uow, boris, kazan, BUSY_FROM)
        free = await make_slot(uow, boris, kazan, datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
        ann = await make_candidate(uow, kazan, telegram_id=ANN, full_name="Ann")
        await uow.commit()
    async with harness.storage.uow() as uow:
        await uow.busy_times.set_source(boris.id, "https://calendar.example.org/secret.ics")
        copy = [(BUSY_FROM, BUSY_UNTIL)]
        recorded = await uow.busy_times.record_copy(
            boris.id,
            "https://calendar.example.org/secret.ics",
            NOW,
            copy,
            etag=None,
            last_modified=None,
        )
        assert recorded
        await uow.commit()
    return busy.id, free.id, ann.id


async def _bookings(harness: BotHarness) -> int:
    async with harness.storage.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Booking)) or 0)


async def test_an_old_button_for_a_busy_time_is_refused_with_the_reason(
    harness: BotHarness,
) -> None:
    busy, free, _ann = await _world(harness)
    await harness.dispatcher.feed_update(
        harness.bot, press(SlotChoice(slot_id=busy).pack(), user_id=ANN, language_code="en")
    )
    said = answers(harness.session)[-1].text or ""
    assert said == CATALOG.text("error.slot_busy_in_calendar", "en")
    assert "the recruiter is busy then" in said
    assert await _bookings(harness) == 0
    await harness.dispatcher.feed_update(
        harness.bot, press(SlotChoice(slot_id=free).pack(), user_id=ANN, language_code="en")
    )
    assert await _bookings(harness) == 1  # a time clear of the calendar is booked as ever


async def test_the_recruiters_slot_list_marks_the_busy_slot(harness: BotHarness) -> None:
    await _world(harness)
    await harness.dispatcher.feed_update(
        harness.bot, press(SlotsMenu(do="list").pack(), user_id=BORIS)
    )
    shown = [r for r in harness.session.requests if isinstance(r, SendMessage | EditMessageText)]
    markup = shown[-1].reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == [
        "🗑 ср, 2 дек 10:00 · Kazan · ⛔ занято в вашем календаре",
        "🗑 ср, 2 дек 11:00 · Kazan",
    ]


async def test_a_busy_freed_slot_is_offered_to_no_one_waiting(harness: BotHarness) -> None:
    busy, free, ann = await _world(harness)
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get(ann)
        assert candidate is not None
        await join_waitlist(uow, candidate, SlotPurpose.INTERVIEW)
    async with harness.storage.uow() as uow:
        busy_slot, free_slot = await uow.slots.get(busy), await uow.slots.get(free)
        assert busy_slot is not None and free_slot is not None
        clock = FrozenClock(NOW)
        assert await offer_freed_slot(uow, CATALOG, clock, busy_slot) == 0
        assert await offer_freed_slot(uow, CATALOG, clock, free_slot) == 1

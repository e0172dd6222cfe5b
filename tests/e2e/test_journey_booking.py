"""Points 4 to 7: picking a time, atomic booking, confirmation with .ics, moving and cancelling."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.enums import BookingStatus, CandidateStatus
from core.result import Success
from domain.bookings.booking import approve_booking
from storage.models import Booking, Candidate, City, Recruiter, Slot
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import (
    SAYS,
    book_first_time,
    button_texts,
    linked_recruiter,
    screened,
    to_times,
    wait_for,
    wait_for_message,
)
from tests.support.waiting import eventually

LOCALES = ["en", "ru"]


async def _bookings(app: RunningApp) -> list[Booking]:
    async with app.app.uow_factory() as uow:
        return list((await uow.session.scalars(select(Booking).order_by(Booking.id))).all())


@pytest.mark.parametrize("locale", LOCALES)
async def test_times_are_in_the_city_zone_within_notice_and_horizon(
    running_app: RunningApp, locale: str
) -> None:
    chat = await screened(running_app, locale, city="Новосибирск")
    times = await to_times(chat, locale)
    labels = [t for t in button_texts(times) if ":" in t]
    assert labels[0] == "10:00"  # demo slots are 10:00–17:00 in Novosibirsk's own zone
    # Three weeks on, every demo slot is past or inside the notice: nothing is offered.
    running_app.clock.advance(timedelta(days=21))
    (_welcome, nothing) = await chat.start()
    assert nothing["text"].startswith(SAYS[locale]["no_times"])
    assert button_texts(nothing) == SAYS[locale]["no_times_buttons"]


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_city_with_approval_confirms_later_with_details_and_ics(
    running_app: RunningApp, locale: str
) -> None:
    says = SAYS[locale]
    recruiter = await linked_recruiter(running_app)
    chat = await screened(running_app, locale, city="Москва")
    (requested,) = await book_first_time(chat, locale, expect=1)
    assert says["sent_to"] in requested["text"]
    assert button_texts(requested) == [says["my_booking"]]
    (booking,) = await _bookings(running_app)
    assert booking.status is BookingStatus.PENDING
    await running_app.deliver_outbox()
    card = await wait_for_message(recruiter, "⏳ Ann Smith")
    assert button_texts(card) == [
        "✅ Подтвердить",
        "🔁 Предложить другое время",
        "❌ Отказать",
        "📝 Заметка",
    ]

    async with running_app.app.uow_factory() as uow:
        approved = await approve_booking(
            uow, running_app.app.messaging, booking.id, actor="recruiter:1"
        )
    assert isinstance(approved, Success)
    before = len(await chat.bot_messages())
    await running_app.deliver_outbox()
    confirmation, calendar = (await wait_for(chat, before + 2))[before:]
    assert says["confirmed"] in confirmation["text"]
    assert "https://meet.example.com/anna" in confirmation["text"]
    assert calendar["document"]["file_name"] == f"booking-{booking.id}.ics"
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.status is CandidateStatus.INTERVIEW_SCHEDULED


@pytest.mark.parametrize("locale", LOCALES)
async def test_an_active_booking_is_shown_instead_of_a_second_one(
    running_app: RunningApp, locale: str
) -> None:
    says = SAYS[locale]
    chat = await screened(running_app, locale)
    times = await to_times(chat, locale)
    await chat.press(times["buttons"][0][0]["text"], expect=2)
    (summary,) = await chat.press(says["my_booking"])
    assert summary["text"].startswith(says["summary"])
    # An old time button pressed again, and /start: the booking is shown, nothing new is booked.
    await chat.press_data(
        times["message_id"], times["buttons"][0][1]["callback_data"], forged=True, expect=1
    )
    _welcome, again = await chat.start()
    assert again["text"].startswith(says["summary"])
    assert button_texts(again) == says["actions"]
    assert len(await _bookings(running_app)) == 1


async def _race_city(app: RunningApp, chats: list[Chat]) -> None:
    """One city, one recruiter, one slot tomorrow at noon; every persona screened for it."""
    async with app.app.uow_factory() as uow:
        city = uow.cities.add(City(name="Гонка", timezone="Europe/Moscow", requires_approval=False))
        await uow.session.flush()
        recruiter = uow.recruiters.add(
            Recruiter(name="Racer", timezone="Europe/Moscow", cities=[city])
        )
        await uow.session.flush()
        noon = datetime.combine(
            app.clock.now().astimezone(ZoneInfo("Europe/Moscow")).date() + timedelta(days=1),
            time(12),
            tzinfo=ZoneInfo("Europe/Moscow"),
        ).astimezone(UTC)
        uow.slots.add(Slot(recruiter_id=recruiter.id, city_id=city.id, starts_at=noon))
        for chat in chats:
            uow.candidates.add(
                Candidate(
                    telegram_id=chat.id,
                    full_name=f"Racer {chat.id}",
                    locale=chat.persona.data["language_code"],
                    city_id=city.id,
                    status=CandidateStatus.SCREENING_PASSED,
                )
            )
        await uow.commit()


async def test_twenty_candidates_racing_for_one_slot_leave_exactly_one_booking(
    running_app_on_each_database: RunningApp,
) -> None:
    app = running_app_on_each_database
    chats = [Chat(await app.sandbox.persona(f"R{i}", language=LOCALES[i % 2])) for i in range(20)]
    await _race_city(app, chats)
    presses = []
    for chat in chats:
        await chat.start()
        times = await to_times(chat, chat.persona.data["language_code"])
        presses.append((chat, times["message_id"], times["buttons"][0][0]["callback_data"]))
    await asyncio.gather(*(chat.persona.press(mid, data=data) for chat, mid, data in presses))

    taken = {
        "en": "Sorry, that time has just been taken by someone else.",
        "ru": "Извините, это время только что занял кто-то другой.",
    }

    async def settled(chat: Chat) -> bool:
        last = await chat.last()
        locale = chat.persona.data["language_code"]
        return bool(last.get("document")) or (last["text"] or "").startswith(
            {"en": "There are no free times", "ru": "Сейчас в городе"}[locale]
        )

    async def all_settled() -> bool:
        return all([await settled(c) for c in chats])

    await eventually(all_settled, "every racer was answered")
    bookings = [b for b in await _bookings(app) if b.status is BookingStatus.APPROVED]
    assert len(bookings) == 1
    winner_id = await _telegram_id(app, bookings[0].candidate_id)
    for chat in chats:
        if chat.id == winner_id:
            continue
        locale = chat.persona.data["language_code"]
        assert taken[locale] in await chat.notices()  # told at once
        offer = await chat.last()  # and shown what is still free: here, nothing
        assert SAYS[locale]["waitlist"] in button_texts(offer)


async def _telegram_id(app: RunningApp, candidate_id: int) -> int:
    async with app.app.uow_factory() as uow:
        candidate = await uow.candidates.get(candidate_id)
        assert candidate is not None
        return candidate.telegram_id


@pytest.mark.parametrize("locale", LOCALES)
async def test_moving_keeps_the_old_time_until_a_new_one_is_taken(
    running_app: RunningApp, locale: str
) -> None:
    says = SAYS[locale]
    chat = await screened(running_app, locale)
    await book_first_time(chat, locale)
    (old,) = await _bookings(running_app)
    await chat.say("/mybooking")
    note, _recruiters = await chat.press(says["move"], expect=2)
    assert note["text"].startswith(says["choose_new"])
    async with running_app.app.uow_factory() as uow:
        assert not await uow.slots.is_free(old.slot_id)  # still held while choosing
    times = await to_times(chat, locale)
    later = times["buttons"][0][1]["text"]
    confirmation, _ics = await chat.press(later, expect=2)
    assert later in confirmation["text"]
    first, second = await _bookings(running_app)
    assert (first.status, first.reason) == (BookingStatus.CANCELED, "moved")
    assert second.status is BookingStatus.APPROVED
    async with running_app.app.uow_factory() as uow:
        assert await uow.slots.is_free(old.slot_id)


STILL_STANDS = {"en": "your current time still stands", "ru": "в силе прежнее время"}
WAITING = {"en": "Requested new time", "ru": "Запрошено новое время"}


@pytest.mark.parametrize("locale", LOCALES)
async def test_moving_a_confirmed_time_that_needs_approval_keeps_it_until_approved(
    running_app: RunningApp, locale: str
) -> None:
    says = SAYS[locale]
    await linked_recruiter(running_app)
    chat = await screened(running_app, locale, city="Москва")
    await book_first_time(chat, locale, expect=1)
    (old,) = await _bookings(running_app)
    async with running_app.app.uow_factory() as uow:
        approved = await approve_booking(uow, running_app.app.messaging, old.id, actor="system")
    assert isinstance(approved, Success)
    before = len(await chat.bot_messages())
    await running_app.deliver_outbox()
    await wait_for(chat, before + 2)  # the confirmation and its .ics
    await chat.say("/mybooking")
    await chat.press(says["move"], expect=2)
    times = await to_times(chat, locale)
    later = times["buttons"][0][1]["text"]
    requested = await chat.press(later, expect=1)
    assert any(STILL_STANDS[locale] in (m.get("text") or "") for m in requested)
    first, second = await _bookings(running_app)
    assert first.status is BookingStatus.APPROVED  # the confirmed time stands
    assert second.status is BookingStatus.PENDING
    summary = await chat.say("/mybooking", expect=1)
    assert any(WAITING[locale] in (m.get("text") or "") for m in summary)
    async with running_app.app.uow_factory() as uow:
        moved = await approve_booking(uow, running_app.app.messaging, second.id, actor="system")
    assert isinstance(moved, Success)
    first, second = await _bookings(running_app)
    assert (first.status, first.reason) == (BookingStatus.CANCELED, "moved")
    assert second.status is BookingStatus.APPROVED
    shown = await chat.say("/mybooking", expect=1)  # the confirmation may arrive meanwhile
    assert not any(WAITING[locale] in (m.get("text") or "") for m in shown)


@pytest.mark.parametrize("locale", LOCALES)
async def test_cancelling_with_a_reason_and_the_cut_off(
    running_app: RunningApp, locale: str
) -> None:
    says = SAYS[locale]
    recruiter = await linked_recruiter(running_app)
    chat = await screened(running_app, locale)
    await book_first_time(chat, locale)
    await chat.say("/mybooking")
    reasons = await chat.navigate(says["cancel"])
    assert says["plans"] in button_texts(reasons)
    # The two replies; the cancelled event's .ics may follow them from the outbox meanwhile.
    canceled, _picker = (await chat.press(says["reason"], expect=2))[:2]
    assert canceled["text"].startswith(says["canceled"])
    (after,) = await _bookings(running_app)
    assert (after.status, after.reason) == (BookingStatus.CANCELED, "Нашёл другую работу")
    await running_app.deliver_outbox()
    note = await wait_for_message(recruiter, "Ann Smith отменил(а) запись")
    assert "Нашёл другую работу" in note["text"]

    await book_first_time(chat, locale)
    _, current = await _bookings(running_app)
    async with running_app.app.uow_factory() as uow:
        slot = await uow.slots.get(current.slot_id)
        assert slot is not None
        starts_at = slot.starts_at
    running_app.clock.advance(starts_at - running_app.clock.now() - timedelta(hours=2))
    await chat.say("/mybooking")
    assert (await chat.press_for_notice(says["move"])).startswith(says["too_late"])
    assert (await chat.press_for_notice(says["cancel"])).startswith(says["too_late"])
    async with running_app.app.uow_factory() as uow:
        count = await uow.session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.status == BookingStatus.APPROVED)
        )
    assert count == 1

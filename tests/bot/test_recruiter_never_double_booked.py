"""No recruiter holds two overlapping bookings, whichever way a booking comes about in the chat:
a candidate booking, moving, taking a waiting-list offer, rebooking after the recruiter's "offer
another time", and the recruiter's approval.

The slots are older data, made before overlaps were refused (inserted directly): the recruiter
has 10:00-10:30, 10:15-10:45 and 12:00-12:30 (Moscow) on Mon 7 Dec, so the guard on bookings
is what each test meets, not the slot rule."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.callbacks import DeskAction, SlotChoice, WaitlistAction
from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from core.periods import overlap
from domain.bookings.waitlist import offer_freed_slot
from domain.messaging.texts import Catalog
from storage.models import Booking, Slot, WaitlistEntry
from tests.bot.conftest import BotHarness
from tests.support.callbacks import answers, press
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

RECRUITER, ANN, BOB = 500, 601, 602  # their chats
REFUSED = "That time can no longer be booked."  # the candidates speak English


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=UTC)


class World:
    def __init__(self, harness: BotHarness) -> None:
        self.harness = harness
        self.ten = self.quarter_past = self.noon = 0
        self.ann = self.bob = self.city = 0

    async def build(self, *, requires_approval: bool) -> World:
        async with self.harness.storage.uow() as uow:
            city = await make_city(uow, "Kazan", requires_approval=requires_approval)
            recruiter = await make_recruiter(uow, city, telegram_chat_id=RECRUITER)
            self.ten = (await make_slot(uow, recruiter, city, utc(7))).id
            self.quarter_past = (await make_slot(uow, recruiter, city, utc(7, 15))).id
            self.noon = (await make_slot(uow, recruiter, city, utc(9))).id
            self.ann = (await make_candidate(uow, city, telegram_id=ANN, full_name="Ann")).id
            self.bob = (await make_candidate(uow, city, telegram_id=BOB, full_name="Bob")).id
            self.city = city.id
            await uow.commit()
        return self

    async def holds(self, candidate_id: int, slot_id: int, status: BookingStatus) -> int:
        """A booking put straight into the database (as older data may hold it)."""
        async with self.harness.storage.uow() as uow:
            booking = uow.bookings.add(
                Booking(
                    slot_id=slot_id,
                    candidate_id=candidate_id,
                    purpose=SlotPurpose.INTERVIEW,
                    status=status,
                )
            )
            candidate = await uow.candidates.get(candidate_id)
            assert candidate is not None
            candidate.status = (
                CandidateStatus.INTERVIEW_REQUESTED
                if status is BookingStatus.PENDING
                else CandidateStatus.INTERVIEW_SCHEDULED
            )
            await uow.commit()
            return booking.id

    async def press(self, chat: int, data: str) -> str:
        """The alert or toast a press is answered with."""
        language = "ru" if chat == RECRUITER else "en"
        await self.harness.dispatcher.feed_update(
            self.harness.bot, press(data, user_id=chat, language_code=language)
        )
        return answers(self.harness.session)[-1].text or ""

    async def active(self) -> dict[int, tuple[int, BookingStatus]]:
        """Each candidate's active booking: (slot, status); and no two of them overlap."""
        async with self.harness.storage.uow() as uow:
            stmt = (
                select(Booking.candidate_id, Booking.slot_id, Booking.status, Slot)
                .join(Slot, Slot.id == Booking.slot_id)
                .where(Booking.status.in_(["pending", "approved", "confirmed"]))
            )
            rows = (await uow.session.execute(stmt)).all()
        periods = [(slot.starts_at, slot.ends_at) for *_, slot in rows]
        for i, first in enumerate(periods):
            for second in periods[i + 1 :]:
                assert not overlap(first, second), "the recruiter is booked twice at once"
        return {candidate: (slot_id, status) for candidate, slot_id, status, _ in rows}


async def test_a_candidate_cannot_book_a_time_overlapping_anothers_booking(
    harness: BotHarness,
) -> None:
    w = await World(harness).build(requires_approval=False)
    await w.holds(w.ann, w.ten, BookingStatus.APPROVED)
    assert await w.press(BOB, SlotChoice(slot_id=w.quarter_past).pack()) == REFUSED
    assert await w.active() == {w.ann: (w.ten, BookingStatus.APPROVED)}
    await w.press(BOB, SlotChoice(slot_id=w.noon).pack())  # a clear time is booked as ever
    assert (await w.active())[w.bob] == (w.noon, BookingStatus.APPROVED)


async def test_a_candidate_cannot_move_onto_a_time_overlapping_anothers_booking(
    harness: BotHarness,
) -> None:
    w = await World(harness).build(requires_approval=False)
    await w.holds(w.ann, w.ten, BookingStatus.APPROVED)
    bobs = await w.holds(w.bob, w.noon, BookingStatus.APPROVED)
    moving = SlotChoice(slot_id=w.quarter_past, move=bobs).pack()
    assert await w.press(BOB, moving) == REFUSED
    assert await w.active() == {
        w.ann: (w.ten, BookingStatus.APPROVED),
        w.bob: (w.noon, BookingStatus.APPROVED),
    }


async def test_a_waiting_list_offer_overlapping_anothers_booking_cannot_be_taken(
    harness: BotHarness,
) -> None:
    w = await World(harness).build(requires_approval=False)
    await w.holds(w.ann, w.ten, BookingStatus.APPROVED)
    async with harness.storage.uow() as uow:
        uow.waitlist.add(WaitlistEntry(candidate_id=w.bob, city_id=w.city))
        await uow.commit()
    async with harness.storage.uow() as uow:  # offered: only a live offer can be taken
        slot = await uow.slots.get(w.quarter_past)
        assert slot is not None
        await offer_freed_slot(uow, Catalog.load("ru"), FrozenClock(NOW), slot)
        await uow.commit()
    before = len(harness.session.sent())
    await w.press(BOB, WaitlistAction(action="take", slot_id=w.quarter_past).pack())
    assert [m.text for m in harness.session.sent()[before:]] == [REFUSED]
    assert await w.active() == {w.ann: (w.ten, BookingStatus.APPROVED)}


async def test_after_offer_another_time_the_candidate_cannot_rebook_over_anothers_booking(
    harness: BotHarness,
) -> None:
    w = await World(harness).build(requires_approval=True)
    await w.holds(w.ann, w.ten, BookingStatus.APPROVED)
    bobs = await w.holds(w.bob, w.noon, BookingStatus.PENDING)
    offered = await w.press(RECRUITER, DeskAction(do="offer", booking_id=bobs).pack())
    assert offered == "Готово."
    assert await w.press(BOB, SlotChoice(slot_id=w.quarter_past).pack()) == REFUSED
    assert await w.active() == {w.ann: (w.ten, BookingStatus.APPROVED)}


async def test_of_two_overlapping_requests_only_one_can_be_approved(harness: BotHarness) -> None:
    """Older data may hold requests on overlapping slots: approving either is refused while
    the other stands; once the recruiter offers one candidate another time, the other goes."""
    w = await World(harness).build(requires_approval=True)
    anns = await w.holds(w.ann, w.ten, BookingStatus.PENDING)
    bobs = await w.holds(w.bob, w.quarter_past, BookingStatus.PENDING)
    refused = await w.press(RECRUITER, DeskAction(do="approve", booking_id=bobs).pack())
    assert refused.startswith("У вас есть другая запись, которая пересекается с этим временем")
    async with harness.storage.uow() as uow:
        booking = await uow.bookings.get(bobs)
        assert booking is not None and booking.status is BookingStatus.PENDING
    assert await w.press(RECRUITER, DeskAction(do="offer", booking_id=anns).pack()) == "Готово."
    assert await w.press(RECRUITER, DeskAction(do="approve", booking_id=bobs).pack()) == "Готово."
    assert await w.active() == {w.bob: (w.quarter_past, BookingStatus.APPROVED)}

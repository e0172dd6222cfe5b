from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Integer, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, SlotPurpose
from core.periods import overlaps_any, period
from storage.models import Booking, BookingStatusChange, Candidate, Slot
from storage.models.booking import new_calendar_uid
from storage.models.candidate import CAME_TO_INTERVIEW, CAME_TO_INTRO_DAY
from storage.repositories.base import Repository
from storage.seats import lowest_free_seat

# The milestone an attended booking gives its candidate, by the slot's purpose.
_CAME = {SlotPurpose.INTERVIEW: CAME_TO_INTERVIEW, SlotPurpose.INTRO_DAY: CAME_TO_INTRO_DAY}

# The index that gives each active booking of a slot its own seat; a concurrent insert that took
# the seat chosen is answered by choosing again, at most this many times (each loss means one
# more seat was taken, so a slot's capacity bounds it too).
# (PostgreSQL names the index, SQLite its columns.)
_SEAT_INDEX = ("uq_bookings_active_slot_seat", "bookings.slot_id, bookings.seat")
_MAX_SEAT_RETRIES = 50


class BookingRepository(Repository[Booking]):
    model = Booking
    cache_tag = "bookings"

    async def try_create(
        self,
        slot: Slot,
        candidate_id: int,
        status: BookingStatus,
        *,
        actor: str,
        replaces: int | None = None,
        calendar: tuple[str, int] | None = None,
    ) -> Booking | None:
        """Insert an active booking on the slot's lowest free seat (with `replaces`, a request
        to move that booking), or return None when the slot is full or the database refuses it
        because the candidate already has one. The seat is chosen in the INSERT itself; a seat
        taken by a concurrent insert meanwhile (the unique index) is chosen again, a bounded
        number of times. A savepoint keeps the unit of work usable. `calendar`: the event (UID,
        sequence) it carries on from a booking it moves; a new one by default."""
        booking_id: int | None = None
        uid, sequence = calendar if calendar is not None else (new_calendar_uid(), 0)
        for _attempt in range(min(slot.capacity, _MAX_SEAT_RETRIES) + 1):
            try:
                async with self._uow.savepoint():
                    booking_id = await self._insert_on_free_seat(
                        slot.id, candidate_id, slot.purpose, status, replaces, (uid, sequence)
                    )
            except IntegrityError as error:
                if not any(name in str(error.orig) for name in _SEAT_INDEX):  # the candidate's
                    return None
                continue
            break
        if booking_id is None:
            return None
        self._uow.mark_written(self.cache_tag, "slots")
        booking = await self.session.get(Booking, booking_id)
        assert booking is not None
        self.session.add(
            BookingStatusChange(
                booking_id=booking.id, from_status=None, to_status=status, actor=actor
            )
        )
        self._uow.audit.record(
            actor=actor,
            action="create",
            entity="booking",
            entity_id=booking.id,
            details={
                "slot_id": slot.id,
                "candidate_id": candidate_id,
                "status": status.value,
                "seat": booking.seat,
                **({"replaces": replaces} if replaces else {}),
            },
        )
        return booking

    async def _insert_on_free_seat(
        self,
        slot_id: int,
        candidate_id: int,
        purpose: SlotPurpose,
        status: BookingStatus,
        replaces: int | None,
        calendar: tuple[str, int],
    ) -> int | None:
        """One INSERT ... SELECT taking the lowest seat of 1..capacity no active booking holds;
        the new booking's id, or None when every seat is taken (nothing inserted)."""
        now = self._uow.clock.now()
        seat = lowest_free_seat(slot_id)
        columns = Booking.__table__.c
        rows = select(
            literal(slot_id, Integer),
            literal(candidate_id, Integer),
            seat.c.seat,
            literal(purpose, columns.purpose.type),
            literal(status, columns.status.type),
            literal(replaces, Integer),
            literal(now, columns.created_at.type),
            literal(now, columns.updated_at.type),
            literal(calendar[0], columns.calendar_uid.type),
            literal(calendar[1], Integer),
        ).where(seat.c.seat.is_not(None))
        stmt = (
            insert(Booking)
            .from_select(
                [
                    "slot_id",
                    "candidate_id",
                    "seat",
                    "purpose",
                    "status",
                    "replaces_booking_id",
                    "created_at",
                    "updated_at",
                    "calendar_uid",
                    "calendar_sequence",
                ],
                rows,
            )
            .returning(columns.id)
        )
        inserted: int | None = (await self.session.execute(stmt)).scalar_one_or_none()
        return inserted

    async def active_for_candidate(self, candidate_id: int, purpose: SlotPurpose) -> Booking | None:
        """The booking the candidate holds (not a pending request to move it)."""
        stmt = select(Booking).where(
            Booking.candidate_id == candidate_id,
            Booking.purpose == purpose,
            Booking.status.in_(ACTIVE_BOOKING_STATUSES),
            Booking.replaces_booking_id.is_(None),
        )
        return (await self.session.scalars(stmt)).first()

    async def move_request_for(self, booking_id: int) -> Booking | None:
        """The pending request to move this booking, if any."""
        stmt = select(Booking).where(
            Booking.replaces_booking_id == booking_id,
            Booking.status.in_(ACTIVE_BOOKING_STATUSES),
        )
        return (await self.session.scalars(stmt)).first()

    async def raise_calendar_sequence(self, booking: Booking) -> int:
        """The booking's event changes once more (it is cancelled): a sequence above every one
        sent for it, so calendars take the change."""
        booking.calendar_sequence += 1
        await self.session.flush()
        self._uow.mark_written(self.cache_tag)
        return booking.calendar_sequence

    async def settle_move(self, request: Booking) -> None:
        """An approved move request becomes the booking held (the one it replaced has ended)."""
        request.replaces_booking_id = None
        await self.session.flush()
        self._uow.mark_written(self.cache_tag)

    async def attendees_of(
        self, slot_id: int, *, active_only: bool = False
    ) -> list[tuple[Booking, Candidate]]:
        """The slot's bookings holding a seat (and, unless `active_only`, those marked attended
        or no-show) with their candidates, by seat."""
        shown = (
            ACTIVE_BOOKING_STATUSES
            if active_only
            else (*ACTIVE_BOOKING_STATUSES, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
        )
        stmt = (
            select(Booking, Candidate)
            .join(Candidate, Candidate.id == Booking.candidate_id)
            .where(Booking.slot_id == slot_id, Booking.status.in_(shown))
            .order_by(Booking.seat, Booking.id)
        )
        return [(b, c) for b, c in (await self.session.execute(stmt)).all()]

    async def recruiter_busy_during(
        self, slot: Slot, *, besides_candidate: int, longest_minutes: int
    ) -> bool:
        """Whether the slot's recruiter holds an active booking of someone else on another slot
        overlapping this one (slots last at most `longest_minutes`)."""
        return await self._booked_during(
            slot,
            longest_minutes,
            Slot.recruiter_id == slot.recruiter_id,
            Slot.id != slot.id,
            Booking.candidate_id != besides_candidate,
        )

    async def person_busy_during(
        self, slot: Slot, *, telegram_id: int, besides_candidate: int, longest_minutes: int
    ) -> bool:
        """Whether another application of the person (one Telegram account) holds an active
        booking on this slot or one overlapping it (slots last at most `longest_minutes`)."""
        return await self._booked_during(
            slot,
            longest_minutes,
            Booking.candidate_id.in_(
                select(Candidate.id).where(
                    Candidate.telegram_id == telegram_id, Candidate.id != besides_candidate
                )
            ),
        )

    async def _booked_during(
        self, slot: Slot, longest_minutes: int, *which: ColumnElement[bool]
    ) -> bool:
        """Whether an active booking matching `which` holds a slot overlapping `slot`."""
        stmt = (
            select(Slot.starts_at, Slot.duration_minutes)
            .join(Booking, Booking.slot_id == Slot.id)
            .where(
                *which,
                Slot.starts_at < slot.ends_at,
                Slot.starts_at > slot.starts_at - timedelta(minutes=longest_minutes),
                Booking.status.in_(ACTIVE_BOOKING_STATUSES),
            )
        )
        rows = (await self.session.execute(stmt)).all()
        return overlaps_any((slot.starts_at, slot.ends_at), (period(s, m) for s, m in rows))

    async def change_status(
        self,
        booking: Booking,
        to_status: BookingStatus,
        *,
        actor: str,
        reason: str | None = None,
    ) -> bool:
        """Move a booking only if nobody moved it first (conditional update)."""
        from_status = booking.status
        result = await self.session.execute(
            update(Booking)
            .where(Booking.id == booking.id, Booking.status == from_status)
            .values(status=to_status, reason=reason, updated_at=self._uow.clock.now())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            await self.session.refresh(booking)
            return False
        self._uow.mark_written(self.cache_tag, "slots")
        await self.session.refresh(booking)
        if to_status is BookingStatus.ATTENDED and booking.purpose in _CAME:
            await self.session.execute(
                update(Candidate)
                .where(Candidate.id == booking.candidate_id)
                .values(milestones=Candidate.milestones.op("|")(_CAME[booking.purpose]))
                .execution_options(synchronize_session=False)
            )
            self._uow.mark_written("candidates")
        self.session.add(
            BookingStatusChange(
                booking_id=booking.id,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                reason=reason,
            )
        )
        self._uow.audit.record(
            actor=actor,
            action="change_status",
            entity="booking",
            entity_id=booking.id,
            details={"from": from_status.value, "to": to_status.value, "reason": reason},
        )
        return True

    async def for_recruiter_between(
        self, recruiter_id: int, start: datetime, end: datetime
    ) -> list[tuple[Booking, Slot, Candidate]]:
        """A recruiter's bookings that are on (or were held) in a period, in time order."""
        shown = (*ACTIVE_BOOKING_STATUSES, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
        stmt = (
            select(Booking, Slot, Candidate)
            .join(Slot, Slot.id == Booking.slot_id)
            .join(Candidate, Candidate.id == Booking.candidate_id)
            .where(
                Slot.recruiter_id == recruiter_id,
                Slot.starts_at >= start,
                Slot.starts_at < end,
                Booking.status.in_(shown),
            )
            .order_by(Slot.starts_at)
        )
        return [(b, s, c) for b, s, c in (await self.session.execute(stmt)).all()]

    async def needing_outcome(self, ended_before: datetime) -> list[tuple[Booking, Slot]]:
        """Approved or confirmed bookings whose slot ended before the given moment."""
        stmt = (
            select(Booking, Slot)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(
                Booking.status.in_((BookingStatus.APPROVED, BookingStatus.CONFIRMED)),
                Slot.starts_at <= ended_before,
            )
            .order_by(Slot.starts_at)
            .limit(500)
        )
        rows = (await self.session.execute(stmt)).all()
        return [(b, s) for b, s in rows if s.ends_at <= ended_before]

    async def pending_since_before(
        self, moment: datetime, starting_before: datetime | None = None
    ) -> list[Booking]:
        """Requests still pending that were made before `moment`, or whose time begins before
        `starting_before` (unanswered until their own hour, they can only expire)."""
        stale = Booking.created_at <= moment
        if starting_before is not None:
            stale = or_(stale, Slot.starts_at <= starting_before)
        stmt = (
            select(Booking)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(Booking.status == BookingStatus.PENDING, stale)
            .order_by(Booking.id)
            .limit(500)
        )
        return list((await self.session.scalars(stmt)).all())

    async def history(self, booking_id: int) -> list[BookingStatusChange]:
        stmt = (
            select(BookingStatusChange)
            .where(BookingStatusChange.booking_id == booking_id)
            .order_by(BookingStatusChange.id)
        )
        return list((await self.session.scalars(stmt)).all())

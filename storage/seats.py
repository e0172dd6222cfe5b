"""Seats of a slot in SQL: a slot seats `capacity` people, each active booking holds one numbered
seat (1..capacity). The expressions every query that counts or chooses seats shares."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Subquery, and_, exists, func, literal, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from core.enums import ACTIVE_BOOKING_STATUSES
from storage.models import Booking, Slot

_bookings = Booking.__table__


def _active_on(slot_id: Any, table: Any) -> ColumnElement[bool]:
    return and_(table.c.slot_id == slot_id, table.c.status.in_(ACTIVE_BOOKING_STATUSES))


def seats_taken_of(slot_id: Any) -> Any:
    """How many seats of the slot active bookings hold (a scalar subquery, correlated when
    `slot_id` is a column)."""
    held = _bookings.alias("held")
    return select(func.count()).select_from(held).where(_active_on(slot_id, held)).scalar_subquery()


SEATS_TAKEN = seats_taken_of(Slot.id)
HAS_FREE_SEAT = Slot.capacity > SEATS_TAKEN
HAS_ACTIVE_BOOKING = exists().where(
    Booking.slot_id == Slot.id, Booking.status.in_(ACTIVE_BOOKING_STATUSES)
)


def lowest_free_seat(slot_id: int) -> Subquery:
    """One row, column `seat`: the lowest seat of 1..capacity no active booking of the slot
    holds, NULL when all are taken, counted as well as numbered (a seat above the capacity,
    held from before it was lowered, is one of them). The lowest free seat is 1 or one above a
    taken seat, so those are the only ones to look at (portable: no generate_series)."""
    taken = _bookings.alias("taken")
    other = _bookings.alias("other")
    choices = union_all(
        select(literal(1, Integer).label("seat")),
        select((taken.c.seat + 1).label("seat")).where(_active_on(slot_id, taken)),
    ).subquery("choices")
    capacity = select(Slot.capacity).where(Slot.id == slot_id).scalar_subquery()
    free = ~exists().where(_active_on(slot_id, other), other.c.seat == choices.c.seat)
    return (
        select(func.min(choices.c.seat).label("seat"))
        .where(choices.c.seat <= capacity, free, seats_taken_of(slot_id) < capacity)
        .subquery("free_seat")
    )

"""Slots: one at a time, a weekly series, and how a slot is shown (with its booking, if any).

The panel's forms and the REST API check input against these same schemas."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from admin.schemas.common import Id, Input, Output
from core.enums import BookingStatus, SlotPurpose
from core.iso import ClockTime, Instant, IsoDate
from domain.scheduling.capacity import MAX_CAPACITY, MIN_CAPACITY
from domain.scheduling.series import MAX_SERIES_DAYS, SeriesSpec
from domain.scheduling.slots import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, NewSeries

Duration = Annotated[
    int,
    Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES, description="Minutes a slot lasts."),
]
Weekday = Annotated[int, Field(ge=0, le=6, description="0 is Monday, 6 is Sunday.")]
Capacity = Annotated[
    int,
    Field(
        ge=MIN_CAPACITY,
        le=MAX_CAPACITY,
        description="Seats: 1 for an interview; more for an intro day, an open house or a group "
        "interview (each booking holds one seat).",
    ),
]


class SlotIn(Input):
    recruiter_id: Id
    city_id: Id
    starts_at: Instant = Field(description="The start, with its UTC offset.")
    duration_minutes: Duration = 30
    purpose: SlotPurpose = SlotPurpose.INTERVIEW
    capacity: Capacity = 1


class LocalSlotIn(Input):
    """The panel's one-slot form: a date and a time as read on a clock in the city."""

    city_id: Id
    day: IsoDate
    start_time: ClockTime
    duration_minutes: Duration = 30
    purpose: SlotPurpose = SlotPurpose.INTERVIEW
    capacity: Capacity = 1


class CapacityIn(Input):
    """A slot's seats, changed: never fewer than the bookings holding one."""

    capacity: Capacity


class SeriesIn(Input):
    """Every `step_minutes` from `start` while a slot fits before `end`, on the chosen weekdays
    from `first_day` to `last_day`, skipping the break; times are the city's local ones."""

    recruiter_id: Id
    city_id: Id
    weekdays: list[Weekday] = Field(min_length=1, max_length=7)
    start: ClockTime
    end: ClockTime
    step_minutes: int = Field(60, ge=5, le=480)
    break_start: ClockTime | None = None
    break_end: ClockTime | None = Field(None, validate_default=True)  # checked even when absent
    first_day: IsoDate
    last_day: IsoDate
    duration_minutes: Duration = 30
    purpose: SlotPurpose = SlotPurpose.INTERVIEW
    capacity: Capacity = 1

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: time, info: ValidationInfo) -> time:
        start = info.data.get("start")
        if start is not None and value <= start:
            raise ValueError("reason.slot.end_after_start")
        return value

    @field_validator("weekdays")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        return sorted(set(value))

    @field_validator("break_end")
    @classmethod
    def _whole_break(cls, value: time | None, info: ValidationInfo) -> time | None:
        if "break_start" not in info.data:  # the start itself is wrong: said there
            return value
        start = info.data["break_start"]
        if (value is None) != (start is None):
            raise ValueError("reason.slot.whole_break")
        if start is not None and value is not None and value <= start:
            raise ValueError("reason.slot.break_end_after_start")
        return value

    @field_validator("last_day")
    @classmethod
    def _period(cls, value: date, info: ValidationInfo) -> date:
        first = info.data.get("first_day")
        if first is not None and value < first:
            raise ValueError("reason.slot.last_before_first")
        if first is not None and (value - first).days > MAX_SERIES_DAYS:
            raise PydanticCustomError(
                "value_error", "reason.slot.series_too_long", {"days": MAX_SERIES_DAYS}
            )
        return value

    @field_validator("duration_minutes")
    @classmethod
    def _fits_step(cls, value: int, info: ValidationInfo) -> int:
        step = info.data.get("step_minutes")
        if step is not None and value > step:
            raise ValueError("reason.slot.longer_than_step")
        return value

    def series(self) -> NewSeries:
        spec = SeriesSpec(
            weekdays=frozenset(self.weekdays),
            start=self.start,
            end=self.end,
            step_minutes=self.step_minutes,
            break_start=self.break_start,
            break_end=self.break_end,
            first_day=self.first_day,
            last_day=self.last_day,
        )
        return NewSeries(
            self.recruiter_id,
            self.city_id,
            spec,
            self.duration_minutes,
            self.purpose,
            self.capacity,
        )


class SlotOut(Output):
    id: int
    recruiter_id: int
    city_id: int
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    purpose: SlotPurpose
    withdrawn: bool = Field(
        False, description="Given up by its recruiter: not free, never offered or booked again."
    )
    capacity: int = Field(1, description="Seats the slot has.")
    seats_taken: int = Field(0, description="Seats active bookings hold.")
    seats_left: int = Field(1, description="Seats still free.")
    booking_id: int | None = Field(
        None, description="A one-seat slot's active booking (see /slots/{slot_id}/attendees)."
    )
    booking_status: BookingStatus | None = None
    candidate_name: str | None = None


class AttendeeOut(Output):
    booking_id: int
    seat: int
    status: BookingStatus
    candidate_id: int
    name: str


class AttendeesOut(Output):
    slot_id: int
    capacity: int
    seats_taken: int
    items: list[AttendeeOut]


class SlotMessageOut(Output):
    sent: int = Field(description="Attendees the message was queued to.")
    unreachable: int = Field(description="Attendees who blocked the bot or were erased.")

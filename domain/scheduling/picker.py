"""Which times a candidate may pick: the city's free slots past the notice, within the horizon."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.clock import Clock
from core.enums import SlotPurpose
from domain.calendars.busy_sources import drop_busy
from domain.messaging.dates import local
from storage.dto import RecruiterDTO, SlotDTO
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class BookingRules:
    min_notice: timedelta = timedelta(hours=2)
    horizon: timedelta = timedelta(days=14)
    change_cutoff: timedelta = timedelta(hours=3)
    quiet_start: time = time(22)
    quiet_end: time = time(8)

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """The first and the last start a candidate may book now (both included)."""
        return now + self.min_notice, now + self.horizon

    def bookable(self, starts_at: datetime, now: datetime) -> bool:
        earliest, latest = self.window(now)
        return earliest <= starts_at <= latest


async def free_slots(
    uow: UnitOfWork,
    city_id: int,
    purpose: SlotPurpose,
    clock: Clock,
    rules: BookingRules,
    recruiter_id: int | None = None,
) -> list[SlotDTO]:
    """The city's free slots a candidate may pick now; those overlapping their recruiter's own
    calendar's busy times are not offered."""
    earliest, latest = rules.window(clock.now())
    free = await uow.slots.list_free(city_id, purpose, earliest, latest, recruiter_id=recruiter_id)
    return await drop_busy(uow, free)


def days_of(slots: Sequence[SlotDTO], zone: str) -> list[date]:
    return sorted({local(s.starts_at, zone).date() for s in slots})


def times_on(slots: Sequence[SlotDTO], zone: str, day: date) -> list[SlotDTO]:
    """The day's slots, one per start time (the first recruiter's when several share it)."""
    seen: set[tuple[int, int]] = set()
    picked: list[SlotDTO] = []
    for slot in sorted(slots, key=lambda s: (s.starts_at, s.id)):
        moment = local(slot.starts_at, zone)
        if moment.date() != day or (moment.hour, moment.minute) in seen:
            continue
        seen.add((moment.hour, moment.minute))
        picked.append(slot)
    return picked


async def recruiters_with_slots(
    uow: UnitOfWork, city_id: int, slots: Sequence[SlotDTO]
) -> list[RecruiterDTO]:
    """The city's active recruiters who have one of these free slots, for the candidate to pick."""
    with_slots = {s.recruiter_id for s in slots}
    return [r for r in await uow.recruiters.list_active_for_city(city_id) if r.id in with_slots]


async def slot_purpose(uow: UnitOfWork, slot_id: int) -> SlotPurpose | None:
    slot = await uow.slots.get(slot_id)
    return slot.purpose if slot else None

"""What a booking looks like in a message: local date and time, who, where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.enums import SlotPurpose
from domain.messaging.dates import day_label, local, time_label
from domain.messaging.texts import Catalog, render_message
from domain.pipeline.cities import city_name
from domain.vacancies.catalog import title_in
from storage.dto import CityDTO, VacancyDTO
from storage.models import Booking, Slot
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class BookingView:
    booking_id: int
    slot_id: int
    purpose: SlotPurpose
    status: str
    starts_at: datetime
    duration_minutes: int
    zone: str
    city_id: int
    city_dto: CityDTO  # the city, whose name each reader sees in their locale
    recruiter: str
    own_place: str | None  # the meeting link or address; None: the city is the place
    # The vacancy the booking's application is for (None: no booking yet, or none chosen).
    vacancy_dto: VacancyDTO | None = None
    # The booking's event in calendars (`calendar_file`); empty: no booking yet.
    calendar_uid: str = ""
    calendar_sequence: int = 0

    @property
    def vacancy_id(self) -> int | None:
        return self.vacancy_dto.id if self.vacancy_dto else None

    def city(self, locale: str) -> str:
        return city_name(self.city_dto, locale)

    def place(self, locale: str) -> str:
        return self.own_place or self.city(locale)

    def values(self, catalog: Catalog, locale: str) -> dict[str, Any]:
        what_key = "what_intro_day" if self.purpose is SlotPurpose.INTRO_DAY else "what_interview"
        return {
            "what": catalog.shipped_template(what_key, locale),
            "date": day_label(local(self.starts_at, self.zone).date(), locale),
            "time": time_label(self.starts_at, self.zone),
            "city": self.city(locale),
            "recruiter": self.recruiter,
            "place": self.place(locale),
            "status": catalog.text(f"status.{self.status}", locale),
            "vacancy": title_in(self.vacancy_dto, locale) if self.vacancy_dto else "",
        }


def booking_place(
    purpose: SlotPurpose, intro_day_address: str | None, meeting_link: str | None
) -> str | None:
    """Where it happens: an intro day at the city's address, an interview at the recruiter's
    meeting link (each falling back on the other); None: the city is the place."""
    if purpose is SlotPurpose.INTRO_DAY:
        return intro_day_address or meeting_link
    return meeting_link or intro_day_address


async def view_of_slot(uow: UnitOfWork, slot: Slot, booking: Booking | None = None) -> BookingView:
    city = await uow.cities.get_dto(slot.city_id)
    recruiter = await uow.recruiters.get_dto(slot.recruiter_id)
    # Foreign keys guarantee both.
    assert city is not None
    assert recruiter is not None
    place = booking_place(slot.purpose, city.intro_day_address, recruiter.meeting_link)
    return BookingView(
        booking_id=booking.id if booking else 0,
        slot_id=slot.id,
        purpose=slot.purpose,
        status=booking.status.value if booking else "pending",
        starts_at=slot.starts_at,
        duration_minutes=slot.duration_minutes,
        zone=city.timezone,
        city_id=city.id,
        city_dto=city,
        recruiter=recruiter.name,
        own_place=place,
        vacancy_dto=await _vacancy_of(uow, booking),
        calendar_uid=booking.calendar_uid if booking else "",
        calendar_sequence=booking.calendar_sequence if booking else 0,
    )


async def _vacancy_of(uow: UnitOfWork, booking: Booking | None) -> VacancyDTO | None:
    if booking is None:
        return None
    candidate = await uow.candidates.get(booking.candidate_id)
    if candidate is None or candidate.vacancy_id is None:
        return None
    return await uow.vacancies.get_dto(candidate.vacancy_id)


async def view_of(uow: UnitOfWork, booking: Booking) -> BookingView:
    slot = await uow.slots.get(booking.slot_id)
    assert slot is not None
    return await view_of_slot(uow, slot, booking)


async def booking_text(
    uow: UnitOfWork, catalog: Catalog, key: str, locale: str, view: BookingView, **extra: Any
) -> str:
    values = {**view.values(catalog, locale), **extra}
    return await render_message(
        uow, catalog, key, locale, view.city_id, vacancy_id=view.vacancy_id, **values
    )

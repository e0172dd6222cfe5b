"""What repositories hand out and the cache stores: plain, frozen, serializable."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from core.enums import BookingStatus, CandidateStatus, QuestionKind, SlotPurpose, TestKind


class DTO(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class CityDTO(DTO):
    id: int
    name: str
    timezone: str
    active: bool
    plan_per_week: int | None
    plan_per_month: int | None
    requires_approval: bool
    intro_day_address: str | None
    names: dict[str, str] = {}  # the city's own name per locale; others show `name`


class VacancyDTO(DTO):
    id: int
    slug: str | None
    title: dict[str, str]
    description: dict[str, str]
    owner_recruiter_id: int | None
    opens_on: date | None
    closes_on: date | None
    active: bool
    city_ids: tuple[int, ...] = ()


class RecruiterDTO(DTO):
    id: int
    name: str
    telegram_chat_id: int | None
    timezone: str
    meeting_link: str | None
    active: bool
    locale: str | None = None
    city_ids: tuple[int, ...] = ()


class CandidateDTO(DTO):
    id: int
    telegram_id: int
    username: str | None
    full_name: str | None
    phone: str | None
    city_id: int | None
    locale: str
    status: CandidateStatus
    source: str | None
    reachable: bool
    created_at: datetime
    vacancy_id: int | None = None


class SlotDTO(DTO):
    id: int
    recruiter_id: int
    city_id: int
    starts_at: datetime
    duration_minutes: int
    purpose: SlotPurpose
    capacity: int = 1
    seats_left: int = 1  # of `capacity`, when read with the bookings holding seats


class SlotWithPeopleDTO(SlotDTO):
    recruiter_name: str
    recruiter_timezone: str
    city_name: str
    city_timezone: str


class BookingDTO(DTO):
    id: int
    slot_id: int
    candidate_id: int
    purpose: SlotPurpose
    status: BookingStatus
    reason: str | None
    created_at: datetime
    seat: int = 1
    # The booking's event in calendars (a move carries it on): read where a view is built.
    calendar_uid: str = ""
    calendar_sequence: int = 0


class QuestionDTO(DTO):
    id: int
    position: int
    key: str
    kind: QuestionKind
    prompt: dict[str, str]
    options: list[dict[str, Any]]
    min_value: float | None
    max_value: float | None
    whole_number: bool = False
    max_attempts: int | None
    time_limit_seconds: int | None
    parent_id: int | None
    show_if_answer: str | None


class TestDTO(DTO):
    __test__ = False
    id: int
    kind: TestKind
    title: str
    pass_percent: int
    default_max_attempts: int
    default_time_limit_seconds: int | None
    questions: tuple[QuestionDTO, ...]

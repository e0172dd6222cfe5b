"""How recruiters plan: which week they are planning (from Friday evening the coming one), and
a day's or week's slots with the people booked into them, read for the panel's cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.enums import CandidateStatus
from domain.scheduling.slots import SlotRow
from domain.vacancies.catalog import title_of
from storage.uow import UnitOfWork

# From this hour on Friday the week that is left is done: recruiters plan the next one.
WEEK_TURNS_AT = time(18, 0)
FRIDAY = 4


def monday_of(day: date) -> date:
    """The Monday of the week `day` is in (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def planning_week(now_local: datetime) -> date:
    """The Monday of the week being planned at `now_local` (a time in the zone shown): the
    current week, but the next one from Friday 18:00 through Sunday."""
    today = now_local.date()
    monday = monday_of(today)
    weekend = today.weekday() > FRIDAY
    friday_evening = today.weekday() == FRIDAY and now_local.time() >= WEEK_TURNS_AT
    return monday + timedelta(days=7) if weekend or friday_evening else monday


@dataclass(frozen=True)
class SlotCard(SlotRow):
    """A slot as the week grid and the day's cards show it: `SlotRow` and, for a held one-seat
    slot, who holds it (their page, status, how to reach them, the vacancy applied for)."""

    candidate_id: int | None = None
    candidate_status: CandidateStatus | None = None
    phone: str | None = None
    username: str | None = None
    vacancy: str | None = None


async def slot_cards(
    uow: UnitOfWork, recruiter_id: int, start: datetime, end: datetime, locale: str
) -> list[SlotCard]:
    """A recruiter's slots starting in [start, end) in time order, each with its booking and
    candidate (vacancy titled in `locale`), in one query."""
    cards: list[SlotCard] = []
    for row, person in await uow.slots.with_candidates(recruiter_id, start, end):
        candidate_id, status, phone, username, titles = person
        vacancy = (title_of(titles, locale) or None) if titles else None
        cards.append(SlotCard(*row, candidate_id, status, phone, username, vacancy))
    return cards

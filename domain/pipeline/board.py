"""The pipeline board: candidates by status as columns in the journey's order, the closed
outcomes at the end; each column its count and its newest cards (name, city, source, next
booking, unread messages). Scoped by city ids like the list (None: every city), filtered by
vacancy and city; read in four statements whatever the board holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.enums import CandidateStatus as C
from core.enums import SlotPurpose
from core.inputs import MAX_ID
from storage.repositories.candidate_search import CandidateCriteria
from storage.uow import UnitOfWork

# The journey's stages in order; then the outcomes that end it, shown folded at the end.
OPEN_STAGES = (
    C.NEW,
    C.SCREENING,
    C.SCREENING_PASSED,
    C.INTERVIEW_REQUESTED,
    C.INTERVIEW_SCHEDULED,
    C.INTERVIEW_CONFIRMED,
    C.INTERVIEWED_PASSED,
    C.TEST2_PASSED,
    C.INTRO_DAY_SCHEDULED,
    C.HIRED,
)
CLOSED_STAGES = (
    C.SCREENING_FAILED,
    C.INTERVIEWED_FAILED,
    C.NO_SHOW,
    C.TEST2_FAILED,
    C.NOT_HIRED,
    C.WITHDRAWN,
)
CARDS_PER_COLUMN = 50


class BoardFilter(BaseModel):
    """Which candidates the board shows; unknown query fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    vacancy_id: int | None = Field(None, ge=1, le=MAX_ID)
    city_id: int | None = Field(None, ge=1, le=MAX_ID)


@dataclass(frozen=True)
class Card:
    id: int
    name: str
    city: str | None
    source: str | None
    vacancy_id: int | None
    status: C
    next_at: datetime | None  # the next active booking's start (UTC)
    next_zone: str | None  # the zone of that booking's city, in which it is shown
    next_purpose: SlotPurpose | None
    unread: int


@dataclass(frozen=True)
class Column:
    status: C
    closed: bool
    count: int
    cards: tuple[Card, ...]

    @property
    def more(self) -> int:
        """How many match beyond the cards shown."""
        return self.count - len(self.cards)


@dataclass(frozen=True)
class Board:
    columns: tuple[Column, ...]

    @property
    def total(self) -> int:
        return sum(column.count for column in self.columns)


async def read_board(
    uow: UnitOfWork,
    flt: BoardFilter,
    city_ids: frozenset[int] | None,
    *,
    now: datetime,
    per_column: int = CARDS_PER_COLUMN,
    locale: str | None = None,
) -> Board:
    """Every stage's count and newest `per_column` cards, for someone limited to `city_ids`;
    cities named for a reader in `locale`."""
    criteria = CandidateCriteria(city_ids=city_ids, city_id=flt.city_id, vacancy_id=flt.vacancy_id)
    counts = await uow.board.counts(criteria)
    rows = await uow.board.newest(criteria, per_column, locale) if counts else []
    ids = [row.id for row in rows]
    bookings = await uow.board.next_bookings(ids, now)
    unread = await uow.board.unread(ids)
    cards: dict[C, list[Card]] = {}
    for row in rows:
        booking = bookings.get(row.id)
        name = row.full_name or (f"@{row.username}" if row.username else str(row.telegram_id))
        cards.setdefault(row.status, []).append(
            Card(
                id=row.id,
                name=name,
                city=row.city,
                source=row.source,
                vacancy_id=row.vacancy_id,
                status=row.status,
                next_at=booking.starts_at if booking else None,
                next_zone=booking.timezone if booking else None,
                next_purpose=booking.purpose if booking else None,
                unread=unread.get(row.id, 0),
            )
        )
    return Board(
        tuple(
            Column(
                status, status in CLOSED_STAGES, counts.get(status, 0), tuple(cards.get(status, ()))
            )
            for status in (*OPEN_STAGES, *CLOSED_STAGES)
        )
    )

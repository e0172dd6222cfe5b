"""Finding candidates and reading one candidate's whole story: the panel's and the API's lists,
profiles and CSV export. Scoped by city ids (None: every city), never by who is asking, so any
entry point can use it.

Search matches `search_text` (name, @username, phone, folded in Python) as a substring; every sort
is served by an index on SQLite and PostgreSQL, with the id as the tie-breaker, so pages are stable.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    computed_field,
    field_validator,
)

from core.enums import (
    ACTIVE_BOOKING_STATUSES,
    BookingStatus,
    CandidateStatus,
    NotificationStatus,
    SlotPurpose,
    TestKind,
    TestResultStatus,
)
from core.inputs import MAX_ID
from core.iso import IsoDate
from domain.screening.answers import option_label, prompt_text
from domain.vacancies.catalog import title_in
from storage.dto import QuestionDTO
from storage.models.candidate import search_key
from storage.repositories.candidate_search import (
    CandidateCriteria,
    CandidateListing,
    CandidateOrder,
)
from storage.uow import UnitOfWork

SortKey = Literal[
    "created_at",
    "-created_at",
    "full_name",
    "-full_name",
    "status",
    "-status",
    "updated_at",
    "-updated_at",
]
SORT_KEYS: tuple[str, ...] = SortKey.__args__  # type: ignore[attr-defined]
MESSAGES_SHOWN = 50
CSV_BATCH = 1000
CSV_COLUMNS = (
    "id",
    "telegram_id",
    "full_name",
    "username",
    "phone",
    "city",
    "status",
    "source",
    "reachable",
    "created_at",
    "updated_at",
    "tags",
    "vacancy_id",  # last: columns added later go at the end, where no reader counts on others
    "vacancy",
)
_PHONE_SHAPED = re.compile(r"[\d\s()+\-]+")
_TAG = re.compile(r"<[^>]*>")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CandidateFilter(BaseModel):
    """Which candidates, in which order, which page. Unknown fields are ignored (query strings
    carry others); dates are UTC days, both ends included."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    q: str | None = Field(None, max_length=100)
    city_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: CandidateStatus | None = None
    source: str | None = Field(None, max_length=64)
    created_from: IsoDate | None = None
    created_to: IsoDate | None = None
    unlisted_city: bool = False  # asked for a city not in the list ("my city is not here")
    tag_id: int | None = Field(None, ge=1, le=MAX_ID)  # carries this tag
    vacancy_id: int | None = Field(None, ge=1, le=MAX_ID)  # an application to this vacancy
    sort: SortKey = "-created_at"
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)

    @field_validator("q", "source")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        value = value.strip() if value is not None else None
        return value or None

    @field_validator("created_to")
    @classmethod
    def _dates_in_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("created_from")
        if value is not None and start is not None and value < start:
            raise ValueError("must not be before the start date")
        return value


class View(BaseModel):
    """What this module hands out: frozen, and what the API's output models extend."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


class CandidateRow(View):
    id: int
    telegram_id: int
    full_name: str | None
    username: str | None
    phone: str | None
    city_id: int | None
    city: str | None
    status: CandidateStatus
    source: str | None
    locale: str
    reachable: bool
    created_at: datetime
    updated_at: datetime
    wanted_city: str | None = None  # a city not in the list that they asked for
    # Consent to the processing of personal data: "agreed", "declined", "prior" (collected
    # before consent was asked: not an agreement) or None (never asked), and when
    # (`domain.privacy.consent`); when the personal data was erased.
    consent: str | None = None
    consent_at: datetime | None = None
    erased_at: datetime | None = None
    vacancy_id: int | None = None  # the vacancy this application is to (None: none chosen)

    @property
    def display_name(self) -> str:
        return self.full_name or (f"@{self.username}" if self.username else str(self.telegram_id))


class AnswerRow(View):
    question_id: int
    question: str
    answer: str
    is_correct: bool | None
    attempts: int
    seconds_spent: float | None


class TestResultRow(View):
    __test__ = False

    id: int
    kind: TestKind
    title: str
    status: TestResultStatus
    score: float
    max_score: float
    stars: int | None
    started_at: datetime
    finished_at: datetime | None
    answers: tuple[AnswerRow, ...] = ()


class BookingRow(View):
    id: int
    slot_id: int
    purpose: SlotPurpose
    status: BookingStatus
    reason: str | None
    starts_at: datetime
    duration_minutes: int
    recruiter_id: int
    recruiter: str
    city_id: int
    city: str
    timezone: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def active(self) -> bool:
        return self.status in ACTIVE_BOOKING_STATUSES


class StatusChangeRow(View):
    id: int
    from_status: CandidateStatus | None
    to_status: CandidateStatus
    actor: str
    reason: str | None
    created_at: datetime
    # Who `actor` names, for people: the kind (recruiter, admin, api_token, candidate, system,
    # other) and the recruiter's name or the account's login when it still exists.
    actor_kind: str = "other"
    actor_name: str | None = None


class MessageRow(View):
    id: int
    kind: str
    text: str
    status: NotificationStatus
    created_at: datetime
    due_at: datetime
    sent_at: datetime | None
    last_error: str | None


class ApplicationRow(View):
    """Another application of the same person (one Telegram account)."""

    id: int
    vacancy_id: int | None
    status: CandidateStatus
    is_current: bool  # the one the person goes through in the bot now


class Profile(View):
    candidate: CandidateRow
    timezone: str  # the candidate's city's zone (UTC without a city): the page's times are in it
    tests: tuple[TestResultRow, ...]
    bookings: tuple[BookingRow, ...]
    timeline: tuple[StatusChangeRow, ...]
    messages: tuple[MessageRow, ...]
    # The person's other applications the viewer may see, oldest first.
    applications: tuple[ApplicationRow, ...] = ()


def in_scope(city_id: int | None, city_ids: frozenset[int] | None) -> bool:
    """Whether a candidate of this city is visible to someone limited to `city_ids`."""
    return city_ids is None or (city_id is not None and city_id in city_ids)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _criteria(flt: CandidateFilter, city_ids: frozenset[int] | None) -> CandidateCriteria:
    return CandidateCriteria(
        city_ids=city_ids,
        city_id=flt.city_id,
        status=flt.status,
        source=flt.source,
        created_since=None if flt.created_from is None else _day_start(flt.created_from),
        created_before=(
            None if flt.created_to is None else _day_start(flt.created_to + timedelta(days=1))
        ),
        text=() if flt.q is None else _needles(flt.q),
        unlisted_city=flt.unlisted_city,
        tag_id=flt.tag_id,
        vacancy_id=flt.vacancy_id,
    )


def _needles(q: str) -> tuple[str, ...]:
    """A substring of the name, @username or phone; a phone typed with other spacing or
    brackets ("999 123-45") is also looked for by its digits."""
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 3 and digits != q and _PHONE_SHAPED.fullmatch(q):
        return search_key(q), digits
    return (search_key(q),)


def _row(listing: CandidateListing) -> CandidateRow:
    return CandidateRow.model_validate(listing, from_attributes=True)


# A page's rows made in one call of pydantic's core (row by row took longer than the query).
_ROWS = TypeAdapter(list[CandidateRow])


def _order(sort: SortKey) -> tuple[CandidateOrder, bool]:
    """The column a sort key names, and whether it runs backwards ("-" in front)."""
    return cast(CandidateOrder, sort.removeprefix("-")), sort.startswith("-")


async def search_candidates(
    uow: UnitOfWork, flt: CandidateFilter, city_ids: frozenset[int] | None
) -> tuple[list[CandidateRow], int]:
    """One page of the filtered list (with city names) and how many match in all: the page's
    query, and a count the cache keeps until a candidate is written (so paging counts once)."""
    criteria = _criteria(flt, city_ids)
    total = await uow.candidate_search.count_matching(criteria)
    if total <= flt.offset:
        return [], total
    order, descending = _order(flt.sort)
    page = await uow.candidate_search.page(
        criteria,
        order=order,
        descending=descending,
        limit=flt.limit,
        offset=flt.offset,
        matching=total,
    )
    return _ROWS.validate_python(page, from_attributes=True), total


async def candidate_profile(
    uow: UnitOfWork, candidate_id: int, city_ids: frozenset[int] | None
) -> Profile | None:
    """Everything about one candidate in six queries; None when absent or out of scope."""
    found = await uow.candidate_search.listing(candidate_id)
    if found is None:
        return None
    candidate = _row(found)
    if not in_scope(candidate.city_id, city_ids):
        return None
    city = await uow.cities.get(candidate.city_id) if candidate.city_id is not None else None
    applications = await _other_applications(uow, candidate, city_ids)
    return Profile(
        candidate=candidate,
        timezone=city.timezone if city is not None else "UTC",
        tests=await _tests(uow, candidate),
        bookings=await _bookings(uow, candidate.id),
        timeline=await _timeline(uow, candidate.id),
        messages=await _messages(uow, candidate),
        applications=applications,
    )


async def _other_applications(
    uow: UnitOfWork, candidate: CandidateRow, city_ids: frozenset[int] | None
) -> list[ApplicationRow]:
    return [
        ApplicationRow.model_validate(a)
        for a in await uow.vacancies.applications_of(candidate.telegram_id)
        if a.id != candidate.id and in_scope(a.city_id, city_ids)
    ]


async def _tests(uow: UnitOfWork, candidate: CandidateRow) -> list[TestResultRow]:
    results = await uow.candidate_profiles.test_results(candidate.id)
    answers = await uow.candidate_profiles.test_answers(candidate.id)
    by_result: dict[int, list[AnswerRow]] = {}
    for answer, question in answers:
        dto = QuestionDTO.model_validate(question)
        by_result.setdefault(answer.result_id, []).append(
            AnswerRow(
                question_id=question.id,
                question=prompt_text(dto, candidate.locale),
                answer=option_label(dto, answer.answer, candidate.locale),
                is_correct=answer.is_correct,
                attempts=answer.attempts,
                seconds_spent=answer.seconds_spent,
            )
        )
    return [
        TestResultRow(
            id=result.id,
            kind=kind,
            title=title,
            status=result.status,
            score=result.score,
            max_score=result.max_score,
            stars=result.stars,
            started_at=result.started_at,
            finished_at=result.finished_at,
            answers=tuple(by_result.get(result.id, ())),
        )
        for result, kind, title in results
    ]


async def _bookings(uow: UnitOfWork, candidate_id: int) -> list[BookingRow]:
    return [
        BookingRow(
            id=booking.id,
            slot_id=slot.id,
            purpose=booking.purpose,
            status=booking.status,
            reason=booking.reason,
            starts_at=slot.starts_at,
            duration_minutes=slot.duration_minutes,
            recruiter_id=slot.recruiter_id,
            recruiter=recruiter,
            city_id=slot.city_id,
            city=city,
            timezone=zone,
        )
        for booking, slot, recruiter, city, zone in await uow.candidate_profiles.bookings(
            candidate_id
        )
    ]


async def _timeline(uow: UnitOfWork, candidate_id: int) -> list[StatusChangeRow]:
    history = await uow.candidates.status_history(candidate_id)
    rows = [StatusChangeRow.model_validate(change) for change in history]
    names: dict[str, tuple[str, str | None]] = {}
    for row in rows:
        if row.actor not in names:
            names[row.actor] = await actor_name(uow, row.actor)
    return [
        row.model_copy(
            update={"actor_kind": names[row.actor][0], "actor_name": names[row.actor][1]}
        )
        for row in rows
    ]


_SYSTEM_ACTORS = frozenset({"system", "scheduler", "cli"})


async def actor_name(uow: UnitOfWork, actor: str) -> tuple[str, str | None]:
    """Who a history's actor string names: (kind, name). "recruiter:1" is the recruiter's name,
    "admin:3" the account's login, "admin:3:token:5" the login of the account whose API token
    it was (kind api_token); "candidate"/"bot" the candidate; "system" and the jobs the system.
    A recruiter or account deleted since keeps its kind, with no name."""
    parts = actor.split(":")
    if actor in ("candidate", "bot"):
        return "candidate", None
    if actor in _SYSTEM_ACTORS:
        return "system", None
    if len(parts) == 2 and parts[0] == "recruiter" and parts[1].isdigit():
        recruiter = await uow.recruiters.get(int(parts[1]))
        return "recruiter", recruiter.name if recruiter is not None else None
    if parts[0] == "admin" and len(parts) in (2, 4) and parts[1].isdigit():
        account = await uow.admin_users.get(int(parts[1]))
        kind = "api_token" if len(parts) == 4 and parts[2] == "token" else "admin"
        return kind, account.login if account is not None else None
    return "other", None


async def _messages(uow: UnitOfWork, candidate: CandidateRow) -> list[MessageRow]:
    """What went to the person's chat for this application (or for none in particular): not
    what went for their other applications, which may be another city's."""
    return [
        MessageRow(
            id=n.id,
            kind=n.kind,
            text=_plain_text(str(n.payload.get("text", ""))),
            status=n.status,
            created_at=n.created_at,
            due_at=n.due_at,
            sent_at=n.sent_at,
            last_error=n.last_error,
        )
        for n in await uow.candidate_profiles.messages(
            candidate.telegram_id, MESSAGES_SHOWN, candidate.id
        )
    ]


def _plain_text(telegram_html: str) -> str:
    """A message as its reader saw it: Telegram's HTML tags dropped, entities read."""
    return html.unescape(_TAG.sub("", telegram_html))


def _cell(value: str | None, *, phone: bool = False) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    if not value:
        return ""
    if value.startswith(_FORMULA_START) and not (phone and _PHONE_SHAPED.fullmatch(value)):
        return "'" + value
    return value


@dataclass(frozen=True)
class CsvWords:
    """The export's words in the reader's language: the header (in CSV_COLUMNS' order), each
    status's name, and the reachable column's yes and no. By default the stored codes."""

    header: Sequence[str] = CSV_COLUMNS
    statuses: Mapping[str, str] = field(default_factory=dict)
    yes: str = "yes"
    no: str = "no"


def _csv_line(
    row: CandidateListing,
    tags: Sequence[str],
    vacancies: dict[int, str],
    words: CsvWords = CsvWords(),
) -> Sequence[object]:
    """One line of the export (tags separated by commas, in one cell)."""
    return (
        row.id,
        row.telegram_id,
        _cell(row.full_name),
        _cell(row.username),
        _cell(row.phone, phone=True),
        _cell(row.city),
        words.statuses.get(row.status.value, row.status.value),
        _cell(row.source),
        words.yes if row.reachable else words.no,
        row.created_at.isoformat(),
        row.updated_at.isoformat(),
        _cell(", ".join(tags)),
        row.vacancy_id or "",
        _cell(vacancies.get(row.vacancy_id, "") if row.vacancy_id else ""),
    )


async def iter_csv(
    uow: UnitOfWork,
    flt: CandidateFilter,
    city_ids: frozenset[int] | None,
    *,
    batch: int = CSV_BATCH,
    locale: str = "en",
    words: CsvWords = CsvWords(),
    only_ids: frozenset[int] | None = None,
) -> AsyncIterator[str]:
    """The whole filtered list as CSV (a header, then one chunk per batch), in id order.

    Batches continue after the last id seen (keyset), each in its own short read transaction,
    so neither memory nor a database lock grows with the list; sort, limit and offset are not
    used. The vacancy's title is in `locale`. `only_ids`: just these candidates (a selection)."""
    criteria = replace(_criteria(flt, city_ids), candidate_ids=only_ids)
    vacancies = {v.id: title_in(v, locale) for v in await uow.vacancies.list_all()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(words.header)
    yield buffer.getvalue()
    last_id = 0
    while True:
        rows = await uow.candidate_search.batch_after(criteria, last_id, batch)
        if not rows:
            await uow.release()
            return
        tags = await uow.tags.of_candidates([r.id for r in rows])
        await uow.release()
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(_csv_line(r, tags.get(r.id, ()), vacancies, words) for r in rows)
        yield buffer.getvalue()
        last_id = rows[-1].id

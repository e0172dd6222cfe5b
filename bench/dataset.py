"""A realistic database to measure on: `python -m bench.dataset --candidates 100000`.

Twenty cities in their own zones (one inactive), sixty recruiters serving one to three cities
each, six months of slots behind and one ahead (interviews Monday to Thursday, intro days on
Fridays, half-hourly from 09:00 local) with bookings in every status, candidates spread over the
pipeline like a real funnel (most fall out at screening, a few are hired) with their status
history, test results (answers for about a fifth), a waitlist, and the outbox: three reminders per
approved booking (sent when due in the past) and a finished broadcast.

Everything is derived from one seeded random generator and "now" rounded down to the hour, so the
same seed gives the same data. Rows go in with explicit ids through Core `executemany` in batches,
a few thousand candidates at a time, so memory stays flat and the same code serves SQLite and
PostgreSQL. The database must be empty (migrated or not: `fill` migrates). PostgreSQL is then
vacuumed and analysed, as its autovacuum would soon do; SQLite is not analysed, as the
application never does it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.enums import (
    AutoMessageKind,
    AutoMessageState,
    BookingStatus,
    CandidateStatus,
    NotificationStatus,
    SlotPurpose,
    TestKind,
    TestResultStatus,
)
from domain.demo import knowledge_questions, screening_questions
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import (
    Base,
    City,
    Test,
    recruiter_cities,
)
from storage.models.candidate import candidate_search_text, milestones_of
from storage.models.city import city_name_key

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "bench.db"
PAST_DAYS = 182
FUTURE_DAYS = 30
RECRUITERS = 60
CHUNK = 5000  # candidates generated and inserted at a time
BATCH = 5000  # rows per executemany
# The tables filled along with the candidates, in the order their foreign keys need.
PER_CANDIDATE = (
    "slots",
    "candidates",
    "candidate_status_history",
    "bookings",
    "booking_history",
    "test_results",
    "test_answers",
    "notifications",
    "waitlist_entries",
)
SEARCH_NAME = "Иванов"  # the most common surname: the name query the benchmarks use

S = CandidateStatus
B = BookingStatus

# (name, zone, share of candidates); the last one is no longer recruiting.
CITIES: tuple[tuple[str, str, float], ...] = (
    ("Москва", "Europe/Moscow", 0.20),
    ("Санкт-Петербург", "Europe/Moscow", 0.11),
    ("Новосибирск", "Asia/Novosibirsk", 0.06),
    ("Екатеринбург", "Asia/Yekaterinburg", 0.06),
    ("Казань", "Europe/Moscow", 0.05),
    ("Нижний Новгород", "Europe/Moscow", 0.05),
    ("Краснодар", "Europe/Moscow", 0.05),
    ("Челябинск", "Asia/Yekaterinburg", 0.04),
    ("Самара", "Europe/Samara", 0.04),
    ("Ростов-на-Дону", "Europe/Moscow", 0.04),
    ("Уфа", "Asia/Yekaterinburg", 0.03),
    ("Красноярск", "Asia/Krasnoyarsk", 0.03),
    ("Воронеж", "Europe/Moscow", 0.03),
    ("Пермь", "Asia/Yekaterinburg", 0.03),
    ("Волгоград", "Europe/Volgograd", 0.03),
    ("Омск", "Asia/Omsk", 0.03),
    ("Владивосток", "Asia/Vladivostok", 0.04),
    ("Тюмень", "Asia/Yekaterinburg", 0.03),
    ("Саратов", "Europe/Saratov", 0.02),
    ("Калининград", "Europe/Kaliningrad", 0.04),
)

# Where candidates are now: most leave at screening, a few are hired.
STATUS_SHARES: dict[CandidateStatus, float] = {
    S.NEW: 0.08,
    S.SCREENING: 0.05,
    S.SCREENING_FAILED: 0.20,
    S.SCREENING_PASSED: 0.10,
    S.INTERVIEW_REQUESTED: 0.04,
    S.INTERVIEW_SCHEDULED: 0.04,
    S.INTERVIEW_CONFIRMED: 0.02,
    S.INTERVIEWED_PASSED: 0.03,
    S.INTERVIEWED_FAILED: 0.08,
    S.NO_SHOW: 0.07,
    S.TEST2_PASSED: 0.02,
    S.TEST2_FAILED: 0.03,
    S.INTRO_DAY_SCHEDULED: 0.02,
    S.HIRED: 0.06,
    S.NOT_HIRED: 0.04,
    S.WITHDRAWN: 0.12,
}

# The way through the pipeline to each status (withdrawn leaves from a point on the longest).
_LONGEST = (
    S.NEW,
    S.SCREENING,
    S.SCREENING_PASSED,
    S.INTERVIEW_REQUESTED,
    S.INTERVIEW_SCHEDULED,
    S.INTERVIEW_CONFIRMED,
    S.INTERVIEWED_PASSED,
    S.TEST2_PASSED,
    S.INTRO_DAY_SCHEDULED,
    S.HIRED,
)
PATHS: dict[CandidateStatus, tuple[CandidateStatus, ...]] = {
    s: _LONGEST[: _LONGEST.index(s) + 1] for s in _LONGEST
} | {
    S.SCREENING_FAILED: (S.NEW, S.SCREENING, S.SCREENING_FAILED),
    S.INTERVIEWED_FAILED: (*_LONGEST[:6], S.INTERVIEWED_FAILED),
    S.NO_SHOW: (*_LONGEST[:6], S.NO_SHOW),
    S.TEST2_FAILED: (*_LONGEST[:7], S.TEST2_FAILED),
    S.NOT_HIRED: (*_LONGEST[:9], S.NOT_HIRED),
}
# Statuses whose interview is behind them (attended), and those with one ahead.
_INTERVIEWED = {
    S.INTERVIEWED_PASSED,
    S.INTERVIEWED_FAILED,
    S.TEST2_PASSED,
    S.TEST2_FAILED,
    S.INTRO_DAY_SCHEDULED,
    S.HIRED,
    S.NOT_HIRED,
}
_UPCOMING = {
    S.INTERVIEW_REQUESTED: B.PENDING,
    S.INTERVIEW_SCHEDULED: B.APPROVED,
    S.INTERVIEW_CONFIRMED: B.CONFIRMED,
}
_BOOKING_STEPS: dict[BookingStatus, tuple[BookingStatus, ...]] = {
    B.PENDING: (B.PENDING,),
    B.APPROVED: (B.PENDING, B.APPROVED),
    B.CONFIRMED: (B.PENDING, B.APPROVED, B.CONFIRMED),
    B.ATTENDED: (B.PENDING, B.APPROVED, B.CONFIRMED, B.ATTENDED),
    B.NO_SHOW: (B.PENDING, B.APPROVED, B.CONFIRMED, B.NO_SHOW),
    B.CANCELED: (B.PENDING, B.APPROVED, B.CANCELED),
    B.EXPIRED: (B.PENDING, B.EXPIRED),
}
_REMINDERS = (("reminder_24h", 24), ("confirm_6h", 6), ("confirm_2h", 2))
SOURCES: tuple[tuple[str | None, float], ...] = (
    ("hh", 0.25),
    ("avito", 0.18),
    ("vk", 0.12),
    ("tg_channel", 0.10),
    ("referral", 0.08),
    ("site", 0.07),
    (None, 0.20),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_NAMES = _words(
    "Александр Дмитрий Максим Сергей Андрей Алексей Артём Илья Кирилл Михаил Никита Матвей "
    "Роман Егор Арсений Иван Денис Евгений Тимур Владислав Павел Олег Руслан Константин"
)
FEMALE_NAMES = _words(
    "Анастасия Мария Анна Виктория Екатерина Наталья Марина Полина София Дарья Алиса Ксения "
    "Александра Елена Ольга Татьяна Юлия Ирина Светлана Алёна Валерия Вероника Кристина"
)
# Male forms, most common first; the female form adds "а".
SURNAMES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев "
    "Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин "
    "Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов "
    "Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов "
    "Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев "
    "Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев "
    "Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев "
    "Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков"
)
_SURNAME_WEIGHTS = [1 / (rank + 1) ** 0.7 for rank in range(len(SURNAMES))]
_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        _words("a b v g d e e zh z i y k l m n o p r s t u f h ts ch sh sch - y - e yu ya"),
        strict=True,
    )
)
SCREENING_TEXT = {
    "experience": (
        "Работал продавцом-консультантом два года",
        "Опыта нет, учусь",
        "Оператор колл-центра, 1 год",
        "Администратор в салоне",
        "Курьер, потом менеджер по продажам",
    ),
    "motivation": (
        "Хочу расти в продажах",
        "Нравится общаться с людьми",
        "Интересен доход",
        "Ищу стабильную работу рядом с домом",
    ),
}


class DatabaseNotEmpty(RuntimeError):
    pass


@dataclass(frozen=True)
class DatasetInfo:
    """What was filled, and a few ids the benchmarks read by."""

    candidates: int
    rows: dict[str, int]
    seconds: float
    now: datetime
    by_status: dict[str, int]
    biggest_city_id: int
    busiest_recruiter_id: int
    search_name: str = SEARCH_NAME
    sizes: dict[str, int] = field(default_factory=dict)


def latin(text: str) -> str:
    return "".join(_LATIN.get(ch, ch) for ch in text.lower()).replace("-", "")


@cache
def _slot_start(zone: str, day: date, position: int) -> datetime:
    """Half-hourly from 09:00 local (position 0) to 18:30 (19), in UTC."""
    local = datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo(zone))
    return (local + timedelta(minutes=30 * position)).astimezone(UTC)


class _Generator:
    """Builds rows chunk by chunk; ids are assigned here, so rows can refer to each other."""

    def __init__(self, candidates: int, seed: int, now: datetime, test_ids: dict[str, Any]):
        self.rng = random.Random(seed)
        self.total = candidates
        self.now = now
        self.today = now.date()
        self.tests = test_ids
        self.city_zone = {i + 1: zone for i, (_, zone, _) in enumerate(CITIES)}
        self.city_weights = [share for _, _, share in CITIES]
        self.recruiters = self._recruiters()
        self.serving: dict[int, list[int]] = {}
        for rid, rec in enumerate(self.recruiters, start=1):
            for city_id in rec["cities"]:
                self.serving.setdefault(city_id, []).append(rid)
        self.taken: set[tuple[int, datetime]] = set()
        self.next_id: Counter[str] = Counter()
        self.slot_load: Counter[int] = Counter()
        self.broadcast: Counter[NotificationStatus] = Counter()

    def new_id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    # -- fixed parts ---------------------------------------------------------------------

    def cities(self) -> list[dict[str, Any]]:
        return [
            {
                "id": i + 1,
                "name": name,
                "name_key": city_name_key(name),
                "timezone": zone,
                "active": i < len(CITIES) - 1,
                "plan_per_week": max(2, round(share * 200)),
                "plan_per_month": max(8, round(share * 800)),
                "requires_approval": i % 3 != 2,
                "intro_day_address": f"{name}, ул. Ленина, {i + 1}",
                "created_at": self.now - timedelta(days=PAST_DAYS + 30),
            }
            for i, (name, zone, share) in enumerate(CITIES)
        ]

    def _recruiters(self) -> list[dict[str, Any]]:
        """Primary cities in proportion to the candidates; a third serve one or two more."""
        rng = self.rng
        primaries = [
            city_id
            for city_id, (_, _, share) in enumerate(CITIES, start=1)
            for _ in range(max(1, round(share * RECRUITERS)))
        ]
        while len(primaries) < RECRUITERS:
            primaries.append(rng.choices(range(1, len(CITIES) + 1), self.city_weights)[0])
        recruiters = []
        for i, primary in enumerate(primaries[:RECRUITERS]):
            extra = rng.choices((0, 1, 2), (0.65, 0.25, 0.10))[0]
            others = rng.sample([c for c in range(1, len(CITIES) + 1) if c != primary], extra)
            female = rng.random() < 0.7
            first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            surname = rng.choice(SURNAMES[:40]) + ("а" if female else "")
            recruiters.append(
                {
                    "id": i + 1,
                    "name": f"{first} {surname}",
                    "telegram_chat_id": 9_000_000 + i if rng.random() < 0.9 else None,
                    "timezone": self.city_zone[primary],
                    "meeting_link": f"https://meet.example.com/r{i + 1}",
                    "active": rng.random() < 0.95,
                    "created_at": self.now - timedelta(days=PAST_DAYS + 20),
                    "cities": [primary, *others],
                }
            )
        return recruiters

    def recruiter_rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = [{k: v for k, v in r.items() if k != "cities"} for r in self.recruiters]
        links = [
            {"recruiter_id": r["id"], "city_id": c} for r in self.recruiters for c in r["cities"]
        ]
        return rows, links

    # -- slots ---------------------------------------------------------------------------

    def _day(self, first: int, last: int, purpose: SlotPurpose) -> date:
        """A working day between the offsets (inclusive): Fridays for intro days."""
        while True:
            day = self.today + timedelta(days=self.rng.randint(first, last))
            weekday = day.weekday()
            if (weekday == 4) == (purpose is SlotPurpose.INTRO_DAY) and weekday < 5:
                return day

    def slot(
        self, rows: list[dict[str, Any]], city_id: int, purpose: SlotPurpose, first: int, last: int
    ) -> dict[str, Any] | None:
        """A new slot in the city between the day offsets, with a recruiter who serves it;
        None when their calendars are full (then the booking or free slot is left out)."""
        rng = self.rng
        recruiters = self.serving[city_id]
        for attempt in range(200):
            if attempt == 100:  # a crowded stretch: look over the whole period
                first, last = (-PAST_DAYS, -1) if last < 0 else (1, FUTURE_DAYS)
            rid = rng.choice(recruiters)
            starts_at = _slot_start(
                self.city_zone[city_id], self._day(first, last, purpose), rng.randrange(20)
            )
            if (rid, starts_at) not in self.taken:
                break
        else:
            return None
        self.taken.add((rid, starts_at))
        self.slot_load[rid] += 1
        row = {
            "id": self.new_id("slots"),
            "recruiter_id": rid,
            "city_id": city_id,
            "starts_at": starts_at,
            "duration_minutes": 30 if purpose is SlotPurpose.INTERVIEW else 120,
            "purpose": purpose,
            "capacity": 1,
            "created_at": min(starts_at, self.now) - timedelta(days=rng.randint(3, 21)),
        }
        rows.append(row)
        return row

    def free_slots(self, count: int) -> list[dict[str, Any]]:
        """Slots nobody booked, half of them ahead."""
        rows: list[dict[str, Any]] = []
        for _ in range(count):
            city_id = self.rng.choices(range(1, len(CITIES) + 1), self.city_weights)[0]
            purpose = SlotPurpose.INTRO_DAY if self.rng.random() < 0.2 else SlotPurpose.INTERVIEW
            ahead = self.rng.random() < 0.5
            span = (1, FUTURE_DAYS) if ahead else (-PAST_DAYS, -1)
            self.slot(rows, city_id, purpose, *span)
        return rows

    # -- candidates ----------------------------------------------------------------------

    def chunk(self, first: int, count: int) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in PER_CANDIDATE}
        statuses = self.rng.choices(list(STATUS_SHARES), list(STATUS_SHARES.values()), k=count)
        for offset, status in enumerate(statuses):
            self._candidate(out, first + offset, status)
        return out

    def _person(self) -> tuple[str, str, str]:
        rng = self.rng
        female = rng.random() < 0.55
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        surname = rng.choices(SURNAMES, _SURNAME_WEIGHTS)[0]
        if female:
            surname += "а"
        username = f"{latin(first)}_{latin(surname)}{rng.randint(1, 999)}"
        return first, surname, username

    def _phone(self) -> str:
        digits = f"9{self.rng.randrange(10**9):09d}"
        if self.rng.random() < 0.15:
            return f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
        return f"+7{digits}"

    def _candidate(self, out: dict[str, list[dict[str, Any]]], cid: int, status: S) -> None:
        rng = self.rng
        first, surname, username = self._person()
        later = status not in (S.NEW, S.SCREENING)
        full_name = f"{surname} {first}" if later or rng.random() < 0.8 else None
        city_id: int | None = rng.choices(range(1, len(CITIES) + 1), self.city_weights)[0]
        if status is S.NEW and rng.random() < 0.3:
            city_id = None
        path = PATHS.get(status) or (*_LONGEST[: rng.randint(1, 6)], S.WITHDRAWN)
        bookings = self._bookings(out, cid, status, path, city_id)
        created_at, updated_at = self._lifetime(status, bookings)
        phone = self._phone() if rng.random() < (0.9 if later else 0.3) else None
        username_or_none = username if rng.random() < 0.7 else None
        telegram_id = 100_000_000 + cid * 7
        reachable = rng.random() < 0.97
        out["candidates"].append(
            {
                "id": cid,
                "telegram_id": telegram_id,
                "username": username_or_none,
                "full_name": full_name,
                "phone": phone,
                "city_id": city_id,
                "locale": "en" if rng.random() < 0.06 else "ru",
                "status": status,
                "source": rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0],
                "reachable": reachable,
                "created_at": created_at,
                "updated_at": updated_at,
                "search_text": candidate_search_text(full_name, username_or_none, phone),
                "milestones": milestones_of(
                    path,
                    came=any(
                        b["status"] is BookingStatus.ATTENDED
                        and b["slot"]["purpose"] is SlotPurpose.INTERVIEW
                        for b in bookings
                    ),
                ),
            }
        )
        self._history(out, cid, path, created_at, updated_at)
        self._tests(out, cid, status, path, created_at, full_name, city_id)
        for booking in bookings:
            self._booking_rows(out, booking, cid, telegram_id, created_at)
        if status is S.SCREENING_PASSED and city_id is not None and rng.random() < 0.3:
            out["waitlist_entries"].append(
                {
                    "id": self.new_id("waitlist_entries"),
                    "candidate_id": cid,
                    "city_id": city_id,
                    "purpose": SlotPurpose.INTERVIEW,
                    "created_at": updated_at,
                    "notified_at": None,
                }
            )
        if city_id is not None and city_id <= 3 and later and rng.random() < 0.6:
            self._broadcast(out, cid, telegram_id, reachable, updated_at)

    def _bookings(
        self,
        out: dict[str, list[dict[str, Any]]],
        cid: int,
        status: S,
        path: Sequence[S],
        city_id: int | None,
    ) -> list[dict[str, Any]]:
        """The candidate's bookings (slot rows added as needed), oldest first."""
        if city_id is None:
            return []
        rng = self.rng
        slots = out["slots"]
        wanted: list[tuple[SlotPurpose, BookingStatus, int, int]] = []
        if status in _UPCOMING:
            wanted.append((SlotPurpose.INTERVIEW, _UPCOMING[status], 1, 21))
        elif status in _INTERVIEWED or status is S.NO_SHOW:
            outcome = B.NO_SHOW if status is S.NO_SHOW else B.ATTENDED
            if status in (S.HIRED, S.NOT_HIRED):
                intro = self._day(-PAST_DAYS + 35, -1, SlotPurpose.INTRO_DAY)
                back = (intro - self.today).days
                wanted.append((SlotPurpose.INTERVIEW, outcome, back - 28, back - 3))
                wanted.append((SlotPurpose.INTRO_DAY, B.ATTENDED, back, back))
            elif status is S.INTRO_DAY_SCHEDULED:
                wanted.append((SlotPurpose.INTERVIEW, outcome, -30, -3))
                wanted.append((SlotPurpose.INTRO_DAY, B.APPROVED, 1, FUTURE_DAYS))
            else:
                wanted.append((SlotPurpose.INTERVIEW, outcome, -PAST_DAYS, -1))
        elif status is S.WITHDRAWN and S.INTERVIEW_REQUESTED in path:
            wanted.append((SlotPurpose.INTERVIEW, B.CANCELED, -PAST_DAYS, -1))
        elif status is S.SCREENING_PASSED and rng.random() < 0.1:
            wanted.append((SlotPurpose.INTERVIEW, B.EXPIRED, -60, -1))
        if wanted and wanted[0][1] is B.ATTENDED and rng.random() < 0.05:
            # Moved once: the first time was cancelled.
            first, last = wanted[0][2], wanted[0][3]
            wanted.insert(0, (SlotPurpose.INTERVIEW, B.CANCELED, first, last))
        found = []
        for purpose, booking_status, first, last in wanted:
            slot = self.slot(slots, city_id, purpose, first, last)
            if slot is not None:
                found.append({"slot": slot, "status": booking_status})
        return found

    def _lifetime(self, status: S, bookings: list[dict[str, Any]]) -> tuple[datetime, datetime]:
        """When the candidate came, and when their status last changed."""
        rng = self.rng
        now = self.now
        if bookings:
            first_start: datetime = bookings[0]["slot"]["starts_at"]
            last_start: datetime = bookings[-1]["slot"]["starts_at"]
            created = min(first_start, now) - timedelta(hours=rng.uniform(30, 14 * 24))
            if last_start < now:
                updated = min(last_start + timedelta(hours=rng.uniform(1, 48)), now)
            else:
                updated = now - timedelta(hours=rng.uniform(0, 24))
            return created, max(updated, created + timedelta(minutes=5))
        recent_days = {S.NEW: 3, S.SCREENING: 10, S.SCREENING_PASSED: 60}.get(status, PAST_DAYS)
        created = now - timedelta(days=rng.uniform(0, recent_days))
        if status is S.NEW:
            return created, created
        updated = min(created + timedelta(hours=rng.uniform(0.1, 72)), now)
        return created, max(updated, created)

    def _history(
        self,
        out: dict[str, list[dict[str, Any]]],
        cid: int,
        path: Sequence[S],
        created_at: datetime,
        updated_at: datetime,
    ) -> None:
        steps = len(path) - 1
        if steps <= 0:
            return
        span = (updated_at - created_at).total_seconds()
        moments = sorted(self.rng.uniform(0, span) for _ in range(steps - 1))
        moments.append(span)
        for (before, after), seconds in zip(itertools.pairwise(path), moments, strict=True):
            actor = (
                "candidate"
                if after in (S.SCREENING, S.SCREENING_PASSED, S.SCREENING_FAILED, S.WITHDRAWN)
                or after is S.INTERVIEW_REQUESTED
                else f"recruiter:{self.rng.randint(1, RECRUITERS)}"
            )
            out["candidate_status_history"].append(
                {
                    "id": self.new_id("candidate_status_history"),
                    "candidate_id": cid,
                    "from_status": before,
                    "to_status": after,
                    "actor": actor,
                    "reason": "knock-out answer"
                    if after is S.SCREENING_FAILED and self.rng.random() < 0.3
                    else None,
                    "created_at": created_at + timedelta(seconds=seconds),
                }
            )

    def _tests(
        self,
        out: dict[str, list[dict[str, Any]]],
        cid: int,
        status: S,
        path: Sequence[S],
        created_at: datetime,
        full_name: str | None,
        city_id: int | None,
    ) -> None:
        rng = self.rng
        if S.SCREENING not in path:
            return
        started = created_at + timedelta(minutes=rng.uniform(1, 30))
        if status is S.SCREENING:
            result = TestResultStatus.IN_PROGRESS
        elif status is S.SCREENING_FAILED:
            result = TestResultStatus.KNOCKED_OUT if rng.random() < 0.3 else TestResultStatus.FAILED
        elif S.SCREENING_PASSED in path:
            result = TestResultStatus.PASSED
        else:
            result = TestResultStatus.IN_PROGRESS
        self._result(out, cid, "screening", result, started, 0.0, full_name, city_id)
        if S.TEST2_PASSED in path or status is S.TEST2_FAILED:
            passed = status is not S.TEST2_FAILED
            score = float(rng.choice((3, 4)) if passed else rng.choice((0, 1, 2)))
            later = started + timedelta(days=rng.uniform(2, 20))
            outcome = TestResultStatus.PASSED if passed else TestResultStatus.FAILED
            self._result(out, cid, "knowledge", outcome, min(later, self.now), score, None, None)

    def _result(
        self,
        out: dict[str, list[dict[str, Any]]],
        cid: int,
        kind: str,
        status: TestResultStatus,
        started: datetime,
        score: float,
        full_name: str | None,
        city_id: int | None,
    ) -> None:
        rng = self.rng
        rid = self.new_id("test_results")
        test_id, questions = self.tests[kind]
        knowledge = kind == "knowledge"
        finished = None if status is TestResultStatus.IN_PROGRESS else started
        if finished is not None:
            finished = started + timedelta(seconds=rng.uniform(60, 900))
        out["test_results"].append(
            {
                "id": rid,
                "candidate_id": cid,
                "test_id": test_id,
                "status": status,
                "score": score,
                "max_score": 4.0 if knowledge else 0.0,
                "stars": min(5, 1 + round(score)) if knowledge else None,
                "started_at": started,
                "finished_at": finished,
            }
        )
        if finished is None or rng.random() >= 0.2:
            return
        correct = int(score)
        for position, (question_id, right, wrong) in enumerate(questions):
            is_correct: bool | None = None
            if knowledge:
                is_correct = position < correct
                answer = right if is_correct else wrong
            else:
                answer = self._screening_answer(position, status, full_name, city_id)
            out["test_answers"].append(
                {
                    "id": self.new_id("test_answers"),
                    "result_id": rid,
                    "question_id": question_id,
                    "answer": answer,
                    "is_correct": is_correct,
                    "attempts": rng.randint(1, 3) if knowledge else 1,
                    "seconds_spent": round(rng.uniform(3, 120), 1),
                    "created_at": started + timedelta(seconds=20 * (position + 1)),
                }
            )

    def _screening_answer(
        self, position: int, status: TestResultStatus, full_name: str | None, city_id: int | None
    ) -> str:
        rng = self.rng
        answers = (
            full_name or "Иванов Иван",
            CITIES[(city_id or 1) - 1][0],
            str(rng.randint(18, 45)),
            rng.choice(("studying", "working", "looking", "other")),
            str(rng.choice((40, 50, 60, 70, 80, 100)) * 1000),
            "no" if status is TestResultStatus.KNOCKED_OUT else "yes",
            rng.choice(SCREENING_TEXT["experience"]),
            rng.choice(SCREENING_TEXT["motivation"]),
        )
        return answers[position]

    def _booking_rows(
        self,
        out: dict[str, list[dict[str, Any]]],
        booking: dict[str, Any],
        cid: int,
        telegram_id: int,
        candidate_created: datetime,
    ) -> None:
        rng = self.rng
        slot = booking["slot"]
        final: BookingStatus = booking["status"]
        starts_at: datetime = slot["starts_at"]
        booked = max(
            candidate_created + timedelta(minutes=10),
            min(starts_at, self.now) - timedelta(hours=rng.uniform(20, 96)),
        )
        bid = self.new_id("bookings")
        steps = _BOOKING_STEPS[final]
        moments = [booked]
        for step in steps[1:]:
            if step in (B.ATTENDED, B.NO_SHOW):
                moments.append(starts_at + timedelta(minutes=45))
            else:
                moments.append(min(moments[-1] + timedelta(hours=rng.uniform(0.2, 12)), self.now))
        out["bookings"].append(
            {
                "id": bid,
                "slot_id": slot["id"],
                "candidate_id": cid,
                "purpose": slot["purpose"],
                "status": final,
                "reason": "не смогу прийти" if final is B.CANCELED else None,
                "created_at": booked,
                "updated_at": moments[-1],
            }
        )
        before: BookingStatus | None = None
        for step, moment in zip(steps, moments, strict=True):
            out["booking_history"].append(
                {
                    "id": self.new_id("booking_history"),
                    "booking_id": bid,
                    "from_status": before,
                    "to_status": step,
                    "actor": "candidate" if step in (B.PENDING, B.CANCELED) else "system",
                    "reason": None,
                    "created_at": moment,
                }
            )
            before = step
        if B.APPROVED not in steps or final in (B.CANCELED,):
            return
        for kind, hours in _REMINDERS:
            due = starts_at - timedelta(hours=hours)
            sent = due <= self.now
            out["notifications"].append(
                {
                    "id": self.new_id("notifications"),
                    "kind": kind,
                    "recipient_chat_id": telegram_id,
                    "candidate_id": cid,
                    "booking_id": bid,
                    "auto_message_id": None,
                    "payload": {"text": f"Напоминание: встреча {starts_at:%d.%m в %H:%M} UTC"},
                    "due_at": due,
                    "status": NotificationStatus.SENT if sent else NotificationStatus.PENDING,
                    "attempts": 1 if sent else 0,
                    "last_error": None,
                    "dedupe_key": f"{kind}:{bid}",
                    "locked_by": None,
                    "locked_until": None,
                    "sent_at": due + timedelta(seconds=rng.uniform(0.1, 5)) if sent else None,
                    "created_at": moments[1],
                }
            )

    def _broadcast(
        self,
        out: dict[str, list[dict[str, Any]]],
        cid: int,
        telegram_id: int,
        reachable: bool,
        updated_at: datetime,
    ) -> None:
        sent_at = max(self.now - timedelta(days=14), updated_at)
        failed = self.rng.random() < 0.02
        status = (
            NotificationStatus.UNREACHABLE
            if not reachable
            else NotificationStatus.FAILED
            if failed
            else NotificationStatus.SENT
        )
        self.broadcast[status] += 1
        out["notifications"].append(
            {
                "id": self.new_id("notifications"),
                "kind": "auto_message",
                "recipient_chat_id": telegram_id,
                "candidate_id": cid,
                "booking_id": None,
                "auto_message_id": 1,
                "payload": {"text": "Мы открыли новые вакансии — загляните!"},
                "due_at": sent_at,
                "status": status,
                "attempts": 1 if status is NotificationStatus.SENT else 5,
                "last_error": None if status is NotificationStatus.SENT else "Forbidden: blocked",
                "dedupe_key": f"auto:1:{cid}",
                "locked_by": None,
                "locked_until": None,
                "sent_at": sent_at if status is NotificationStatus.SENT else None,
                "created_at": sent_at,
            }
        )


def _batches(rows: list[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def _insert(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> int:
    for batch in _batches(rows):
        await conn.execute(insert(table), batch)
    return len(rows)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


async def _tests(engine: AsyncEngine, now: datetime) -> dict[str, Any]:
    """The two tests with the original questions, through the ORM; their question ids."""
    async with create_session_factory(engine)() as session:
        screening = Test(
            kind=TestKind.SCREENING,
            title="Test 1",
            pass_percent=0,
            questions=screening_questions(),
            created_at=now - timedelta(days=PAST_DAYS + 30),
        )
        knowledge = Test(
            kind=TestKind.KNOWLEDGE,
            title="Test 2",
            pass_percent=75,
            default_max_attempts=3,
            default_time_limit_seconds=120,
            questions=knowledge_questions(),
            created_at=now - timedelta(days=PAST_DAYS + 30),
        )
        session.add_all([screening, knowledge])
        await session.commit()
        return {test.kind.value: (test.id, _answers(test)) for test in (screening, knowledge)}


def _answers(test: Test) -> list[tuple[int, str, str]]:
    """Each question's id with a right and a wrong option value (empty for free text)."""
    found = []
    for question in test.questions:
        values = [(bool(o.get("correct")), str(o["value"])) for o in question.options]
        right = next((v for ok, v in values if ok), "")
        wrong = next((v for ok, v in values if not ok), "")
        found.append((question.id, right, wrong))
    return found


async def _move_sequences(conn: AsyncConnection, tables: Sequence[str]) -> None:
    """PostgreSQL: move the id sequences past the explicit ids."""
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )


async def _settle(engine: AsyncEngine) -> None:
    """PostgreSQL: vacuumed and analysed, as autovacuum would soon do (and otherwise does in
    the middle of the measurements)."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))


async def fill(
    engine: AsyncEngine, candidates: int, seed: int = 1, now: datetime | None = None
) -> DatasetInfo:
    """Migrate an empty database and fill it with `candidates` candidates and all around them."""
    started = time.perf_counter()
    await upgrade(engine)
    async with engine.connect() as conn:
        if await conn.scalar(select(func.count()).select_from(City)):
            raise DatabaseNotEmpty("the database already has cities; fill needs an empty one")
    now = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    gen = _Generator(candidates, seed, now, await _tests(engine, now))
    recruiters, links = gen.recruiter_rows()
    async with engine.begin() as conn:
        await _insert(conn, _table("cities"), gen.cities())
        await _insert(conn, _table("recruiters"), recruiters)
        await _insert(conn, recruiter_cities, links)
        await _insert(
            conn,
            _table("auto_messages"),
            [
                {
                    "id": 1,
                    "name": "Новые вакансии",
                    "kind": AutoMessageKind.BROADCAST,
                    "trigger": None,
                    "trigger_after_hours": None,
                    "template_key": "broadcast",
                    "audience": {"city_ids": [1, 2, 3]},
                    "send_at": now - timedelta(days=14),
                    "quiet_start_hour": 22,
                    "quiet_end_hour": 8,
                    "state": AutoMessageState.DONE,
                    "queued_count": 0,
                    "sent_count": 0,
                    "failed_count": 0,
                    "unreachable_count": 0,
                    "created_at": now - timedelta(days=15),
                }
            ],
        )
    rows: Counter[str] = Counter(
        {"cities": len(CITIES), "recruiters": RECRUITERS, "recruiter_cities": len(links)}
    )
    by_status: Counter[str] = Counter()
    for first in range(1, candidates + 1, CHUNK):
        chunk = gen.chunk(first, min(CHUNK, candidates - first + 1))
        by_status.update(c["status"].value for c in chunk["candidates"])
        async with engine.begin() as conn:
            for name in PER_CANDIDATE:
                rows[name] += await _insert(conn, _table(name), chunk[name])
    # Recruiters open more times than get booked: a third again.
    free = gen.free_slots(max(20, rows["bookings"] // 3))
    async with engine.begin() as conn:
        rows["slots"] += await _insert(conn, _table("slots"), free)
        await conn.execute(
            _table("auto_messages")
            .update()
            .values(
                queued_count=sum(gen.broadcast.values()),
                sent_count=gen.broadcast[NotificationStatus.SENT],
                failed_count=gen.broadcast[NotificationStatus.FAILED],
                unreachable_count=gen.broadcast[NotificationStatus.UNREACHABLE],
            )
        )
        await _move_sequences(
            conn,
            (
                "cities",
                "recruiters",
                "auto_messages",
                "tests",
                "test_questions",
                *PER_CANDIDATE,
            ),
        )
    await _settle(engine)
    busiest = gen.slot_load.most_common(1)[0][0] if gen.slot_load else 1
    return DatasetInfo(
        candidates=candidates,
        rows=dict(rows),
        seconds=time.perf_counter() - started,
        now=now,
        by_status=dict(by_status),
        biggest_city_id=1,
        busiest_recruiter_id=busiest,
    )


def remove_sqlite_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def fill_url(url: str, candidates: int, seed: int = 1) -> DatasetInfo:
    """`fill` on a database given by its URL."""
    engine = create_engine(url)
    try:
        return await fill(engine, candidates, seed)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default="",
        help=f"an EMPTY database (default: a new SQLite file {DEFAULT_PATH})",
    )
    args = parser.parse_args(argv)
    url = args.database_url
    if not url:
        remove_sqlite_file(DEFAULT_PATH)
        url = f"sqlite+aiosqlite:///{DEFAULT_PATH}"
    info = asyncio.run(fill_url(url, args.candidates, args.seed))
    print(f"database   {url}")
    print(f"filled in  {info.seconds:.1f} s")
    for name, count in sorted(info.rows.items()):
        print(f"{name:<26} {count:>10,}")
    print("candidates by status:")
    for status, count in sorted(info.by_status.items(), key=lambda kv: -kv[1]):
        print(f"  {status:<24} {count:>8,}")


if __name__ == "__main__":
    main()

"""storage.repositories.reports: the counts behind the dashboard, each limited as asked, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.enums import BookingStatus, CandidateStatus, NotificationStatus, SlotPurpose
from storage.models import Booking, Candidate, CandidateStatusChange, City, Recruiter
from storage.models.candidate import milestones_of
from storage.repositories.reports import ZoneWindow
from storage.uow import UnitOfWork
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

S = CandidateStatus
B = BookingStatus
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
INTERVIEW, INTRO_DAY = SlotPurpose.INTERVIEW, SlotPurpose.INTRO_DAY


async def _booking(
    uow: UnitOfWork,
    recruiter: Recruiter,
    city: City,
    candidate: Candidate,
    status: BookingStatus,
    starts_at: datetime | None = None,
    purpose: SlotPurpose = INTERVIEW,
) -> Booking:
    slot = await make_slot(uow, recruiter, city, starts_at, purpose)
    booking = uow.bookings.add(
        Booking(slot_id=slot.id, candidate_id=candidate.id, purpose=purpose, status=status)
    )
    await uow.session.flush()
    return booking


async def test_candidates_counted_by_milestones_and_by_status_within_cities(
    storage: Storage,
) -> None:
    hired = milestones_of([S.SCREENING_PASSED, S.HIRED])
    screened = milestones_of([S.SCREENING_PASSED])
    async with storage.uow() as uow:
        kazan, samara = await make_city(uow), await make_city(uow)
        for city, status, milestones in (
            (kazan, S.HIRED, hired),
            (kazan, S.HIRED, hired),
            (kazan, S.SCREENING_PASSED, screened),
            (samara, S.HIRED, hired),
        ):
            await make_candidate(uow, city, status=status, milestones=milestones)
        await uow.commit()
    async with storage.uow() as uow:
        everywhere = await uow.reports.milestone_groups(None)
        in_kazan = await uow.reports.milestone_groups(frozenset({kazan.id}))
        assert dict(everywhere) == {hired: 3, screened: 1}
        assert dict(in_kazan) == {hired: 2, screened: 1}
        by_status = await uow.reports.candidates_by_status(None)
        assert dict(by_status) == {S.HIRED: 3, S.SCREENING_PASSED: 1}
        assert dict(await uow.reports.candidates_by_status(frozenset({samara.id}))) == {S.HIRED: 1}
        assert await uow.reports.candidates_by_status(frozenset()) == []


async def test_bookings_counted_by_status_for_one_purpose_within_cities(storage: Storage) -> None:
    async with storage.uow() as uow:
        kazan, samara = await make_city(uow), await make_city(uow)
        recruiter = await make_recruiter(uow, kazan, samara)
        for city, status, purpose in (
            (kazan, B.ATTENDED, INTERVIEW),
            (kazan, B.ATTENDED, INTERVIEW),
            (kazan, B.NO_SHOW, INTERVIEW),
            (kazan, B.CANCELED, INTERVIEW),
            (kazan, B.ATTENDED, INTRO_DAY),
            (samara, B.NO_SHOW, INTERVIEW),
        ):
            candidate = await make_candidate(uow, city)
            await _booking(uow, recruiter, city, candidate, status, purpose=purpose)
        await uow.commit()
    held = (B.ATTENDED, B.NO_SHOW)
    async with storage.uow() as uow:
        everywhere = await uow.reports.bookings_by_status(INTERVIEW, held, None)
        in_kazan = await uow.reports.bookings_by_status(INTERVIEW, held, frozenset({kazan.id}))
        intro_days = await uow.reports.bookings_by_status(INTRO_DAY, held, None)
    assert dict(everywhere) == {B.ATTENDED: 2, B.NO_SHOW: 2}
    assert dict(in_kazan) == {B.ATTENDED: 2, B.NO_SHOW: 1}
    assert dict(intro_days) == {B.ATTENDED: 1}


async def test_reached_and_met_pairs_the_first_change_with_the_earliest_meeting(
    storage: Storage,
) -> None:
    since = NOW - 10 * DAY
    async with storage.uow() as uow:
        kazan, samara = await make_city(uow), await make_city(uow)
        recruiter = await make_recruiter(uow, kazan, samara)
        first, second, unscreened = [await make_candidate(uow, kazan) for _ in range(3)]
        elsewhere = await make_candidate(uow, samara)
        for who, status, at in (
            (first, S.SCREENING_PASSED, NOW - 9 * DAY),
            (first, S.SCREENING_PASSED, NOW - 8 * DAY),  # again, later: the first counts
            (second, S.SCREENING_PASSED, NOW - 7 * DAY),
            (unscreened, S.INTERVIEW_REQUESTED, NOW - 7 * DAY),
            (elsewhere, S.SCREENING_PASSED, NOW - 7 * DAY),
        ):
            uow.session.add(
                CandidateStatusChange(
                    candidate_id=who.id, to_status=status, actor="t", created_at=at
                )
            )
        for who, city, status, starts, purpose in (
            (first, kazan, B.ATTENDED, NOW - 20 * DAY, INTERVIEW),  # before `since`
            (first, kazan, B.NO_SHOW, NOW - 6 * DAY, INTERVIEW),  # did not come
            (first, kazan, B.ATTENDED, NOW - 4 * DAY, INTRO_DAY),  # not an interview
            (first, kazan, B.ATTENDED, NOW - 5 * DAY, INTERVIEW),
            (first, kazan, B.ATTENDED, NOW - 3 * DAY, INTERVIEW),
            (second, kazan, B.ATTENDED, NOW - 2 * DAY, INTERVIEW),
            (unscreened, kazan, B.ATTENDED, NOW - 2 * DAY + HOUR, INTERVIEW),
            (elsewhere, samara, B.ATTENDED, NOW - 2 * DAY + 2 * HOUR, INTERVIEW),
        ):
            await _booking(uow, recruiter, city, who, status, starts, purpose)
        await uow.commit()

    async def pairs(
        city_ids: frozenset[int] | None, limit: int = 100
    ) -> list[tuple[datetime, ...]]:
        async with storage.uow() as uow:
            found = await uow.reports.reached_and_met(
                reached=S.SCREENING_PASSED,
                purpose=INTERVIEW,
                booking_status=B.ATTENDED,
                since=since,
                city_ids=city_ids,
                limit=limit,
            )
        return sorted(tuple(pair) for pair in found)

    in_kazan = [(NOW - 9 * DAY, NOW - 5 * DAY), (NOW - 7 * DAY, NOW - 2 * DAY)]
    assert await pairs(frozenset({kazan.id})) == in_kazan
    assert await pairs(None) == [*in_kazan, (NOW - 7 * DAY, NOW - 2 * DAY + 2 * HOUR)]
    assert len(await pairs(None, limit=1)) == 1


async def test_time_zones_in_use_are_each_listed_once(storage: Storage) -> None:
    async with storage.uow() as uow:
        assert await uow.cities.time_zones_in_use() == []
        for zone in ("Europe/Moscow", "Asia/Vladivostok", "Europe/Moscow"):
            await make_city(uow, timezone=zone)
        await uow.commit()
    async with storage.uow() as uow:
        assert sorted(await uow.cities.time_zones_in_use()) == [
            "Asia/Vladivostok",
            "Europe/Moscow",
        ]


async def test_meetings_are_those_inside_their_own_zones_window(storage: Storage) -> None:
    moscow_day = ZoneWindow("Europe/Moscow", NOW, NOW + 8 * HOUR)
    vladivostok_day = ZoneWindow("Asia/Vladivostok", NOW - 7 * HOUR, NOW + HOUR)
    async with storage.uow() as uow:
        moscow = await make_city(uow, "Moscow", timezone="Europe/Moscow")
        vladivostok = await make_city(uow, "Vladivostok", timezone="Asia/Vladivostok")
        anna = await make_recruiter(uow, moscow, vladivostok, name="Anna")
        oleg = await make_recruiter(uow, moscow, name="Oleg")
        plan = (
            ("at the start", anna, moscow, B.CONFIRMED, NOW),
            ("later that day", oleg, moscow, B.PENDING, NOW + 2 * HOUR),
            ("cancelled", anna, moscow, B.CANCELED, NOW + 3 * HOUR),
            ("at the end", anna, moscow, B.APPROVED, NOW + 8 * HOUR),
            ("vladivostok's evening", anna, vladivostok, B.ATTENDED, NOW - HOUR),
            ("vladivostok's tomorrow", anna, vladivostok, B.CONFIRMED, NOW + 2 * HOUR),
        )
        for name, recruiter, city, status, starts in plan:
            person = await make_candidate(uow, city, full_name=name)
            await _booking(uow, recruiter, city, person, status, starts)
        await uow.commit()

    async def names(
        city_ids: frozenset[int] | None = None, recruiter_id: int | None = None, limit: int = 10
    ) -> list[str | None]:
        async with storage.uow() as uow:
            found = await uow.reports.meetings(
                [moscow_day, vladivostok_day],
                excluding=(B.CANCELED, B.DECLINED, B.EXPIRED),
                city_ids=city_ids,
                recruiter_id=recruiter_id,
                limit=limit,
            )
        return [m.candidate for m in found]

    assert await names() == ["vladivostok's evening", "at the start", "later that day"]
    assert await names(city_ids=frozenset({moscow.id})) == ["at the start", "later that day"]
    assert await names(recruiter_id=oleg.id) == ["later that day"]
    assert await names(limit=1) == ["vladivostok's evening"]
    async with storage.uow() as uow:
        [first] = await uow.reports.meetings(
            [vladivostok_day], excluding=(), city_ids=None, recruiter_id=None, limit=10
        )
        none = await uow.reports.meetings(
            [], excluding=(), city_ids=None, recruiter_id=None, limit=10
        )
    assert first.starts_at == NOW - HOUR
    assert (first.recruiter, first.city, first.timezone, first.status) == (
        "Anna",
        "Vladivostok",
        "Asia/Vladivostok",
        B.ATTENDED,
    )
    assert none == []


async def test_notifications_counted_by_status_with_how_many_are_due(storage: Storage) -> None:
    async with storage.uow() as uow:
        rows = [
            (NotificationStatus.PENDING, NOW - HOUR),
            (NotificationStatus.PENDING, NOW),  # due at this very moment
            (NotificationStatus.PENDING, NOW + HOUR),
            (NotificationStatus.FAILED, NOW - DAY),
            (NotificationStatus.FAILED, NOW + DAY),
            (NotificationStatus.SENT, NOW - DAY),
        ]
        await uow.notifications.enqueue(
            [
                {
                    "kind": "test",
                    "recipient_chat_id": 1,
                    "due_at": due,
                    "dedupe_key": f"k{n}",
                    "status": status,
                }
                for n, (status, due) in enumerate(rows)
            ]
        )
        await uow.commit()
    async with storage.uow() as uow:
        counts = await uow.reports.notifications_by_status(
            (NotificationStatus.PENDING, NotificationStatus.FAILED), due_by=NOW
        )
        nothing = await uow.reports.notifications_by_status((NotificationStatus.HELD,), due_by=NOW)
    assert sorted(counts) == [(NotificationStatus.FAILED, 2, 1), (NotificationStatus.PENDING, 3, 2)]
    assert nothing == []

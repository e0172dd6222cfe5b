"""The queries behind auto-messages: whom a filter reaches, and the outbox rows a message
queued; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.enums import (
    AutoMessageKind,
    AutoMessageState,
    BookingStatus,
    CandidateStatus,
    NotificationStatus,
    SlotPurpose,
)
from storage.models import AutoMessage, Booking, CandidateStatusChange, WaitlistEntry
from storage.repositories.auto_messages import RecipientFilter
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

DAY = timedelta(days=1)
PASSED, NO_SHOW, NEW = (
    CandidateStatus.SCREENING_PASSED,
    CandidateStatus.NO_SHOW,
    CandidateStatus.NEW,
)
# name: city, status, source, reachable, status changes (days ago), booking, waiting (days)
PEOPLE: dict[str, tuple[Any, ...]] = {
    "old_from_hh": ("moscow", PASSED, "hh", True, (2,), None, None),
    "recent": ("moscow", PASSED, "site", True, (1 / 12,), None, None),
    "blocked": ("moscow", PASSED, "hh", False, (2,), None, None),
    "booked": ("moscow", PASSED, None, True, (2,), BookingStatus.PENDING, None),
    "canceled": ("moscow", PASSED, None, True, (2,), BookingStatus.CANCELED, None),
    "missed_long_ago": ("siberia", NO_SHOW, None, True, (5, 3), None, None),
    "missed_just_now": ("siberia", NO_SHOW, None, True, (5, 1 / 24), None, None),
    "waiting_long": (None, NEW, None, True, (), None, 2),
    "waiting_briefly": (None, NEW, None, True, (), None, 1 / 24),
}


async def _world(storage: Storage) -> dict[str, int]:
    """The people above; "old_from_hh" registered ten days ago, the others now."""
    async with storage.uow() as uow:
        cities = {
            "moscow": await make_city(uow, timezone="Europe/Moscow"),
            "siberia": await make_city(uow, timezone="Asia/Novosibirsk"),
        }
        recruiter = await make_recruiter(uow, cities["moscow"])
        ids = {name: city.id for name, city in cities.items()}
        for name, (city, status, source, reachable, changes, booking, waiting) in PEOPLE.items():
            person = await make_candidate(
                uow,
                cities.get(city),
                full_name=name,
                status=status,
                source=source,
                reachable=reachable,
                created_at=NOW - 10 * DAY if name == "old_from_hh" else NOW,
            )
            ids[name] = person.id
            uow.session.add_all(
                CandidateStatusChange(
                    candidate_id=person.id, to_status=status, actor="test", created_at=NOW - d * DAY
                )
                for d in changes
            )
            if booking is not None:
                slot = await make_slot(uow, recruiter, cities["moscow"])
                uow.bookings.add(
                    Booking(
                        slot_id=slot.id,
                        candidate_id=person.id,
                        purpose=SlotPurpose.INTERVIEW,
                        status=booking,
                    )
                )
            if waiting is not None:
                uow.waitlist.add(
                    WaitlistEntry(
                        candidate_id=person.id,
                        city_id=cities["moscow"].id,
                        purpose=SlotPurpose.INTERVIEW,
                        created_at=NOW - waiting * DAY,
                    )
                )
        await uow.commit()
    return ids


async def _reached(storage: Storage, ids: dict[str, int], where: RecipientFilter) -> list[str]:
    """Everyone the filter reaches, read two at a time, by name in id order."""
    names = {candidate_id: name for name, candidate_id in ids.items() if name in PEOPLE}
    reached: list[str] = []
    async with storage.uow() as uow:
        last = 0
        while batch := await uow.auto_messages.recipients(where, after_id=last, limit=2):
            assert len(batch) <= 2
            reached += [names[candidate.id] for candidate, _ in batch]
            last = batch[-1][0].id
    return reached


async def test_a_filter_reaches_the_reachable_candidates_meeting_all_its_bounds(
    storage: Storage,
) -> None:
    ids = await _world(storage)
    everyone = [name for name in PEOPLE if name != "blocked"]
    assert await _reached(storage, ids, RecipientFilter()) == everyone
    in_moscow = RecipientFilter(city_ids=[ids["moscow"]])
    assert await _reached(storage, ids, in_moscow) == [
        "old_from_hh",
        "recent",
        "booked",
        "canceled",
    ]
    assert await _reached(storage, ids, RecipientFilter(statuses=["no_show", "new"])) == [
        "missed_long_ago",
        "missed_just_now",
        "waiting_long",
        "waiting_briefly",
    ]
    assert await _reached(storage, ids, RecipientFilter(source="hh")) == ["old_from_hh"]
    before = RecipientFilter(registered_to=NOW - DAY)
    assert await _reached(storage, ids, before) == ["old_from_hh"]
    since = RecipientFilter(registered_from=NOW - 10 * DAY, registered_to=NOW - 10 * DAY)
    assert await _reached(storage, ids, since) == []  # from is inclusive, to is not
    assert await _reached(storage, ids, RecipientFilter(registered_from=NOW)) == everyone[1:]


async def test_trigger_conditions_look_at_the_last_change_bookings_and_the_waitlist(
    storage: Storage,
) -> None:
    ids = await _world(storage)
    cutoff = NOW - DAY
    unbooked = RecipientFilter(status=PASSED, status_changed_by=cutoff, without_active_booking=True)
    assert await _reached(storage, ids, unbooked) == ["old_from_hh", "canceled"]
    missed = RecipientFilter(status=NO_SHOW, status_changed_by=cutoff)
    assert await _reached(storage, ids, missed) == ["missed_long_ago"]
    waited = RecipientFilter(waiting_since_by=cutoff)
    assert await _reached(storage, ids, waited) == ["waiting_long"]
    narrowed = RecipientFilter(city_ids=[ids["siberia"]], status=PASSED, status_changed_by=cutoff)
    assert await _reached(storage, ids, narrowed) == []


async def test_recipients_come_with_their_citys_time_zone(storage: Storage) -> None:
    ids = await _world(storage)
    async with storage.uow() as uow:
        batch = await uow.auto_messages.recipients(RecipientFilter(), after_id=0, limit=100)
    zones = {candidate.id: zone for candidate, zone in batch}
    assert zones[ids["recent"]] == "Europe/Moscow"
    assert zones[ids["missed_long_ago"]] == "Asia/Novosibirsk"
    assert zones[ids["waiting_long"]] is None


async def _messages(storage: Storage, count: int) -> list[int]:
    async with storage.uow() as uow:
        messages = await uow.auto_messages.add_many(
            AutoMessage(
                name=f"m{i}",
                kind=AutoMessageKind.BROADCAST,
                template_key="custom",
                state=AutoMessageState.DONE,
            )
            for i in range(count)
        )
        await uow.commit()
    return [m.id for m in messages]


async def test_the_newest_messages_come_first(storage: Storage) -> None:
    first, second, third = await _messages(storage, 3)
    async with storage.uow() as uow:
        assert [m.id for m in await uow.auto_messages.newest(2)] == [third, second]
        assert [m.id for m in await uow.auto_messages.newest(10)] == [third, second, first]


async def test_a_messages_outbox_rows_are_counted_held_and_released(storage: Storage) -> None:
    paused, other, silent = await _messages(storage, 3)
    statuses = (
        (paused, NotificationStatus.PENDING),
        (paused, NotificationStatus.PENDING),
        (paused, NotificationStatus.SENT),
        (other, NotificationStatus.PENDING),
    )
    async with storage.uow() as uow:
        await uow.notifications.enqueue(
            [
                {
                    "kind": "auto_message",
                    "recipient_chat_id": 100 + n,
                    "auto_message_id": message_id,
                    "due_at": NOW,
                    "dedupe_key": f"auto:{message_id}:{n}",
                    "status": status,
                }
                for n, (message_id, status) in enumerate(statuses)
            ]
        )
        await uow.commit()

    async def counted() -> set[tuple[int, NotificationStatus, int]]:
        async with storage.uow() as uow:
            return set(await uow.auto_messages.count_queued([paused, other, silent]))

    assert await counted() == {
        (paused, NotificationStatus.PENDING, 2),
        (paused, NotificationStatus.SENT, 1),
        (other, NotificationStatus.PENDING, 1),
    }
    async with storage.uow() as uow:
        await uow.auto_messages.move_queued(
            paused,
            [NotificationStatus.PENDING, NotificationStatus.SENDING],
            NotificationStatus.HELD,
        )
        assert uow.has_writes_to("notifications")  # the sender hears of it after the commit
        await uow.commit()
    assert await counted() == {
        (paused, NotificationStatus.HELD, 2),
        (paused, NotificationStatus.SENT, 1),
        (other, NotificationStatus.PENDING, 1),
    }
    async with storage.uow() as uow:
        await uow.auto_messages.move_queued(
            paused, [NotificationStatus.HELD], NotificationStatus.PENDING
        )
        await uow.commit()
    assert (paused, NotificationStatus.PENDING, 2) in await counted()
    async with storage.uow() as uow:
        assert await uow.auto_messages.count_queued([silent]) == []

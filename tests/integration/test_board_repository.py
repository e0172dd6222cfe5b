"""storage.repositories.board: the pipeline board's counts per status, the newest cards of each
status in one windowed statement, each card's next active booking and unread messages, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from core.enums import BookingStatus, CandidateStatus, InboundKind, SlotPurpose
from storage.models import Booking, InboundMessage
from storage.repositories.candidate_search import CandidateCriteria
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot
from tests.support.query_counter import count_queries

S = CandidateStatus
HOUR = timedelta(hours=1)


async def test_counts_and_the_newest_of_each_status(storage: Storage) -> None:
    async with storage.uow() as uow:
        kazan, samara = await make_city(uow, "Kazan"), await make_city(uow, "Samara")
        new = [
            await make_candidate(uow, kazan, status=S.NEW, created_at=NOW - n * HOUR)
            for n in range(4)
        ]
        hired = await make_candidate(uow, kazan, status=S.HIRED, created_at=NOW - 9 * HOUR)
        far = await make_candidate(uow, samara, status=S.NEW, created_at=NOW + HOUR)
        await uow.commit()
    async with storage.uow() as uow:
        everyone = CandidateCriteria()
        assert await uow.board.counts(everyone) == {S.NEW: 5, S.HIRED: 1}
        with count_queries(storage.engine) as statements:
            cards = await uow.board.newest(everyone, 2)
        assert len(statements) == 1
        assert [(c.id, c.status) for c in cards if c.status is S.NEW] == [
            (far.id, S.NEW),
            (new[0].id, S.NEW),
        ]
        assert [c.id for c in cards if c.status is S.HIRED] == [hired.id]
        assert {c.city for c in cards} == {"Kazan", "Samara"}
        own = CandidateCriteria(city_ids=frozenset({kazan.id}))
        assert await uow.board.counts(own) == {S.NEW: 4, S.HIRED: 1}
        assert far.id not in [c.id for c in await uow.board.newest(own, 50)]
        chosen = CandidateCriteria(candidate_ids=frozenset({new[1].id, hired.id}))
        assert await uow.board.counts(chosen) == {S.NEW: 1, S.HIRED: 1}


async def test_the_next_active_booking_and_the_unread_messages(storage: Storage) -> None:
    async with storage.uow() as uow:
        kazan = await make_city(uow, "Kazan", timezone="Europe/Moscow")
        samara = await make_city(uow, "Samara", timezone="Europe/Samara")
        anna = await make_recruiter(uow, kazan, samara)
        ivan = await make_candidate(uow, kazan)
        maria = await make_candidate(uow, kazan)
        past = await make_slot(uow, anna, kazan, starts_at=NOW - HOUR)
        soon = await make_slot(uow, anna, samara, starts_at=NOW + 2 * HOUR)
        later = await make_slot(
            uow, anna, kazan, starts_at=NOW + 48 * HOUR, purpose=SlotPurpose.INTRO_DAY
        )
        gone = await make_slot(uow, anna, kazan, starts_at=NOW + HOUR)
        for slot, who, status in (
            (past, maria, BookingStatus.CONFIRMED),  # before now: not next
            (soon, ivan, BookingStatus.APPROVED),
            (later, ivan, BookingStatus.PENDING),
            (gone, maria, BookingStatus.CANCELED),  # not active
        ):
            uow.session.add(
                Booking(slot_id=slot.id, candidate_id=who.id, purpose=slot.purpose, status=status)
            )
        for n, read in enumerate((None, None, NOW)):
            uow.session.add(
                InboundMessage(
                    candidate_id=ivan.id,
                    kind=InboundKind.TEXT,
                    text=f"#{n}",
                    created_at=NOW - HOUR,
                    read_at=read,
                )
            )
        await uow.commit()
    async with storage.uow() as uow:
        nexts = await uow.board.next_bookings([ivan.id, maria.id], NOW)
        assert list(nexts) == [ivan.id]
        assert nexts[ivan.id].starts_at == NOW + 2 * HOUR
        assert nexts[ivan.id].timezone == "Europe/Samara"  # the slot's city's zone
        assert await uow.board.unread([ivan.id, maria.id]) == {ivan.id: 2}
        assert await uow.board.next_bookings([], NOW) == {}
        assert await uow.board.unread([]) == {}

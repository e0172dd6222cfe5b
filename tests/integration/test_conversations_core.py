"""The conversation's rules, on SQLite and PostgreSQL: who answers for a candidate, what is
unread and for whom, notes and tags, and the thread both directions make."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import InboundKind, NotificationStatus
from core.errors import InvalidField, NotFound
from core.result import Failure, Success
from domain.bookings.booking import Messaging, book_slot
from domain.conversations.inbox import (
    Inbound,
    mark_read,
    record_inbound,
    unread_count,
    unread_threads,
)
from domain.conversations.notes import add_note, notes_of
from domain.conversations.replies import BLOCKED, send_reply
from domain.conversations.routing import answering_recruiters, recruiter_may_see
from domain.conversations.tags import add_tag, all_tags, remove_tag, tags_of, tags_of_candidates
from domain.conversations.thread import thread_messages
from domain.messaging.texts import Catalog
from domain.pipeline.directory import CandidateFilter, search_candidates
from domain.scheduling.picker import BookingRules
from storage.models import AuditLogEntry, Candidate
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

clock = FrozenClock(NOW)
catalog = Catalog.load("en")


async def _said(storage: Storage, candidate: Candidate, words: str, minutes: int = 0) -> None:
    at = FrozenClock(NOW + timedelta(minutes=minutes))
    async with storage.uow() as uow:
        await record_inbound(uow, at, candidate, Inbound(InboundKind.TEXT, words))
        await uow.commit()


async def test_the_booking_recruiter_answers_else_the_citys_linked_recruiters_else_nobody(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow, requires_approval=False)
        first = await make_recruiter(uow, city, name="A First", telegram_chat_id=901)
        second = await make_recruiter(uow, city, name="B Second", telegram_chat_id=902)
        await make_recruiter(uow, city, name="C Unlinked", telegram_chat_id=None)
        await make_recruiter(uow, city, name="D Off", telegram_chat_id=904, active=False)
        slot = await make_slot(uow, second, city)
        booked = await make_candidate(uow, city)
        waiting = await make_candidate(uow, city)
        cityless = await make_candidate(uow, None)
        await uow.commit()
    messaging = Messaging(catalog, clock, BookingRules())
    async with storage.uow() as uow:
        made = await book_slot(uow, messaging, candidate_id=booked.id, slot_id=slot.id)
        assert isinstance(made, Success)
    async with storage.uow() as uow:
        assert [r.id for r in await answering_recruiters(uow, booked)] == [second.id]
        assert [r.id for r in await answering_recruiters(uow, waiting)] == [first.id, second.id]
        assert await answering_recruiters(uow, cityless) == []
        assert await recruiter_may_see(uow, first.id, waiting)
        assert not await recruiter_may_see(uow, first.id, cityless)


async def test_unread_messages_are_counted_per_scope_and_opening_the_thread_reads_them(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        kazan, omsk = await make_city(uow), await make_city(uow)
        anna = await make_candidate(uow, kazan, full_name="Anna")
        oleg = await make_candidate(uow, omsk, full_name="Oleg")
        nobody = await make_candidate(uow, None, full_name="No City")
        await uow.commit()
    await _said(storage, oleg, "first, and longest waiting", 0)
    await _said(storage, anna, "one", 5)
    await _said(storage, anna, "two", 6)
    await _said(storage, nobody, "where am I?", 7)
    async with storage.uow() as uow:
        assert await unread_count(uow, None) == 4
        assert await unread_count(uow, {kazan.id}) == 2
        page = await unread_threads(uow, None, 1)
        assert [(t.candidate_name, t.unread) for t in page.rows] == [
            ("Oleg", 1),
            ("Anna", 2),
            ("No City", 1),
        ]
        assert not page.has_next
        scoped = await unread_threads(uow, {kazan.id, omsk.id}, 1, per_page=1)
        assert [t.candidate_name for t in scoped.rows] == ["Oleg"] and scoped.has_next
    async with storage.uow() as uow:
        first = min(m.id for m in await uow.inbound_messages.of_candidate(anna.id, 10))
        # What was shown is read; a message that came after the page was built is not.
        assert await mark_read(uow, clock, anna.id, actor="recruiter:1", up_to=first) == 1
        assert await unread_count(uow, {kazan.id}) == 1
    async with storage.uow() as uow:
        assert await mark_read(uow, clock, anna.id, actor="recruiter:1") == 1
    async with storage.uow() as uow:
        assert await mark_read(uow, clock, anna.id, actor="recruiter:1") == 0
        assert await unread_count(uow, {kazan.id}) == 0
        assert await unread_count(uow, None) == 2


async def test_the_thread_holds_both_directions_in_order_with_the_writers_name(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city, name="Julia Weber")
        anna = await make_candidate(uow, city)
        await uow.commit()
    await _said(storage, anna, "Can I come at 9 instead?", 0)
    later = FrozenClock(NOW + timedelta(minutes=3))
    async with storage.uow() as uow:
        sent = await send_reply(
            uow, catalog, later, anna.id, "Yes, <9> works", actor=f"recruiter:{recruiter.id}"
        )
        assert isinstance(sent, Success)
    async with storage.uow() as uow:
        photo = Inbound(InboundKind.PHOTO, "my ID", file_id="AgAD", telegram_message_id=77)
        await record_inbound(uow, FrozenClock(NOW + timedelta(minutes=5)), anna, photo)
        await uow.commit()
    async with storage.uow() as uow:
        thread = await thread_messages(uow, anna)
    assert [(m.direction, m.kind) for m in thread] == [
        ("in", "text"),
        ("out", "panel_message"),
        ("in", "photo"),
    ]
    reply = thread[1]
    assert reply.author_kind == "recruiter" and reply.author_name == "Julia Weber"
    assert reply.text == "💬 <b>Julia Weber</b>:\nYes, &lt;9&gt; works"
    assert reply.status is NotificationStatus.PENDING
    assert thread[2].has_file and thread[2].text == "my ID" and not thread[2].read


async def test_a_reply_to_a_candidate_who_blocked_the_bot_or_out_of_scope_is_refused(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        gone = await make_candidate(uow, city, reachable=False)
        await uow.commit()
    async with storage.uow() as uow:
        blocked = await send_reply(uow, catalog, clock, gone.id, "hello", actor="admin:1")
        other_city = await send_reply(
            uow, catalog, clock, gone.id, "hello", actor="admin:1", city_ids=frozenset({-1})
        )
    assert isinstance(blocked, Failure) and isinstance(blocked.error, InvalidField)
    assert blocked.error.reason == BLOCKED
    assert isinstance(other_city, Failure) and isinstance(other_city.error, NotFound)


async def test_notes_are_kept_oldest_first_and_audited(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        anna = await make_candidate(uow, city)
        actor = f"recruiter:{(await make_recruiter(uow, city)).id}"
        await uow.commit()
    for minutes, words in ((0, "  Strong on the phone  "), (1, "Asked about night shifts")):
        async with storage.uow() as uow:
            at = FrozenClock(NOW + timedelta(minutes=minutes))
            assert isinstance(await add_note(uow, at, anna.id, words, actor=actor), Success)
    async with storage.uow() as uow:
        empty = await add_note(uow, clock, anna.id, "   ", actor=actor)
        assert isinstance(empty, Failure)
        notes = await notes_of(uow, anna.id)
        audit = (
            await uow.session.scalars(
                select(AuditLogEntry).where(AuditLogEntry.action == "add_note")
            )
        ).all()
    assert [n.text for n in notes] == ["Strong on the phone", "Asked about night shifts"]
    assert [(e.entity_id, e.details["length"]) for e in audit] == [
        (str(anna.id), 19),
        (str(anna.id), 24),
    ]


async def test_tags_fold_names_filter_the_list_and_its_count_follows(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        anna = await make_candidate(uow, city, full_name="Anna")
        oleg = await make_candidate(uow, city, full_name="Oleg")
        actor = f"recruiter:{(await make_recruiter(uow, city)).id}"
        await uow.commit()
    async with storage.uow() as uow:
        _, total = await search_candidates(uow, CandidateFilter(), None)
        assert total == 2  # counted (and kept) before any tag exists
    for candidate, raw in ((anna, " Night  shift "), (oleg, "night shift"), (anna, "#VIP")):
        async with storage.uow() as uow:
            assert isinstance(await add_tag(uow, candidate.id, raw, actor=actor), Success)
    async with storage.uow() as uow:
        again = await add_tag(uow, anna.id, "NIGHT SHIFT", actor=actor)
        assert isinstance(again, Success)
        bad = await add_tag(uow, anna.id, "a, b", actor=actor)
        assert isinstance(bad, Failure) and bad.error.field == "tag"
        assert await tags_of(uow, anna.id) == ["Night shift", "VIP"]
        # A page's tags in one query (an array of ids on PostgreSQL, an IN on SQLite): by name,
        # nothing for an id without tags (no such candidate here), pages of any length.
        page = [oleg.id, anna.id, anna.id + oleg.id]
        expected = {anna.id: ["Night shift", "VIP"], oleg.id: ["Night shift"]}
        assert await tags_of_candidates(uow, page) == expected
        assert await tags_of_candidates(uow, [anna.id]) == {anna.id: ["Night shift", "VIP"]}
        assert await tags_of_candidates(uow, []) == {}
        counts = {tag.name: n for tag, n in await all_tags(uow)}
        assert counts == {"Night shift": 2, "VIP": 1}
        vip = next(tag for tag, _ in await all_tags(uow) if tag.name == "VIP")
        rows, total = await search_candidates(uow, CandidateFilter(tag_id=vip.id), None)
        assert ([r.full_name for r in rows], total) == (["Anna"], 1)
    async with storage.uow() as uow:
        assert await remove_tag(uow, anna.id, "vip", actor=actor) == Success(True)
    async with storage.uow() as uow:
        assert await remove_tag(uow, anna.id, "vip", actor=actor) == Success(False)
        rows, total = await search_candidates(uow, CandidateFilter(tag_id=vip.id), None)
        assert (rows, total) == ([], 0)  # the cached count saw the tag go


async def test_many_people_tagging_at_once_make_one_tag_and_one_mark_each(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        people = [await make_candidate(uow, city) for _ in range(6)]
        actor = f"recruiter:{(await make_recruiter(uow, city)).id}"
        await uow.commit()

    async def tag(candidate: Candidate) -> None:
        async with storage.uow() as uow:
            assert isinstance(await add_tag(uow, candidate.id, "Rush", actor=actor), Success)

    # Everyone at once, and the first person twice more: one tag, one mark per person.
    await asyncio.gather(*(tag(c) for c in [*people, people[0], people[0]]))
    async with storage.uow() as uow:
        assert [(t.name, n) for t, n in await all_tags(uow)] == [("Rush", 6)]

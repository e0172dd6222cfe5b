"""The panel's candidates: the list with search, filters, sorting, pages and CSV; one candidate's
page and what can be done there; and what a recruiter account may not see."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus
from core.result import Success
from domain.bookings.booking import Messaging, book_slot
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import AuditLogEntry, Booking, CandidateStatusChange, Notification
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_candidate, make_recruiter, make_slot

XSS = "<script>alert('x')</script> Ivan"


@dataclass
class People:
    ivan: int  # Kazan, with a pending booking on Anna's slot
    maria: int  # Kazan
    sam: int  # Samara, with a booking on Boris's slot
    booking: int
    sam_booking: int


async def _people(panel: Panel) -> People:
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
        anna = await uow.recruiters.get(panel.anna_id)
        boris = await uow.recruiters.get(panel.boris_id)
        assert kazan and samara and anna and boris
        ivan = await make_candidate(
            uow, kazan, full_name=XSS, username="ivan_k", source="hh", created_at=NOW
        )
        maria = await make_candidate(
            uow,
            kazan,
            full_name="Мария Петрова",
            phone="+79990001122",
            status=CandidateStatus.NEW,
            created_at=NOW - timedelta(days=1),
        )
        sam = await make_candidate(
            uow, samara, full_name="Sam Samara", created_at=NOW - timedelta(days=2)
        )
        slots = [await make_slot(uow, anna, kazan), await make_slot(uow, boris, samara)]
        await uow.commit()
    messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
    bookings = []
    for candidate, slot in ((ivan, slots[0]), (sam, slots[1])):
        async with panel.storage.uow() as uow:
            booked = await book_slot(uow, messaging, candidate_id=candidate.id, slot_id=slot.id)
        assert isinstance(booked, Success)
        bookings.append(booked.value.id)
    return People(ivan.id, maria.id, sam.id, *bookings)


def _listed(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<a href="/candidates/(\d+)">', page)]


async def test_the_list_needs_a_login(panel: Panel) -> None:
    for path in ("/candidates", "/candidates.csv", "/candidates/1"):
        response = await panel.client.get(path, allow_redirects=False)
        assert response.status == 302
        assert response.headers["Location"] == "/login"


async def test_an_admin_lists_everyone_with_names_escaped(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    response = await panel.client.get("/candidates")
    assert response.status == 200
    page = await response.text()
    assert _listed(page) == [p.ivan, p.maria, p.sam]  # newest first
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Ivan" in page
    assert "<script>alert(" not in page
    assert '<span id="shown">1–3 of 3</span>' in page
    assert "Samara" in page


async def test_search_and_filters_narrow_the_list_and_are_kept_in_links(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    client = panel.client
    found = await (await client.get("/candidates", params={"q": "МАРИЯ"})).text()
    assert _listed(found) == [p.maria]
    assert 'value="МАРИЯ"' in found
    by_phone = await (await client.get("/candidates", params={"q": "999 000 11"})).text()
    assert _listed(by_phone) == [p.maria]
    query = {"city_id": str(panel.kazan_id), "status": "new"}
    filtered = await (await client.get("/candidates", params=query)).text()
    assert _listed(filtered) == [p.maria]
    assert re.search(rf'<option value="{panel.kazan_id}" selected>Kazan</option>', filtered)
    sort = re.search(
        r'id="sort-full_name" href="([^"]+)"|href="([^"]+)" id="sort-full_name"', filtered
    )
    assert sort is not None
    link = (sort.group(1) or sort.group(2)).replace("&amp;", "&")
    assert f"city_id={panel.kazan_id}" in link
    assert "status=new" in link
    assert "sort=full_name" in link
    csv_link = re.search(r'href="([^"]+)" id="export-csv"', filtered)
    assert csv_link is not None
    assert csv_link.group(1).replace("&amp;", "&") == (
        f"/candidates.csv?city_id={panel.kazan_id}&status=new"
    )
    by_source = await (await client.get("/candidates", params={"source": "hh"})).text()
    assert _listed(by_source) == [p.ivan]
    day = NOW.date().isoformat()
    today = {"created_from": day, "created_to": day}
    assert _listed(await (await client.get("/candidates", params=today)).text()) == [p.ivan]


async def test_sorting_and_pages_walk_the_list(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    client = panel.client
    by_name = await (await client.get("/candidates", params={"sort": "full_name"})).text()
    assert _listed(by_name) == [p.ivan, p.sam, p.maria]  # "<", "S", "М"
    assert 'id="sort-full_name">Name ▲' in by_name
    first = await (await client.get("/candidates", params={"limit": "2"})).text()
    assert _listed(first) == [p.ivan, p.maria]
    assert '<span id="shown">1–2 of 3</span>' in first
    assert 'id="previous"' not in first
    following = re.search(r'<a href="([^"]+)" id="next">', first)
    assert following is not None
    assert following.group(1).replace("&amp;", "&") == "/candidates?limit=2&offset=2"
    second = await (await client.get(following.group(1).replace("&amp;", "&"))).text()
    assert _listed(second) == [p.sam]
    assert '<span id="shown">3–3 of 3</span>' in second
    assert 'id="next"' not in second
    assert 'href="/candidates?limit=2" id="previous"' in second


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"offset": "-1"},
        {"limit": "abc"},
        {"limit": "100000"},
        {"sort": "password"},
        {"city_id": "kazan"},
        {"created_from": "2026-13-45"},
        {"created_from": "2026-01-02", "created_to": "2026-01-01"},
        {"created_to": "9999-12-31"},  # a day after it would overflow
        {"q": "x" * 101},
    ],
)
async def test_bad_query_values_are_left_out_with_a_note_never_a_crash(
    panel: Panel, query: dict[str, str]
) -> None:
    p = await _people(panel)
    await panel.login()
    response = await panel.client.get("/candidates", params=query)
    assert response.status == 200
    page = await response.text()
    note = re.search(r'<p class="error" id="filter-errors">([^<]+)</p>', page)
    assert note is not None
    bad = next(iter(query)) if len(query) == 1 else "created_to"
    assert bad in note.group(1)
    if bad not in ("offset", "limit", "sort"):  # those have no field of their own
        assert f'<div class="error" id="{bad}-error">' in page
    assert _listed(page) == [p.ivan, p.maria, p.sam]


async def test_a_recruiter_sees_only_their_cities(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login("rec")
    client = panel.client
    page = await (await client.get("/candidates")).text()
    assert _listed(page) == [p.ivan, p.maria]
    assert "Sam Samara" not in page
    assert f'<option value="{panel.samara_id}"' not in page
    assert f'<option value="{panel.kazan_id}"' in page
    asked = {"city_id": str(panel.samara_id)}
    assert _listed(await (await client.get("/candidates", params=asked)).text()) == []
    assert (await client.get(f"/candidates/{p.sam}")).status == 404
    assert (await client.get(f"/candidates/{p.ivan}")).status == 200
    exported = await (await client.get("/candidates.csv")).text()
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    ids = [int(row[0]) for row in rows[1:]]
    assert sorted(ids) == sorted([p.ivan, p.maria])


async def test_the_csv_is_an_attachment_with_the_filtered_list(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    response = await panel.client.get("/candidates.csv", params={"q": "iva", "limit": "1"})
    assert response.status == 200
    assert response.content_type == "text/csv"
    assert response.charset == "utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="candidates-2026-12-01.csv"'
    body = await response.text()
    assert body.startswith("\ufeffid,telegram_id,full_name,")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert [int(r[0]) for r in rows[1:]] == [p.ivan]
    assert rows[1][2] == XSS  # a file, not a page: the name as it is
    everyone = await (await panel.client.get("/candidates.csv")).text()
    assert len(list(csv.reader(io.StringIO(everyone)))) == 4
    refused = await panel.client.get("/candidates.csv", params={"status": "bogus"})
    assert refused.status == 400


async def test_a_candidates_page_shows_their_story(panel: Panel) -> None:
    p = await _people(panel)
    async with panel.storage.uow() as uow:
        candidate = await uow.candidates.get(p.ivan)
        assert candidate is not None
        uow.candidates.change_status(
            candidate, CandidateStatus.INTERVIEW_REQUESTED, actor="bot", reason="<i>why</i>"
        )
        await uow.commit()
    await panel.login()
    response = await panel.client.get(f"/candidates/{p.ivan}")
    assert response.status == 200
    page = await response.text()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Ivan" in page
    assert f'action="/candidates/{p.ivan}/bookings/{p.booking}/cancel"' in page
    assert "&lt;i&gt;why&lt;/i&gt;" in page  # the history's reason, escaped
    assert 'id="timeline"' in page
    assert 'id="status-form"' in page
    assert 'id="message-form"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Anna" in page  # the booking's recruiter
    assert (await panel.client.get("/candidates/999999")).status == 404
    assert (await panel.client.get("/candidates/abc")).status == 404


async def _audit(panel: Panel) -> list[AuditLogEntry]:
    """What the panel's accounts did to candidates and bookings (the set-up's own bookings
    are in the log too, under the test's actor)."""
    async with panel.storage.uow() as uow:
        stmt = (
            select(AuditLogEntry)
            .where(
                AuditLogEntry.entity.in_(["candidate", "booking"]),
                AuditLogEntry.actor.startswith("admin:"),
            )
            .order_by(AuditLogEntry.id)
        )
        return list((await uow.session.scalars(stmt)).all())


async def test_changing_the_status_needs_a_reason_and_is_recorded(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    path = f"/candidates/{p.maria}/status"
    missing = await panel.post(path, {"status": "hired", "reason": "  "})
    assert missing.status == 422
    page = await missing.text()
    assert re.search(r'<div class="error" id="reason-error">[^<]+</div>', page)
    assert '<option value="hired" selected>' in page  # what was chosen is kept
    bogus = await panel.post(path, {"status": "emperor", "reason": "why"})
    assert bogus.status == 422
    assert 'id="status-error"' in await bogus.text()
    same = await panel.post(path, {"status": "new", "reason": "why"})
    assert same.status == 422
    assert "has this status already" in await same.text()
    unsigned = await panel.client.post(path, data={"status": "hired", "reason": "no token"})
    assert unsigned.status == 403
    done = await panel.post(path, {"status": "hired", "reason": "great"}, allow_redirects=False)
    assert done.status == 303
    assert done.headers["Location"] == f"/candidates/{p.maria}"
    page = await (await panel.client.get(f"/candidates/{p.maria}")).text()
    assert "The status is changed." in page
    assert '<strong id="status">Hired</strong>' in page
    async with panel.storage.uow() as uow:
        history = await uow.candidates.status_history(p.maria)
    assert [(h.to_status, h.reason) for h in history] == [(CandidateStatus.HIRED, "great")]
    assert history[0].actor.startswith("admin:")
    assert [(e.action, e.entity_id) for e in await _audit(panel)] == [
        ("change_status", str(p.maria))
    ]


async def test_sending_a_message_queues_it_escaped(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login("rec")
    path = f"/candidates/{p.maria}/message"
    empty = await panel.post(path, {"text": "   "})
    assert empty.status == 422
    assert 'id="text-error"' in await empty.text()
    too_long = await panel.post(path, {"text": "x" * 4001})
    assert too_long.status == 422
    sent = await panel.post(path, {"text": "Come at <b>10</b> & bring ID"}, allow_redirects=False)
    assert sent.status == 303
    async with panel.storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "panel_message")
        (queued,) = (await uow.session.scalars(stmt)).all()
        maria = await uow.candidates.get(p.maria)
        assert maria is not None
        maria.reachable = False
        await uow.commit()
    assert queued.payload["text"].endswith(":\nCome at &lt;b&gt;10&lt;/b&gt; &amp; bring ID")
    assert queued.recipient_chat_id == maria.telegram_id
    page = await (await panel.client.get(f"/candidates/{p.maria}")).text()
    assert "Come at &lt;b&gt;10&lt;/b&gt; &amp; bring ID" in page  # shown as the candidate saw it
    assert "blocked the bot" in page
    blocked = await panel.post(path, {"text": "hello?"})
    assert blocked.status == 422
    assert 'id="text-error"' in await blocked.text()


async def test_cancelling_a_booking_frees_it_and_tells_the_candidate(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    path = f"/candidates/{p.ivan}/bookings/{p.booking}/cancel"
    missing = await panel.post(path, {"reason": ""})
    assert missing.status == 422
    assert f'id="cancel-{p.booking}-error"' in await missing.text()
    foreign = await panel.post(
        f"/candidates/{p.maria}/bookings/{p.booking}/cancel", {"reason": "x"}
    )
    assert foreign.status == 404
    done = await panel.post(path, {"reason": "Anna is ill"}, allow_redirects=False)
    assert done.status == 303
    async with panel.storage.uow() as uow:
        booking = await uow.session.get(Booking, p.booking)
        assert booking is not None
        assert (booking.status, booking.reason) == (BookingStatus.CANCELED, "Anna is ill")
        told = await uow.session.scalar(
            select(Notification).where(Notification.kind == "booking_canceled_by_recruiter")
        )
        assert told is not None
        assert told.candidate_id == p.ivan
    page = await (await panel.client.get(f"/candidates/{p.ivan}")).text()
    assert "The booking is canceled; the candidate (and the slot&#39;s recruiter) told." in page
    assert f'action="/candidates/{p.ivan}/bookings/{p.booking}/cancel"' not in page
    again = await panel.post(path, {"reason": "again"})
    assert again.status == 422
    assert "canceled already" in await again.text()
    # Each status it changed on the way, and the cancel itself, all under the account.
    assert [(e.action, e.entity) for e in await _audit(panel)] == [
        ("change_status", "booking"),
        ("change_status", "candidate"),
        ("cancel", "booking"),
    ]


async def test_a_recruiter_cannot_act_on_another_citys_candidate(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login("rec")
    for path, data in (
        (f"/candidates/{p.sam}/status", {"status": "hired", "reason": "x"}),
        (f"/candidates/{p.sam}/status", {"status": "bogus"}),  # invalid too: still 404
        (f"/candidates/{p.sam}/message", {"text": "hello"}),
        (f"/candidates/{p.sam}/bookings/{p.sam_booking}/cancel", {"reason": "x"}),
    ):
        response = await panel.post(path, data)
        assert response.status == 404, path
    async with panel.storage.uow() as uow:
        sam = await uow.candidates.get(p.sam)
        assert sam is not None
        assert sam.status is CandidateStatus.INTERVIEW_REQUESTED
        booking = await uow.session.get(Booking, p.sam_booking)
        assert booking is not None
        assert booking.status is BookingStatus.PENDING
        assert (
            await uow.session.scalar(
                select(Notification.id).where(Notification.kind == "panel_message")
            )
            is None
        )
    assert await _audit(panel) == []


async def test_a_recruiter_cannot_cancel_another_recruiters_booking_in_their_city(
    panel: Panel,
) -> None:
    """Maria is in Anna's city but booked with Olga, who also serves Kazan: Anna's account sees
    Maria and the booking, but cancelling it is not hers to do."""
    p = await _people(panel)
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        assert kazan is not None
        olga = await make_recruiter(uow, kazan, name="Olga")
        slot = await make_slot(uow, olga, kazan)
        maria = await uow.candidates.get(p.maria)
        assert maria is not None
        maria.status = CandidateStatus.SCREENING_PASSED
        await uow.commit()
    messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
    async with panel.storage.uow() as uow:
        booked = await book_slot(uow, messaging, candidate_id=p.maria, slot_id=slot.id)
    assert isinstance(booked, Success)
    await panel.login("rec")
    path = f"/candidates/{p.maria}/bookings/{booked.value.id}/cancel"
    page = await (await panel.client.get(f"/candidates/{p.maria}")).text()
    assert "Olga" in page
    assert f'action="{path}"' not in page
    assert (await panel.post(path, {"reason": "mine now"})).status == 404
    async with panel.storage.uow() as uow:
        booking = await uow.session.get(Booking, booked.value.id)
        assert booking is not None and booking.status is BookingStatus.PENDING
    own = f"/candidates/{p.ivan}/bookings/{p.booking}/cancel"  # Anna's own slot: allowed
    assert (await panel.post(own, {"reason": "ill"}, allow_redirects=False)).status == 303


async def test_candidates_waiting_for_an_unlisted_city_are_shown_and_filtered(
    panel: Panel,
) -> None:
    p = await _people(panel)
    async with panel.storage.uow() as uow:
        tula = await make_candidate(uow, full_name="Tula Person", wanted_city="Тула")
        await uow.commit()
    await panel.login()
    page = await (await panel.client.get("/candidates")).text()
    assert "not listed: Тула" in page
    waiting = await (await panel.client.get("/candidates", params={"unlisted_city": "1"})).text()
    assert _listed(waiting) == [tula.id]
    assert p.ivan not in _listed(waiting)


async def test_a_candidates_page_shows_city_times_and_who_by_name(panel: Panel) -> None:
    """Times in the candidate's city's zone, labelled; the history's "by" as names, not
    "recruiter:1"; statuses by their human names."""
    async with panel.storage.uow() as uow:
        samara = await uow.cities.get(panel.samara_id)
        boss = await uow.admin_users.get_by_login("boss")
        assert samara is not None and boss is not None
        candidate = await make_candidate(uow, samara, status=CandidateStatus.NOT_HIRED)
        for n, actor in enumerate(
            (
                f"recruiter:{panel.boris_id}",
                f"admin:{boss.id}",
                f"admin:{boss.id}:token:5",
                "candidate",
                "system",
                "recruiter:999999",
            )
        ):
            uow.session.add(
                CandidateStatusChange(
                    candidate_id=candidate.id,
                    to_status=CandidateStatus.NOT_HIRED,
                    actor=actor,
                    created_at=NOW + timedelta(minutes=n),
                )
            )
        await uow.commit()
    await panel.login()
    page = await (await panel.client.get(f"/candidates/{candidate.id}")).text()
    assert 'id="times-in">Times in Europe/Samara' in page
    timeline = page[page.index('id="timeline"') :]
    assert (NOW + timedelta(hours=4)).strftime("%Y-%m-%d %H:%M") in timeline  # Samara is UTC+4
    for shown in ("Boris", ">boss<", "boss (API token)", "Candidate", "System"):
        assert shown in timeline, shown
    assert "recruiter:999999 (deleted)" in timeline
    assert f">recruiter:{panel.boris_id}<" not in timeline
    assert f">admin:{boss.id}<" not in timeline
    assert 'id="status">Not hired<' in page and "not_hired<" not in page

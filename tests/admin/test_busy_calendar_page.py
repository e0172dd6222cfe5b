"""Issue 20.3 in the panel: the address of a recruiter's own calendar, set by an admin or by the
recruiter's own account, and how its reads went (the last good one, the last error)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from core.clock import FrozenClock
from domain.calendars.busy_sources import refresh_due
from scheduler.busy_calendars import CalendarFetcher
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_city, make_recruiter, make_slot
from tests.support.languages import RUSSIAN


async def test_an_admin_sets_the_address_and_sees_it_masked(panel: Panel) -> None:
    await panel.login()
    path = f"/recruiters/{panel.boris_id}/busy-calendar"
    secret = "https://calendar.google.com/calendar/ical/boris%40x/private-abc123/basic.ics"
    response = await panel.post(path, {"busy_calendar_url": secret}, allow_redirects=False)
    assert response.status == 303
    page = await (await panel.client.get(path)).text()
    assert "https://calendar.google.com/…" in page and "private-abc123" not in page
    assert 'id="busy-fetched">not yet' in page
    edit = await (await panel.client.get(f"/recruiters/{panel.boris_id}")).text()
    assert "https://calendar.google.com/…" in edit


async def test_an_address_that_cannot_be_read_is_refused_next_to_its_field(panel: Panel) -> None:
    await panel.login()
    path = f"/recruiters/{panel.boris_id}/busy-calendar"
    response = await panel.post(path, {"busy_calendar_url": "ftp://example.org/cal.ics"})
    assert response.status == 422
    page = await response.text()
    assert 'id="busy_calendar_url-error"' in page
    assert "http://, https:// or webcal://" in page


async def test_a_recruiters_account_manages_only_its_own_calendar(panel: Panel) -> None:
    await panel.login("rec")  # linked to Anna
    own = f"/recruiters/{panel.anna_id}/busy-calendar"
    response = await panel.post(
        own, {"busy_calendar_url": "webcal://cloud.example.org/dav/anna.ics"}, allow_redirects=False
    )
    assert response.status == 303
    assert "https://cloud.example.org/…" in await (await panel.client.get(own)).text()
    other = f"/recruiters/{panel.boris_id}/busy-calendar"
    assert (await panel.client.get(other)).status == 404
    refused = await panel.post(other, {"busy_calendar_url": "https://x.example.org/a.ics"})
    assert refused.status == 404


async def test_a_timed_out_read_is_shown_with_its_time(
    panel: Panel, aiohttp_server: Callable[..., Any]
) -> None:
    never = asyncio.Event()

    async def hang(_request: web.Request) -> web.Response:
        await never.wait()
        return web.Response(status=500)

    app = web.Application()
    app.router.add_get("/cal.ics", hang)
    server = await aiohttp_server(app)
    await panel.login()
    path = f"/recruiters/{panel.boris_id}/busy-calendar"
    url = str(server.make_url("/cal.ics"))
    assert (await panel.post(path, {"busy_calendar_url": url}, allow_redirects=False)).status == 303
    try:
        counts = await refresh_due(
            panel.storage.uow,
            CalendarFetcher(0.3, 100_000, private=True),
            FrozenClock(NOW),
            every=timedelta(minutes=15),
            horizon=timedelta(days=14),
        )
    finally:
        never.set()
    assert counts == {"error": 1}
    page = await (await panel.client.get(path)).text()
    assert 'id="busy-error">timed out after 0.3 s (2026-12-01 09:00 UTC)' in page
    russian = await (await panel.client.get(path, headers=RUSSIAN)).text()
    assert "нет ответа за 0.3 с (01.12.2026, 09:00 UTC)" in russian, russian
    edit = await (await panel.client.get(f"/recruiters/{panel.boris_id}")).text()
    assert "timed out after 0.3 s" in edit


async def test_the_slots_page_marks_a_slot_overlapping_a_busy_time(panel: Panel) -> None:
    busy_from = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    async with panel.storage.uow() as uow:
        city = await make_city(uow, "Omsk", timezone="Europe/Moscow")
        vera = await make_recruiter(uow, city, name="Vera")
        busy = await make_slot(uow, vera, city, busy_from)
        free = await make_slot(uow, vera, city, busy_from + timedelta(hours=2))
        await uow.commit()
    async with panel.storage.uow() as uow:
        await uow.busy_times.set_source(vera.id, "https://calendar.example.org/v.ics")
        copy = [(busy_from, busy_from + timedelta(minutes=45))]
        recorded = await uow.busy_times.record_copy(
            vera.id, "https://calendar.example.org/v.ics", NOW, copy, etag=None, last_modified=None
        )
        assert recorded
        await uow.commit()
    await panel.login()
    for view in ("week", "list"):
        page = await (await panel.client.get(f"/slots?recruiter_id={vera.id}&view={view}")).text()
        busy_row = page[page.index(f'id="slot-{busy.id}"') :].split("</div>")[0].split("</tr>")[0]
        free_row = page[page.index(f'id="slot-{free.id}"') :].split("</div>")[0].split("</tr>")[0]
        assert "⛔ busy in the calendar" in busy_row, view
        assert "busy in the calendar" not in free_row, view
    assert 'id="busy-ahead">1<' in page

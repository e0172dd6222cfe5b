"""The panel's Slots page: a recruiter's week and coming slots, adding one slot or a series
(previewed first), deleting free ones; a recruiter's account sees and changes only its own.

Kazan is on Moscow time (UTC+3), Samara on UTC+4; the clock stands at Tue 2026-12-01 09:00 UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from admin.deps import DEPS
from core.clock import FrozenClock
from core.enums import AdminRole, BookingStatus, SlotPurpose
from domain.organisation.accounts import create_admin
from domain.scheduling.slots import recruiter_slots
from storage.models import AuditLogEntry, Booking, City, Recruiter, Slot
from tests.admin.conftest import PASSWORD, Panel
from tests.support.factories import NOW, make_candidate, make_slot


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def _entities(panel: Panel) -> tuple[Recruiter, Recruiter, City, City]:
    async with panel.storage.uow() as uow:
        anna = await uow.recruiters.get(panel.anna_id)
        boris = await uow.recruiters.get(panel.boris_id)
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
    assert anna and boris and kazan and samara
    return anna, boris, kazan, samara


async def add_slot(
    panel: Panel, starts_at: datetime, *, boris: bool = False, booked_by: str | None = None
) -> int:
    anna, boris_, kazan, samara = await _entities(panel)
    async with panel.storage.uow() as uow:
        recruiter, city = (boris_, samara) if boris else (anna, kazan)
        slot = await make_slot(uow, recruiter, city, starts_at)
        if booked_by is not None:
            candidate = await make_candidate(uow, city, full_name=booked_by)
            uow.bookings.add(
                Booking(
                    slot_id=slot.id,
                    candidate_id=candidate.id,
                    purpose=SlotPurpose.INTERVIEW,
                    status=BookingStatus.PENDING,
                )
            )
        await uow.commit()
        return slot.id


async def slot_starts(panel: Panel, recruiter_id: int) -> list[datetime]:
    async with panel.storage.uow() as uow:
        stmt = select(Slot.starts_at).where(Slot.recruiter_id == recruiter_id)
        return sorted((await uow.session.scalars(stmt)).all())


async def audit(panel: Panel) -> list[AuditLogEntry]:
    async with panel.storage.uow() as uow:
        return [e for e in await uow.audit.list(limit=100) if e.entity == "slot"]


def column(page: str, day: str) -> str:
    """One day's column of the week grid: its hours' cells, top to bottom."""
    cells = re.findall(
        rf'<td class="cell[^"]*" data-day="{day}" data-hour="\d+">(.*?)</td>', page, re.S
    )
    assert cells, f"no column for {day}"
    return "".join(cells)


def cell(page: str, day: str, hour: int) -> str:
    """One hour's cell of the week grid, with its tag."""
    match = re.search(
        rf'<td class="[^"]*" data-day="{day}" data-hour="{hour}">.*?</td>', page, re.S
    )
    assert match, f"no cell {day} {hour}:00"
    return match.group(0)


def error(page: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="{field}-error">([^<]*)</div>', page)
    assert match, f"no error next to {field}"
    return match.group(1)


def one_slot(panel: Panel, **fields: Any) -> dict[str, Any]:
    values = {
        "recruiter_id": panel.anna_id,
        "city_id": panel.kazan_id,
        "day": "2026-12-10",
        "start_time": "14:00",
        "duration_minutes": "45",
        "purpose": "interview",
    }
    return {**values, **fields}


def series(panel: Panel, action: str, **fields: Any) -> list[tuple[str, Any]]:
    values = {
        "recruiter_id": panel.anna_id,
        "city_id": panel.kazan_id,
        "start": "10:00",
        "end": "13:00",
        "step_minutes": "60",
        "break_start": "11:00",
        "break_end": "12:00",
        "first_day": "2026-12-07",
        "last_day": "2026-12-13",
        "duration_minutes": "30",
        "purpose": "interview",
        "action": action,
        **fields,
    }
    return [("weekdays", "0"), ("weekdays", "2"), *values.items()]


# The week


async def test_the_week_shows_each_slot_at_its_local_time_in_its_days_column(
    panel: Panel,
) -> None:
    await add_slot(panel, utc(2026, 12, 2, 21, 30))  # Thu 3 Dec 00:30 in Kazan
    await add_slot(panel, utc(2026, 12, 4, 7, 0), booked_by="Ivan Petrov")  # Fri 10:00
    await add_slot(panel, utc(2026, 12, 8, 7, 0))  # the week after
    await add_slot(panel, utc(2026, 12, 3, 7, 0), boris=True)  # someone else's
    await panel.login()

    response = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&week=2026-12-02")
    assert response.status == 200
    page = await response.text()

    assert "00:30" in column(page, "2026-12-03")
    assert "00:30" not in column(page, "2026-12-02")
    friday = column(page, "2026-12-04")
    assert 'class="slot booked"' in friday
    assert "10:00" in friday
    assert "Ivan Petrov" in friday
    assert "pending" in friday
    assert "Ivan Petrov" not in column(page, "2026-12-03")
    assert 'id="day-2026-11-30"' in page and 'id="day-2026-12-06"' in page
    assert 'id="day-2026-12-07"' not in page
    assert page.count('class="slot') == 2  # neither next week's nor Boris's
    assert f"recruiter_id={panel.anna_id}&amp;week=2026-11-23" in page
    assert f"recruiter_id={panel.anna_id}&amp;week=2026-12-07" in page


async def test_the_week_defaults_to_this_week_and_next_week_is_a_link_away(
    panel: Panel,
) -> None:
    await add_slot(panel, utc(2026, 12, 8, 7, 0))
    await panel.login()
    page = await (await panel.client.get(f"/slots?recruiter_id={panel.anna_id}")).text()
    assert 'id="day-2026-11-30"' in page  # NOW is Tue 1 Dec
    assert "10:00" not in column(page, "2026-12-01")
    following = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&week=2026-12-07")
    assert "10:00" in column(await following.text(), "2026-12-08")


async def test_a_week_that_is_not_a_date_is_a_bad_request(panel: Panel) -> None:
    await panel.login()
    for week in ("soon", "9999-12-31", "0001-01-01"):  # the last two: a week beyond the calendar
        response = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&week={week}")
        assert response.status == 400, week


async def test_an_admin_picks_a_recruiter_first(panel: Panel) -> None:
    await panel.login()
    page = await (await panel.client.get("/slots")).text()
    assert 'id="pick-recruiter"' in page
    assert 'id="no-recruiter"' in page
    assert "Boris" in page
    assert 'id="slot-form"' not in page
    missing = await panel.client.get("/slots?recruiter_id=999")
    assert missing.status == 404


# The list of coming slots


async def test_the_list_shows_coming_slots_with_a_delete_button_on_free_ones(
    panel: Panel,
) -> None:
    free = await add_slot(panel, utc(2026, 12, 3, 7, 0))
    booked = await add_slot(panel, utc(2026, 12, 3, 8, 0), booked_by="Ivan Petrov")
    await add_slot(panel, utc(2026, 11, 30, 7, 0))  # past
    await add_slot(panel, utc(2027, 3, 1, 7, 0))  # beyond 60 days
    await panel.login()

    page = await (await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&view=list")).text()

    assert page.count('<tr id="slot-') == 2
    assert f'action="/slots/{free}/delete"' in page
    assert f'action="/slots/{booked}/delete"' not in page
    assert "Ivan Petrov" in page
    assert "Thu, 3 Dec" in page and "10:00" in page
    assert '<span id="shown">1–2 of 2</span>' in page
    assert 'id="next"' not in page


async def test_the_list_pages_through_every_coming_slot(
    panel: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("admin.panel.slots.LIST_LIMIT", 2)
    made = [await add_slot(panel, utc(2026, 12, 3 + n, 7, 0)) for n in range(5)]
    await panel.login()
    url = f"/slots?recruiter_id={panel.anna_id}&view=list"
    seen: list[int] = []
    while url:
        page = await (await panel.client.get(url)).text()
        seen += [int(i) for i in re.findall(r'<tr id="slot-(\d+)">', page)]
        following = re.search(r'<a href="([^"]+)" id="next">', page)
        url = following.group(1).replace("&amp;", "&") if following else ""
    assert seen == made  # all five, in time order, none twice
    assert '<span id="shown">5–5 of 5</span>' in page
    bad = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&view=list&offset=-1")
    assert bad.status == 400


# One slot


async def test_an_admin_adds_a_slot_at_the_citys_local_time(panel: Panel) -> None:
    await panel.login()
    response = await panel.post("/slots", one_slot(panel), allow_redirects=False)
    assert response.status == 303

    assert await slot_starts(panel, panel.anna_id) == [utc(2026, 12, 10, 11, 0)]  # 14:00 MSK
    async with panel.storage.uow() as uow:
        slot = (await uow.session.scalars(select(Slot))).one()
        boss = await uow.admin_users.get_by_login("boss")
    assert slot.duration_minutes == 45
    assert slot.city_id == panel.kazan_id
    [entry] = await audit(panel)
    assert (entry.action, entry.entity_id) == ("create", str(slot.id))
    assert boss is not None
    assert entry.admin_user_id == boss.id
    assert entry.actor == f"admin:{boss.id}"

    page = await (await panel.client.get(response.headers["Location"])).text()
    assert 'id="flash"' in page and "Added a slot" in page
    assert "14:00" in column(page, "2026-12-10")


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"day": "2026-12-01", "start_time": "11:00"}, "start_time", "must be in the future"),
        ({"city_id": "SAMARA"}, "city_id", "does not work in this city"),
        ({"start_time": "14:15"}, "start_time", "already has a slot"),  # overlaps 14:00-14:30
        ({"start_time": "14:00"}, "start_time", "already has a slot"),
        ({"duration_minutes": "5"}, "duration_minutes", "greater than or equal to 10"),
        ({"day": "10.12.2026"}, "day", "date"),
    ],
)
async def test_a_slot_that_breaks_a_rule_is_refused_next_to_its_field(
    panel: Panel, fields: dict[str, str], field: str, reason: str
) -> None:
    await add_slot(panel, utc(2026, 12, 10, 11, 0))  # 14:00 in Kazan, 30 minutes
    await panel.login()
    if fields.get("city_id") == "SAMARA":
        fields = {**fields, "city_id": str(panel.samara_id)}

    response = await panel.post("/slots", one_slot(panel, **fields), allow_redirects=False)

    assert response.status == 422
    page = await response.text()
    assert reason in error(page, field)
    assert f'value="{one_slot(panel, **fields)["day"]}"' in page  # what was typed is kept
    assert await slot_starts(panel, panel.anna_id) == [utc(2026, 12, 10, 11, 0)]
    assert await audit(panel) == []


async def test_the_first_future_minute_today_is_accepted(panel: Panel) -> None:
    await panel.login()
    # 12:30 in Kazan is 09:30 UTC: half an hour after now.
    fields = one_slot(panel, day="2026-12-01", start_time="12:30")
    response = await panel.post("/slots", fields, allow_redirects=False)
    assert response.status == 303
    assert await slot_starts(panel, panel.anna_id) == [utc(2026, 12, 1, 9, 30)]


# A series


async def test_a_series_preview_counts_what_it_would_add_and_writes_nothing(
    panel: Panel,
) -> None:
    await add_slot(panel, utc(2026, 12, 7, 7, 0))  # Mon 7 Dec 10:00 in Kazan, exists already
    await panel.login()

    response = await panel.post("/slots/series", series(panel, "preview"))

    assert response.status == 200
    page = await response.text()
    # Mon 7 and Wed 9 Dec, 10:00 and 12:00 (11:00 is the break); Monday's 10:00 exists.
    assert '<strong id="preview-count">3</strong>' in page
    assert '<span id="preview-skipped">1</span>' in page
    assert "Mon, 7 Dec: 12:00" in page
    assert "Wed, 9 Dec: 10:00, 12:00" in page
    assert "Create 3 slots" in page
    assert 'name="action" value="create"' in page
    assert await slot_starts(panel, panel.anna_id) == [utc(2026, 12, 7, 7, 0)]
    assert await audit(panel) == []


async def test_creating_the_series_adds_its_slots_and_skips_existing_ones(
    panel: Panel,
) -> None:
    await add_slot(panel, utc(2026, 12, 7, 7, 0))
    await panel.login()

    response = await panel.post(
        "/slots/series", series(panel, "create", duration_minutes="60"), allow_redirects=False
    )

    assert response.status == 303
    assert await slot_starts(panel, panel.anna_id) == [
        utc(2026, 12, 7, 7, 0),
        utc(2026, 12, 7, 9, 0),
        utc(2026, 12, 9, 7, 0),
        utc(2026, 12, 9, 9, 0),
    ]
    async with panel.storage.uow() as uow:
        durations = set((await uow.session.scalars(select(Slot.duration_minutes))).all())
    assert durations == {30, 60}  # the old one kept its own
    [entry] = await audit(panel)
    assert entry.action == "create_series"
    assert entry.details["count"] == 3
    page = await (await panel.client.get(response.headers["Location"])).text()
    assert "Created 3 slots." in page
    assert "12:00" in column(page, "2026-12-09")


async def test_the_preview_form_reposts_the_same_series(panel: Panel) -> None:
    await panel.login()
    page = await (await panel.post("/slots/series", series(panel, "preview"))).text()
    form = page[page.index('id="series-create"') :]
    form = form[: form.index("</form>")]
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)
    fields = [(name, value) for name, value in fields if name != "csrf"]
    assert ("weekdays", "0") in fields and ("weekdays", "2") in fields

    response = await panel.post(
        "/slots/series", [*fields, ("action", "create")], allow_redirects=False
    )

    assert response.status == 303
    assert len(await slot_starts(panel, panel.anna_id)) == 4


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"end": "09:00"}, "end", "must be after the start"),
        ({"last_day": "2026-12-06"}, "last_day", "must not be before the first day"),
        ({"last_day": "2027-06-01"}, "last_day", "at most 92 days"),
        ({"break_end": ""}, "break_end", "both ends of the break"),
        ({"duration_minutes": "90"}, "duration_minutes", "longer than the step"),
        ({"start": "10:00+03:00"}, "start", "without a UTC offset"),
        ({"first_day": "9999-12-30", "last_day": "9999-12-31"}, "first_day", "between the years"),
    ],
)
async def test_a_series_that_makes_no_sense_is_refused_next_to_its_field(
    panel: Panel, fields: dict[str, str], field: str, reason: str
) -> None:
    await panel.login()
    response = await panel.post("/slots/series", series(panel, "create", **fields))
    assert response.status == 422
    assert reason in error(await response.text(), field)
    assert await slot_starts(panel, panel.anna_id) == []


async def test_a_series_needs_at_least_one_weekday(panel: Panel) -> None:
    await panel.login()
    fields = [f for f in series(panel, "preview") if f[0] != "weekdays"]
    response = await panel.post("/slots/series", fields)
    assert response.status == 422
    assert error(await response.text(), "weekdays")


async def test_a_series_in_a_city_the_recruiter_does_not_serve_is_refused(
    panel: Panel,
) -> None:
    await panel.login()
    fields = series(panel, "create", city_id=str(panel.samara_id))
    response = await panel.post("/slots/series", fields)
    assert response.status == 422
    assert "does not work in this city" in error(await response.text(), "city_id")
    assert await slot_starts(panel, panel.anna_id) == []


# Deleting


async def test_a_free_slot_is_deleted(panel: Panel) -> None:
    slot_id = await add_slot(panel, utc(2026, 12, 3, 7, 0))
    await panel.login()

    response = await panel.post(f"/slots/{slot_id}/delete", allow_redirects=False)

    assert response.status == 303
    assert await slot_starts(panel, panel.anna_id) == []
    [entry] = await audit(panel)
    assert (entry.action, entry.entity_id) == ("delete", str(slot_id))
    page = await (await panel.client.get(response.headers["Location"])).text()
    assert "Deleted the slot Thu, 3 Dec 10:00." in page


async def test_a_booked_slot_is_not_deleted(panel: Panel) -> None:
    slot_id = await add_slot(panel, utc(2026, 12, 3, 7, 0), booked_by="Ivan Petrov")
    await panel.login()

    response = await panel.post(f"/slots/{slot_id}/delete", allow_redirects=False)

    assert response.status == 422
    reason = error(await response.text(), "form")
    assert "booked by Ivan Petrov (pending)" in reason
    assert "cancel or move the booking first" in reason
    assert await slot_starts(panel, panel.anna_id) == [utc(2026, 12, 3, 7, 0)]
    assert await audit(panel) == []


async def test_a_slot_whose_booking_was_cancelled_can_go(panel: Panel) -> None:
    slot_id = await add_slot(panel, utc(2026, 12, 3, 7, 0), booked_by="Ivan Petrov")
    async with panel.storage.uow() as uow:
        booking = (await uow.session.scalars(select(Booking))).one()
        booking.status = BookingStatus.CANCELED
        await uow.commit()
    await panel.login()
    response = await panel.post(f"/slots/{slot_id}/delete", allow_redirects=False)
    assert response.status == 303
    assert await slot_starts(panel, panel.anna_id) == []


async def test_a_past_slot_stays(panel: Panel) -> None:
    slot_id = await add_slot(panel, utc(2026, 11, 30, 7, 0))
    await panel.login()
    response = await panel.post(f"/slots/{slot_id}/delete", allow_redirects=False)
    assert response.status == 422
    assert "begun already" in error(await response.text(), "form")
    assert len(await slot_starts(panel, panel.anna_id)) == 1


async def test_deleting_a_slot_that_does_not_exist_is_not_found(panel: Panel) -> None:
    await panel.login()
    response = await panel.post("/slots/999/delete", allow_redirects=False)
    assert response.status == 404


# A recruiter's account


async def test_a_recruiters_account_sees_its_own_slots_only(panel: Panel) -> None:
    await add_slot(panel, utc(2026, 12, 3, 7, 0))
    await add_slot(panel, utc(2026, 12, 3, 6, 0), boris=True)  # Samara 10:00 as well
    await panel.login("rec")

    response = await panel.client.get("/slots")
    assert response.status == 200
    page = await response.text()
    assert "Anna" in page
    assert 'id="pick-recruiter"' not in page
    assert page.count('class="slot') == 1
    assert "Kazan" in column(page, "2026-12-03")
    assert "Samara" not in column(page, "2026-12-03")
    own = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}")
    assert own.status == 200
    other = await panel.client.get(f"/slots?recruiter_id={panel.boris_id}")
    assert other.status == 404


async def test_a_recruiters_account_adds_its_own_slots(panel: Panel) -> None:
    await panel.login("rec")
    fields = one_slot(panel)
    del fields["recruiter_id"]
    response = await panel.post("/slots", fields, allow_redirects=False)
    assert response.status == 303
    assert await slot_starts(panel, panel.anna_id) == [utc(2026, 12, 10, 11, 0)]


async def test_a_recruiters_account_cannot_touch_another_recruiters_slots(
    panel: Panel,
) -> None:
    boris_slot = await add_slot(panel, utc(2026, 12, 3, 6, 0), boris=True)
    await panel.login("rec")

    deleted = await panel.post(f"/slots/{boris_slot}/delete", allow_redirects=False)
    assert deleted.status == 404
    fields = one_slot(panel, recruiter_id=panel.boris_id, city_id=panel.samara_id)
    added = await panel.post("/slots", fields, allow_redirects=False)
    assert added.status == 404
    planned = await panel.post(
        "/slots/series",
        series(panel, "create", recruiter_id=panel.boris_id, city_id=panel.samara_id),
        allow_redirects=False,
    )
    assert planned.status == 404

    assert await slot_starts(panel, panel.boris_id) == [utc(2026, 12, 3, 6, 0)]
    assert await audit(panel) == []


async def test_an_account_without_a_recruiter_gets_an_explanation(panel: Panel) -> None:
    async with panel.storage.uow() as uow:
        await create_admin(uow, "lonely", PASSWORD, AdminRole.RECRUITER)
    await panel.login("lonely")

    response = await panel.client.get("/slots")
    assert response.status == 200
    page = await response.text()
    assert 'id="no-recruiter"' in page
    assert "not linked to a recruiter" in page
    assert (await panel.client.get(f"/slots?recruiter_id={panel.anna_id}")).status == 404
    added = await panel.post("/slots", one_slot(panel), allow_redirects=False)
    assert added.status == 404


# Forms need the session's token


async def test_a_change_without_the_forms_token_is_refused(panel: Panel) -> None:
    slot_id = await add_slot(panel, utc(2026, 12, 3, 7, 0))
    await panel.login()

    added = await panel.client.post("/slots", data=one_slot(panel))
    deleted = await panel.client.post(f"/slots/{slot_id}/delete", data={})
    planned = await panel.client.post("/slots/series", data=series(panel, "create"))

    assert (added.status, deleted.status, planned.status) == (403, 403, 403)
    assert await slot_starts(panel, panel.anna_id) == [utc(2026, 12, 3, 7, 0)]


# The query behind the week and the list


async def test_a_recruiters_slots_come_with_their_bookings_in_one_query(panel: Panel) -> None:
    for hour in range(6, 12):
        await add_slot(panel, utc(2026, 12, 3, hour, 0), booked_by=f"Candidate {hour}")
    await add_slot(panel, utc(2026, 12, 3, 12, 0))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    sync_engine = panel.storage.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        async with panel.storage.uow() as uow:
            rows = await recruiter_slots(uow, panel.anna_id, NOW, utc(2026, 12, 4))
            names = [r.candidate_name for r in rows]
            statuses = {r.booking_status for r in rows}
            zones = {r.timezone for r in rows}
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)

    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert names == [*(f"Candidate {h}" for h in range(6, 12)), None]
    assert statuses == {BookingStatus.PENDING, None}
    assert zones == {"Europe/Moscow"}


@pytest.mark.parametrize(
    ("now", "monday", "today_shown"),
    [
        (utc(2026, 12, 4, 14, 59), "2026-11-30", True),  # Friday 17:59 in Kazan: this week
        (utc(2026, 12, 4, 15, 0), "2026-12-07", False),  # Friday 18:00: the coming one
        (utc(2026, 12, 5, 9, 0), "2026-12-07", False),  # Saturday
        (utc(2026, 12, 6, 20, 59), "2026-12-07", False),  # Sunday 23:59 in Kazan
        (utc(2026, 12, 6, 21, 0), "2026-12-07", True),  # already Monday in Kazan (UTC+3)
    ],
)
async def test_the_week_opens_on_the_one_being_planned_in_the_recruiters_zone(
    panel: Panel, now: datetime, monday: str, today_shown: bool
) -> None:
    """Monday-based weeks, counted in the zone the page shows times in (the recruiter's first
    city's): the current one, the next from Friday 18:00 through Sunday; `week` still chooses."""
    app = panel.client.app
    assert app is not None
    app[DEPS].clock = FrozenClock(now)
    await panel.login()
    page = await (await panel.client.get(f"/slots?recruiter_id={panel.anna_id}")).text()
    assert f'id="day-{monday}"' in page
    assert page.count('<th id="day-') == 7
    assert ('muted">today</span>' in page) == today_shown
    chosen = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&week=2026-11-25")
    assert 'id="day-2026-11-23"' in await chosen.text()

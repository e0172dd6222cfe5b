"""The Slots page as recruiters plan with it: the week grid (hours as rows, days as columns,
slots opening their booking, free ones deleted back to the same week, past hours marked) and
the day view with the candidates' cards, a recruiter's account seeing only its own.

Kazan is on Moscow time (UTC+3), Samara on UTC+4; the clock stands at Tue 2026-12-01 09:00 UTC
(12:00 in Kazan)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from domain.scheduling.planning import slot_cards
from storage.models import Booking
from storage.models.city import recruiter_cities
from tests.admin.conftest import Panel
from tests.admin.test_slots_page import _entities, add_slot, cell, column, slot_starts, utc
from tests.support.factories import NOW, make_candidate, make_slot, make_vacancy


async def book(panel: Panel, starts_at: Any, name: str, **candidate: Any) -> tuple[int, int]:
    """A slot of Anna's in Kazan held by a new candidate: (slot id, candidate id)."""
    anna, _, kazan, _ = await _entities(panel)
    async with panel.storage.uow() as uow:
        slot = await make_slot(uow, anna, kazan, starts_at)
        vacancy = await make_vacancy(uow, kazan, title="Courier")
        person = await make_candidate(
            uow, kazan, full_name=name, vacancy_id=vacancy.id, **candidate
        )
        uow.bookings.add(
            Booking(
                slot_id=slot.id,
                candidate_id=person.id,
                purpose=SlotPurpose.INTERVIEW,
                status=BookingStatus.APPROVED,
            )
        )
        await uow.commit()
        return slot.id, person.id


async def intro_day(panel: Panel, starts_at: Any) -> int:
    anna, _, kazan, _ = await _entities(panel)
    async with panel.storage.uow() as uow:
        slot = await make_slot(uow, anna, kazan, starts_at, SlotPurpose.INTRO_DAY, capacity=10)
        await uow.commit()
        return slot.id


# The grid


async def test_the_grid_places_slots_by_hour_and_each_opens_its_booking(panel: Panel) -> None:
    booked, ivan = await book(panel, utc(2026, 12, 3, 7, 0), "Ivan Petrov")  # Thu 10:00
    free = await add_slot(panel, utc(2026, 12, 3, 8, 30))  # Thu 11:30
    group = await intro_day(panel, utc(2026, 12, 4, 6, 0))  # Fri 09:00
    early = await add_slot(panel, utc(2026, 12, 5, 3, 0))  # Sat 06:00: widens the grid
    await panel.login()

    page = await (await panel.client.get(f"/slots?recruiter_id={panel.anna_id}")).text()

    rows = re.findall(r'<tr>\s*<th class="hour">(\d\d:\d\d)</th>', page)
    assert rows[0] == "06:00" and rows[-1] == "19:00" and len(rows) == 14
    ten = cell(page, "2026-12-03", 10)
    assert f'id="slot-{booked}"' in ten and f'href="/candidates/{ivan}"' in ten
    assert "Ivan Petrov" in ten and "approved" in ten
    assert f"/slots/{booked}/delete" not in page  # held: it stays
    eleven = cell(page, "2026-12-03", 11)
    assert f'id="slot-{free}"' in eleven and "11:30" in eleven
    assert f'action="/slots/{free}/delete"' in eleven
    assert 'name="week" value="2026-11-30"' in eleven  # back to this week after deleting
    assert "Delete the free slot Thu, 3 Dec 11:30" in eleven
    nine = cell(page, "2026-12-04", 9)
    assert f'href="/slots/{group}"' in nine and "0/10 seats" in nine
    assert f'id="slot-{early}"' in cell(page, "2026-12-05", 6)
    assert 'class="cell empty" data-day="2026-12-03" data-hour="12"' in page  # free to drag over
    assert "Times in Europe/Moscow" in page


async def test_past_days_and_hours_are_marked_and_their_slots_not_deletable(
    panel: Panel,
) -> None:
    gone = await add_slot(panel, utc(2026, 11, 30, 7, 0))  # Monday 10:00: past
    await panel.login()
    page = await (await panel.client.get(f"/slots?recruiter_id={panel.anna_id}")).text()

    assert '<th id="day-2026-11-30" class="past">' in page
    assert '<th id="day-2026-12-01" class="today">' in page
    assert 'class="cell past empty"' in cell(page, "2026-12-01", 11)  # 11:00-12:00 is over
    assert "past" not in cell(page, "2026-12-01", 12).split(">")[0]  # 12:00 is under way
    assert "past" not in cell(page, "2026-12-02", 8).split(">")[0]
    assert f"/slots/{gone}/delete" not in page
    assert 'class="slot free past"' in column(page, "2026-11-30")


async def test_deleting_from_the_grid_returns_to_the_same_week(panel: Panel) -> None:
    slot_id = await add_slot(panel, utc(2026, 12, 9, 7, 0))  # Wed 9 Dec, next week
    await panel.login()

    response = await panel.post(
        f"/slots/{slot_id}/delete", {"week": "2026-12-07"}, allow_redirects=False
    )

    assert response.status == 303
    assert response.headers["Location"] == f"/slots?recruiter_id={panel.anna_id}&week=2026-12-07"
    assert await slot_starts(panel, panel.anna_id) == []
    page = await (await panel.client.get(response.headers["Location"])).text()
    assert "Deleted the slot Wed, 9 Dec 10:00." in page
    assert 'id="day-2026-12-09"' in page and f'id="slot-{slot_id}"' not in page


async def test_a_refused_deletion_from_the_grid_shows_that_week_with_the_reason(
    panel: Panel,
) -> None:
    booked, _ = await book(panel, utc(2026, 12, 9, 7, 0), "Ivan Petrov")
    await panel.login()
    response = await panel.post(f"/slots/{booked}/delete", {"week": "2026-12-09"})
    assert response.status == 422
    page = await response.text()
    assert "booked by Ivan Petrov" in page
    assert 'id="day-2026-12-07"' in page and f'id="slot-{booked}"' in page
    bad = await panel.post(f"/slots/{booked}/delete", {"week": "soon"})
    assert bad.status == 400
    # from the day view: that day again, not today
    from_day = await panel.post(f"/slots/{booked}/delete", {"day": "2026-12-09"})
    assert from_day.status == 422
    day_page = await from_day.text()
    assert '<strong id="day-title">Wed, 9 Dec</strong>' in day_page, day_page[:3000]
    assert "booked by Ivan Petrov" in day_page


async def test_a_series_previewed_from_a_drag_shows_the_week_it_lies_in(panel: Panel) -> None:
    await panel.login()
    fields = [
        ("weekdays", "1"),
        ("weekdays", "2"),
        *{
            "recruiter_id": panel.anna_id,
            "city_id": panel.kazan_id,
            "start": "10:00",
            "end": "12:00",
            "step_minutes": "60",
            "duration_minutes": "30",
            "first_day": "2026-12-08",
            "last_day": "2026-12-09",
            "purpose": "interview",
            "capacity": "1",
            "action": "preview",
        }.items(),
    ]
    page = await (await panel.post("/slots/series", fields)).text()
    assert '<strong id="preview-count">4</strong>' in page
    assert 'id="day-2026-12-07"' in page  # the dragged week, not this one
    assert '<script src="/static/slot_grid.js" defer></script>' in page


# The day


async def test_the_day_shows_todays_slots_in_time_order_with_the_candidates_cards(
    panel: Panel,
) -> None:
    free = await add_slot(panel, utc(2026, 12, 1, 12, 0))  # 15:00 today
    booked, ivan = await book(
        panel,
        utc(2026, 12, 1, 10, 0),  # 13:00 today
        "Ivan Petrov",
        phone="+79001234567",
        username="ivan_p",
        status=CandidateStatus.INTERVIEW_SCHEDULED,
    )
    group = await intro_day(panel, utc(2026, 12, 1, 6, 0))  # 09:00 today, begun
    tomorrow = await add_slot(panel, utc(2026, 12, 2, 7, 0))
    await add_slot(panel, utc(2026, 12, 1, 7, 0), boris=True)  # Boris's
    await panel.login()

    response = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&view=day")

    assert response.status == 200
    page = await response.text()
    cards = re.findall(r'<li class="card slot-card[^"]*" id="slot-(\d+)">', page)
    assert [int(c) for c in cards] == [group, booked, free]
    assert "Tue, 1 Dec" in page and 'muted">today</span>' in page
    card = page[page.index(f'id="slot-{booked}"') :]
    card = card[: card.index("</li>")]
    assert f'<a class="candidate" href="/candidates/{ivan}">Ivan Petrov</a>' in card
    assert "Interview scheduled" in card
    assert "approved" in card
    assert "+79001234567" in card and "@ivan_p" in card
    assert "Vacancy: Courier" in card
    assert "13:00–13:30" in card
    assert f'href="/slots/{group}"' in page
    assert f'action="/slots/{free}/delete"' in page and 'name="day" value="2026-12-01"' in page
    assert f"/slots/{group}/delete" not in page  # begun
    assert f'id="slot-{tomorrow}"' not in page
    assert 'class="here" id="tab-day"' in page

    other = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&view=day&day=2026-12-02")
    other_page = await other.text()
    assert f'id="slot-{tomorrow}"' in other_page and f'id="slot-{free}"' not in other_page
    assert "day=2026-12-01" in other_page and "day=2026-12-03" in other_page  # neighbours
    empty = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&view=day&day=2026-12-20")
    assert "No slots on this day." in await empty.text()
    bad = await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&view=day&day=tomorrow")
    assert bad.status == 400


async def test_deleting_from_the_day_returns_to_the_day(panel: Panel) -> None:
    slot_id = await add_slot(panel, utc(2026, 12, 1, 12, 0))
    await panel.login()
    response = await panel.post(
        f"/slots/{slot_id}/delete", {"day": "2026-12-01"}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"].endswith("view=day&day=2026-12-01")
    assert await slot_starts(panel, panel.anna_id) == []


async def test_a_recruiters_account_sees_its_own_day_and_an_admin_the_chosen_recruiters(
    panel: Panel,
) -> None:
    anna = await add_slot(panel, utc(2026, 12, 1, 12, 0))
    boris = await add_slot(panel, utc(2026, 12, 1, 11, 0), boris=True)  # 15:00 in Samara
    await panel.login()
    chosen = await panel.client.get(f"/slots?recruiter_id={panel.boris_id}&view=day")
    page = await chosen.text()
    assert f'id="slot-{boris}"' in page and f'id="slot-{anna}"' not in page

    await panel.login("rec")
    own = await (await panel.client.get("/slots?view=day")).text()
    assert f'id="slot-{anna}"' in own and f'id="slot-{boris}"' not in own
    other = await panel.client.get(f"/slots?recruiter_id={panel.boris_id}&view=day")
    assert other.status == 404


async def test_the_cards_come_with_their_candidates_in_one_query(panel: Panel) -> None:
    for hour in range(6, 10):
        await book(panel, utc(2026, 12, 3, hour, 0), f"Candidate {hour}", phone=f"+7{hour}")
    await add_slot(panel, utc(2026, 12, 3, 12, 0))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    sync_engine = panel.storage.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        async with panel.storage.uow() as uow:
            cards = await slot_cards(uow, panel.anna_id, NOW, utc(2026, 12, 4), "en")
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)

    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert [c.candidate_name for c in cards] == [*(f"Candidate {h}" for h in range(6, 10)), None]
    assert [c.phone for c in cards] == ["+76", "+77", "+78", "+79", None]
    assert {c.vacancy for c in cards} == {"Courier", None}
    assert cards[-1].candidate_id is None and cards[0].candidate_id is not None


async def test_the_forms_offer_the_week_or_day_shown_not_only_tomorrow(panel: Panel) -> None:
    await panel.login()
    anna = panel.anna_id

    def day_field(page: str, form: str, name: str) -> str:
        block = page[page.index(f'id="{form}"') :]
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', block)
        assert found, block[:2000]
        return found.group(1)

    # This week (the clock's Tuesday): tomorrow.
    page = await (await panel.client.get(f"/slots?recruiter_id={anna}")).text()
    assert day_field(page, "slot-form", "day") == "2026-12-02"
    # Three weeks ahead: that week's Monday, in both forms.
    ahead = await (await panel.client.get(f"/slots?recruiter_id={anna}&week=2026-12-23")).text()
    assert day_field(ahead, "slot-form", "day") == "2026-12-21"
    assert day_field(ahead, "series-form", "first_day") == "2026-12-21"
    # A day shown: that day; a past week: still tomorrow.
    day = await panel.client.get(f"/slots?recruiter_id={anna}&view=day&day=2026-12-10")
    assert day_field(await day.text(), "slot-form", "day") == "2026-12-10"
    past = await (await panel.client.get(f"/slots?recruiter_id={anna}&week=2026-11-10")).text()
    assert day_field(past, "slot-form", "day") == "2026-12-02"


async def test_a_slot_in_another_zone_than_the_pages_names_its_own(panel: Panel) -> None:
    """A recruiter in cities of two zones: the grid is in the first city's zone, and a slot of
    the other city names the zone its time is read in."""
    anna, _, kazan, samara = await _entities(panel)
    async with panel.storage.uow() as uow:
        await uow.session.execute(
            recruiter_cities.insert().values(recruiter_id=anna.id, city_id=samara.id)
        )
        away = (await make_slot(uow, anna, samara, utc(2026, 12, 3, 7, 0))).id  # 11:00 Samara
        home = (await make_slot(uow, anna, kazan, utc(2026, 12, 3, 9, 0))).id  # 12:00 Kazan
        await uow.commit()
    await panel.login()
    page = await (await panel.client.get(f"/slots?recruiter_id={anna.id}")).text()

    def card(slot_id: int) -> str:
        start = page.index(f'id="slot-{slot_id}"')
        return page[start : page.index("</div>", start)]

    assert "(Europe/Samara)" in card(away)
    assert "(Europe/" not in card(home)


async def test_the_day_tab_opens_on_the_week_shown(panel: Panel) -> None:
    await panel.login()
    anna = panel.anna_id

    def day_tab(page: str) -> str:
        found = re.search(r'href="([^"]*)"[^>]*id="tab-day"', page)
        assert found, page[:3000]
        return found.group(1).replace("&amp;", "&")

    this_week = await (await panel.client.get(f"/slots?recruiter_id={anna}")).text()
    assert day_tab(this_week).endswith("day=2026-12-01")  # today, in the week shown
    later = await (await panel.client.get(f"/slots?recruiter_id={anna}&week=2026-12-16")).text()
    assert day_tab(later).endswith("day=2026-12-14")  # that week's Monday

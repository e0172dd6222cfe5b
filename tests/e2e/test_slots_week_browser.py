"""The Slots page's week grid in the system Chromium, against the whole running application, on
a Saturday (so the week that opens is the coming one): a booked slot opens its candidate, a free
one is deleted back to the same week, a drag over free hours on two days proposes a series whose
preview counts its slots, and creating it puts them in the grid. In English and in Russian (the
account's language), and at a phone's width; screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from domain.organisation.accounts import create_admin
from storage.models import Booking
from tests.e2e.conftest import RunningApp
from tests.support.browser import page, screenshot_path
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot

__all__ = ["page"]  # the fixture

PASSWORD = "browser password 1"
SATURDAY = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
NEXT_MONDAY = "2026-12-07"
# What sticks out past a 390px screen, outside the grid's own scrolling box (named, to fix).
WIDER_THAN_THE_SCREEN = (
    "[...document.querySelectorAll('body *')]"
    ".filter(e => e.getBoundingClientRect().right > 391 && !e.closest('#week'))"
    ".map(e => e.tagName + '.' + e.className + '#' + e.id)"
)


async def _shot(page: Any, name: str) -> None:
    await page.screenshot(path=screenshot_path(f"slots-week-{name}"), full_page=True)


async def _seed(app: RunningApp, locale: str) -> tuple[int, int, int, int]:
    """Olga in Tver with a booked slot (Tue 10:00) and a free one (Wed 11:00) next week:
    (recruiter, booked slot, free slot, candidate)."""
    async with app.app.uow_factory() as uow:
        await create_admin(uow, "boss", PASSWORD)
        account = await uow.admin_users.get_by_login("boss")
        assert account is not None
        account.locale = locale
        tver = await make_city(uow, "Tver", timezone="Europe/Moscow")
        olga = await make_recruiter(uow, tver, name="Olga")
        booked = await make_slot(uow, olga, tver, datetime(2026, 12, 8, 7, 0, tzinfo=UTC))
        free = await make_slot(uow, olga, tver, datetime(2026, 12, 9, 8, 0, tzinfo=UTC))
        maria = await make_candidate(
            uow, tver, full_name="Maria Browser", status=CandidateStatus.INTERVIEW_SCHEDULED
        )
        uow.bookings.add(
            Booking(
                slot_id=booked.id,
                candidate_id=maria.id,
                purpose=SlotPurpose.INTERVIEW,
                status=BookingStatus.APPROVED,
            )
        )
        await uow.commit()
        return olga.id, booked.id, free.id, maria.id


async def _log_in(page: Any, url: str) -> None:
    await page.goto(url + "/login")
    await page.fill("#login", "boss")
    await page.fill("#password", PASSWORD)
    async with page.expect_navigation():
        await page.click("button[type=submit]")


async def _drag(page: Any, start: str, end: str) -> None:
    """Press on one cell, move over to another, release: as a recruiter's mouse does."""
    await page.locator(end).scroll_into_view_if_needed()
    first = await page.locator(start).bounding_box()
    last = await page.locator(end).bounding_box()
    assert first is not None and last is not None
    await page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    await page.mouse.down()
    await page.mouse.move(last["x"] + last["width"] / 2, last["y"] + last["height"] / 2, steps=8)
    async with page.expect_navigation():
        await page.mouse.up()


def _cell(day: str, hour: int) -> str:
    return f"td.cell[data-day='{day}'][data-hour='{hour}']"


@pytest.mark.parametrize("e2e_now", [SATURDAY])
@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_a_recruiter_plans_the_coming_week_on_the_grid(
    running_app: RunningApp, page: Any, locale: str
) -> None:
    olga, booked, free, maria = await _seed(running_app, locale)
    url = running_app.url
    week = f"{url}/slots?recruiter_id={olga}"
    await _log_in(page, url)

    # Saturday: the coming week opens, the zone named.
    await page.goto(week)
    assert await page.get_attribute("html", "lang") == locale
    await page.wait_for_selector(f"#day-{NEXT_MONDAY}")
    assert "Europe/Moscow" in await page.inner_text("main")
    assert await page.is_visible("#drag-hint")  # the script is running (CSP allows it)
    assert "Maria Browser" in await page.inner_text(_cell("2026-12-08", 10))
    await _shot(page, f"{locale}-opened")

    # A booked slot opens its booking: the candidate.
    async with page.expect_navigation():
        await page.click(f"#slot-{booked} a")
    assert page.url.endswith(f"/candidates/{maria}")
    assert "Maria Browser" in await page.inner_text("#candidate-name")

    # A free slot is deleted after a second, confirming click; the same week comes back.
    await page.goto(week)
    await page.click(f"#slot-{free} summary")
    await _shot(page, f"{locale}-delete-confirm")
    async with page.expect_navigation():
        await page.click(f"#slot-{free} button.danger")
    await page.wait_for_selector("#flash")
    assert f"week={NEXT_MONDAY}" in page.url
    assert await page.locator(f"#slot-{free}").count() == 0
    assert await page.locator(f"#day-{NEXT_MONDAY}").count() == 1

    # A drag over Thursday and Friday, 14:00 to 15:59, proposes a series: 2 days × 2 hours.
    await _drag(page, _cell("2026-12-10", 14), _cell("2026-12-11", 15))
    await page.wait_for_selector("#preview-count")
    assert await page.inner_text("#preview-count") == "4"
    form = page.locator("#series-form")
    assert await form.locator("[name=first_day]").input_value() == "2026-12-10"
    assert await form.locator("[name=last_day]").input_value() == "2026-12-11"
    assert await form.locator("[name=start]").input_value() == "14:00"
    assert await form.locator("[name=end]").input_value() == "16:00"
    checked = form.locator("[name=weekdays]:checked")
    assert [await checked.nth(i).get_attribute("value") for i in range(await checked.count())] == [
        "3",
        "4",
    ]
    await _shot(page, f"{locale}-series-preview")
    async with page.expect_navigation():
        await page.click("#series-create button")
    await page.wait_for_selector("#flash")
    for day in ("2026-12-10", "2026-12-11"):
        for hour in (14, 15):
            assert await page.locator(f"{_cell(day, hour)} .slot.free").count() == 1, (day, hour)
    assert await page.locator("#week .slot").count() == 5  # Maria's and the four new ones
    await _shot(page, f"{locale}-series-created")

    # On a phone: the grid scrolls inside its box, nothing wider than the screen.
    await page.set_viewport_size({"width": 390, "height": 800})
    await page.goto(week)
    assert await page.evaluate(WIDER_THAN_THE_SCREEN) == []
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    inside = "document.getElementById('week')"
    assert await page.evaluate(f"{inside}.scrollWidth > {inside}.clientWidth")
    await _shot(page, f"{locale}-phone-week")
    await page.goto(f"{week}&view=day&day=2026-12-08")
    await page.wait_for_selector(f"#slot-{booked} a.candidate")
    assert "Maria Browser" in await page.inner_text("#day-cards")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await _shot(page, f"{locale}-phone-day")


@pytest.mark.parametrize("e2e_now", [SATURDAY])
async def test_a_finger_drags_over_free_hours_on_a_phone(
    running_app: RunningApp, page: Any
) -> None:
    """Touch, as a phone sends it (Chromium's own touch input): the same pointer events."""
    olga, _, _, _ = await _seed(running_app, "en")
    await _log_in(page, running_app.url)
    browser = page.context.browser
    phone = await browser.new_context(
        viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True
    )
    await phone.add_cookies(await page.context.cookies())
    touch = await phone.new_page()
    await touch.goto(f"{running_app.url}/slots?recruiter_id={olga}")
    end = touch.locator(_cell("2026-12-07", 12))
    await end.scroll_into_view_if_needed()
    first = await touch.locator(_cell("2026-12-07", 11)).bounding_box()
    last = await end.bounding_box()
    assert first is not None and last is not None
    cdp = await phone.new_cdp_session(touch)

    async def finger(kind: str, box: dict[str, float] | None) -> None:
        points = [] if box is None else [{"x": box["x"] + 10, "y": box["y"] + 10}]
        await cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    await finger("touchStart", first)
    await finger("touchMove", last)
    async with touch.expect_navigation():
        await finger("touchEnd", None)
    await touch.wait_for_selector("#preview-count")
    assert await touch.inner_text("#preview-count") == "2"  # Monday 11:00 and 12:00
    assert await touch.evaluate("document.documentElement.scrollWidth") <= 390
    await touch.screenshot(path=screenshot_path("slots-week-en-phone-touch-preview"))
    await phone.close()

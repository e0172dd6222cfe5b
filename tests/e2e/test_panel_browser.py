"""The admin panel in the system Chromium, against the whole running application: an admin logs
in, adds a city, a recruiter and a week of slots, finds a candidate and changes their status.
Every page is saved as a screenshot in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.enums import CandidateStatus
from domain.organisation.accounts import create_admin
from tests.e2e.conftest import RunningApp
from tests.support.browser import page, screenshot_path
from tests.support.factories import make_candidate

__all__ = ["page"]  # the fixture

PASSWORD = "browser password 1"


async def _shot(page: Any, name: str) -> None:
    await page.screenshot(path=screenshot_path(f"panel-{name}"), full_page=True)


async def _log_in(page: Any, url: str) -> None:
    await page.goto(url + "/login")
    await _shot(page, "login")
    await page.fill("#login", "boss")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("h1:has-text('Dashboard')")
    await _shot(page, "dashboard")


async def _add_city_and_recruiter(page: Any, url: str) -> None:
    await page.goto(url + "/cities")
    await page.fill("#city-form [name=name]", "Tver")
    await page.fill("#city-form [name=timezone]", "Europe/Moscow")
    await page.click("#city-form button[type=submit]")
    await page.wait_for_selector("#flash:has-text('Tver')")
    await page.wait_for_selector("#cities td:has-text('Tver')")
    await _shot(page, "cities")

    await page.goto(url + "/recruiters")
    await page.fill("#recruiter-form [name=name]", "Olga")
    await page.fill("#recruiter-form [name=timezone]", "Europe/Moscow")
    await page.select_option("#recruiter-form [name=city_ids]", label="Tver")
    await page.click("#recruiter-form button[type=submit]")
    await page.wait_for_selector("#flash:has-text('Olga')")
    row = page.locator("#recruiters tr", has_text="Olga")
    await row.get_by_role("button", name="Create invite link").click()
    await page.wait_for_selector("#invite a")
    await _shot(page, "recruiters")


async def _add_a_week_of_slots(page: Any, url: str, app: RunningApp) -> int:
    await page.goto(url + "/slots")
    await page.select_option("#pick-recruiter select", label="Olga")
    await page.click("#pick-recruiter button[type=submit]")
    form = page.locator("#series-form")
    await form.wait_for()
    monday = app.clock.now().date() + timedelta(days=7 - app.clock.now().weekday())
    for day in range(5):
        await form.locator(f"[name=weekdays][value='{day}']").check()
    await form.locator("[name=start]").fill("10:00")
    await form.locator("[name=end]").fill("13:00")
    await form.locator("[name=step_minutes]").fill("60")
    await form.locator("[name=first_day]").fill(monday.isoformat())
    await form.locator("[name=last_day]").fill((monday + timedelta(days=6)).isoformat())
    await form.get_by_role("button", name="Preview").click()
    assert await page.inner_text("#preview-count") == "15"  # 5 days × 10:00, 11:00, 12:00
    await _shot(page, "slots-series-preview")
    await page.click("#series-create button")
    await page.wait_for_selector("#flash:has-text('Created 15 slots')")
    # The week view opens on the series' first week.
    assert await page.locator(f"td.cell[data-day='{monday.isoformat()}'] .slot").count() == 3
    await _shot(page, "slots-week")
    await page.get_by_role("link", name="Coming slots").click()
    await page.wait_for_selector("#slots td")
    await _shot(page, "slots-list")
    return 15


async def _change_a_candidates_status(page: Any, url: str, app: RunningApp) -> int:
    async with app.app.uow_factory() as uow:
        tver = await uow.cities.get_by_name("Tver")
        assert tver is not None
        maria = await make_candidate(
            uow, tver, full_name="Maria Browser", status=CandidateStatus.SCREENING_PASSED
        )
        await uow.commit()
    await page.goto(url + "/candidates")
    await page.fill("#candidate-filters [name=q]", "maria brow")
    await page.click("#candidate-filters button[type=submit]")
    await page.wait_for_selector("#shown:has-text('1–1 of 1')")
    await _shot(page, "candidates")
    await page.click("#candidates a:has-text('Maria Browser')")
    await page.wait_for_selector("#candidate-name")
    await page.select_option("#status-form [name=status]", "withdrawn")
    await page.fill("#status-form [name=reason]", "Took another offer")
    await page.click("#status-form button[type=submit]")
    await page.wait_for_selector("#status:has-text('Withdrew')")
    await _shot(page, "candidate")
    return maria.id


async def test_an_admin_runs_the_operation_from_the_panel(
    running_app: RunningApp, page: Any
) -> None:
    async with running_app.app.uow_factory() as uow:
        await create_admin(uow, "boss", PASSWORD)
    url = running_app.url
    await _log_in(page, url)
    await _add_city_and_recruiter(page, url)
    await _add_a_week_of_slots(page, url, running_app)
    maria_id = await _change_a_candidates_status(page, url, running_app)

    async with running_app.app.uow_factory() as uow:
        maria = await uow.candidates.get(maria_id)
        assert maria is not None and maria.status is CandidateStatus.WITHDRAWN
        history = await uow.candidates.status_history(maria_id)
        assert history[-1].reason == "Took another offer"
        olga = next(r for r in await uow.recruiters.list_with_cities() if r.name == "Olga")
        assert [c.name for c in olga.cities] == ["Tver"]

    for path, name in [
        ("/questions", "questions"),
        ("/templates", "templates"),
        ("/templates/welcome?locale=en", "template-editor"),
        ("/auto-messages", "auto-messages"),
        ("/audit", "audit"),
        ("/accounts", "accounts"),
        ("/no-such-page", "not-found"),
    ]:
        response = await page.goto(url + path)
        assert response is not None
        assert response.status == (404 if name == "not-found" else 200), path
        await _shot(page, name)
    await page.goto(url + "/audit")
    assert f"candidate #{maria_id}" in await page.inner_text("#audit")

    # On a phone: nothing wider than the screen (wide tables scroll inside their box).
    await page.set_viewport_size({"width": 390, "height": 800})
    for path, name in [("/", "phone-dashboard"), (f"/candidates/{maria_id}", "phone-candidate")]:
        await page.goto(url + path)
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390, path
        await _shot(page, name)

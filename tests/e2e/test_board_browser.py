"""The pipeline board in the system Chromium, against the whole running application: an admin
drags a card to another column and gives the reason (the candidate's status changes), selects two
cards and tags them, sees a refused move explained, reads the board in Russian, and on a phone's
width the columns scroll inside their box while the page stays as wide as the screen.
Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.clock import FrozenClock
from core.enums import CandidateStatus, InboundKind
from core.result import Success
from domain.bookings.booking import Messaging, book_slot
from domain.conversations.inbox import Inbound, record_inbound
from domain.messaging.texts import Catalog
from domain.organisation.accounts import create_admin
from domain.scheduling.picker import BookingRules
from tests.e2e.conftest import RunningApp
from tests.support.browser import page, screenshot_path
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot

__all__ = ["page"]  # the fixture

PASSWORD = "browser password 1"
PHONE_WIDTH = 390


async def _shot(page: Any, name: str) -> None:
    await page.screenshot(path=screenshot_path(f"board-{name}"), full_page=True)


async def test_an_admin_moves_and_tags_cards_on_the_board(
    running_app: RunningApp, page: Any
) -> None:
    app = running_app
    now = app.clock.now()
    async with app.app.uow_factory() as uow:
        await create_admin(uow, "boss", PASSWORD)
    async with app.app.uow_factory() as uow:
        tver = await make_city(uow, "Tver")
        anna = await make_candidate(
            uow, tver, full_name="Anna Board", status=CandidateStatus.NEW, source="hh"
        )
        boris = await make_candidate(uow, tver, full_name="Boris Board", status=CandidateStatus.NEW)
        vera = await make_candidate(uow, tver, full_name="Vera Board")  # passed screening
        olga = await make_recruiter(uow, tver, name="Olga")
        # Tuesday 1 Dec 10:00 UTC: 13:00 in Tver's zone (Europe/Moscow)
        slot = await make_slot(uow, olga, tver, starts_at=now + timedelta(days=1, hours=4))
        await record_inbound(uow, FrozenClock(now), boris, Inbound(InboundKind.TEXT, "Hello?"))
        await uow.commit()
    async with app.app.uow_factory() as uow:
        messaging = Messaging(Catalog.load("ru"), FrozenClock(now), BookingRules())
        booked = await book_slot(uow, messaging, candidate_id=vera.id, slot_id=slot.id)
    assert isinstance(booked, Success), booked
    url = app.url
    await page.goto(url + "/login")
    await page.fill("#login", "boss")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("h1:has-text('Dashboard')")

    await page.click("header a:has-text('Pipeline')")
    await page.wait_for_selector("h1:has-text('Pipeline')")
    assert await page.inner_text("#count-new") == "2"
    vera_card = await page.inner_text(f"#card-{vera.id}")
    assert "Interview: Tue, 1 Dec, 13:00 (Europe/Moscow)" in vera_card
    assert "✉ 1" in await page.inner_text(f"#card-{boris.id}")
    await _shot(page, "en")

    # A card dragged to the next column asks why, then moves.
    await page.drag_and_drop(f"#card-{anna.id} .meta", "#col-screening")
    dialog = page.locator("#move-dialog")
    await dialog.wait_for(state="visible")
    assert "Anna Board" in await page.inner_text("#move-what")
    assert "In screening" in await page.inner_text("#move-what")
    await _shot(page, "move-dialog")
    await page.fill("#move-dialog-reason", "Called her, starts the test")
    await page.click("#move-confirm")
    await page.wait_for_selector("#flash:has-text('The card is moved')")
    await page.wait_for_selector(f"#col-screening #card-{anna.id}")
    assert await page.inner_text("#count-new") == "1"
    assert await page.inner_text("#count-screening") == "1"
    async with app.app.uow_factory() as uow:
        moved = await uow.candidates.get(anna.id)
        assert moved is not None and moved.status is CandidateStatus.SCREENING
        history = await uow.candidates.status_history(anna.id)
        assert history[-1].reason == "Called her, starts the test"

    # Two cards chosen (one by its column's box), then tagged at once.
    await page.check("[data-select-column=new]")
    await page.check(f"#card-{vera.id} input[name=ids]")
    assert await page.inner_text("#selected-count") == "Selected: 2"
    await page.fill("#f-tags", "night shift")
    await _shot(page, "selection")
    await page.click("#bulk-tag")
    await page.wait_for_selector("#flash:has-text('Done for 2 candidates')")
    async with app.app.uow_factory() as uow:
        tags = await uow.tags.of_candidates([anna.id, boris.id, vera.id])
    assert tags == {boris.id: ["night shift"], vera.id: ["night shift"]}

    # The card's own form (what works without scripts): a move to the status it has is
    # refused, said on the board and on the card.
    card = page.locator(f"#card-{boris.id}")
    await card.locator("details.move summary").click()
    await card.locator("select[name=status]").select_option("new")
    await card.locator("input[name=reason]").fill("Again")
    await card.get_by_role("button", name="Move").click()
    await page.wait_for_selector("#move-error:has-text('the candidate has this status already')")
    await page.wait_for_selector(f"#card-{boris.id} .move-card-error")
    await _shot(page, "refused")

    # The account's language, chosen in the menu: the board in Russian.
    await page.select_option("#language-form select", "ru")
    await page.wait_for_selector("h1:has-text('Доска кандидатов')")
    assert await page.inner_text("#selected-count") == "Выбрано: 0"
    await _shot(page, "ru")

    # A phone: nothing wider than the screen; the columns scroll inside their own box.
    await page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    await page.goto(url + "/board")
    await page.wait_for_selector("#board")
    page_width = await page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE_WIDTH
    board_box = await page.evaluate(
        "(() => { const b = document.getElementById('board');"
        " return [b.scrollWidth, b.clientWidth]; })()"
    )
    assert board_box[0] > board_box[1] and board_box[1] <= PHONE_WIDTH
    await _shot(page, "phone")

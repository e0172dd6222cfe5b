"""A candidate's thread in the system Chromium, against the whole running application in sandbox
mode: the admin finds an unread conversation in the inbox, opens it (read: the count drops),
opens the photo the candidate sent (fetched through the sandbox's Bot API), replies, adds a note
and a tag. Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.clock import FrozenClock
from core.enums import InboundKind
from domain.conversations.inbox import Inbound, record_inbound
from domain.organisation.accounts import create_admin
from runtime.sandbox_mode import SANDBOX_BOT_TOKEN
from sandbox.user_actions import send_media
from tests.e2e.conftest import RunningApp
from tests.support.browser import page, screenshot_path
from tests.support.factories import make_candidate

__all__ = ["page"]  # the fixture

PASSWORD = "browser password 1"


async def _shot(page: Any, name: str) -> None:
    await page.screenshot(path=screenshot_path(f"panel-{name}"), full_page=True)


async def test_an_admin_reads_and_answers_a_thread(running_app: RunningApp, page: Any) -> None:
    app = running_app
    world = app.world
    person = world.add_user(first_name="Vera")
    photo = send_media(world, world.bot_for_token(SANDBOX_BOT_TOKEN), person, "photo")
    now = app.clock.now()
    async with app.app.uow_factory() as uow:
        await create_admin(uow, "boss", PASSWORD)
    async with app.app.uow_factory() as uow:
        vera = await make_candidate(uow, None, full_name="Vera Thread", telegram_id=person.id + 1)
        await uow.commit()
        earlier = FrozenClock(now - timedelta(minutes=5))
        await record_inbound(uow, earlier, vera, Inbound(InboundKind.TEXT, "Can I come at 9?"))
        await record_inbound(
            uow, earlier, vera, Inbound(InboundKind.PHOTO, file_id=f"photo-{photo.message_id}")
        )
        await uow.commit()

    url = app.url
    await page.goto(url + "/login")
    await page.fill("#login", "boss")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("a:has-text('Inbox (2)')")
    await page.goto(url + "/inbox")
    await _shot(page, "inbox-conversations")
    await page.click(f"#thread-{vera.id} a")
    await page.wait_for_selector("#timeline .in.new:has-text('Can I come at 9?')")
    assert await page.locator("header a:has-text('Inbox')").inner_text() == "Inbox"

    picture = await page.request.get(
        url + await page.get_attribute("#timeline a.file", "href")  # type: ignore[operator]
    )
    assert picture.status == 200 and picture.headers["content-type"] == "image/png"
    assert (await picture.body()).startswith(b"\x89PNG")

    await page.fill("#message-form textarea", "Yes, 9 is fine")
    await page.click("#message-form button[type=submit]")
    await page.wait_for_selector("#timeline .out:has-text('Yes, 9 is fine')")
    await page.fill("#note-form textarea", "Early bird")
    await page.click("#note-form button[type=submit]")
    await page.wait_for_selector("#timeline .note:has-text('Early bird')")
    await page.fill("#tags-form [name=tags]", "morning, driver")
    await page.click("#tags-form button[type=submit]")
    await page.wait_for_selector("#tags .tag-name:has-text('driver')")
    await _shot(page, "candidate-thread")

    await page.set_viewport_size({"width": 390, "height": 800})
    await page.goto(url + f"/candidates/{vera.id}")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await _shot(page, "phone-candidate-thread")

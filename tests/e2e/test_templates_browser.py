"""The Templates page in the system Chromium, against the whole running application: an admin
searches the messages (grouped by stage), opens one, types a text and sees it in the chat
bubble as Telegram would show it (bold is bold, the sample name filled in), in English and,
after switching the account to Russian, with the Russian sample; on a phone nothing is wider
than the screen. Screenshots in test-artifacts/."""

from __future__ import annotations

from typing import Any

from domain.organisation.accounts import create_admin
from tests.e2e.conftest import RunningApp
from tests.support.browser import page, screenshot_path

__all__ = ["page"]  # the fixture

PASSWORD = "browser password 1"
TYPED = "<b>Hi</b> {{ name }}"


async def _shot(page: Any, name: str) -> None:
    await page.screenshot(path=screenshot_path(f"templates-{name}"), full_page=True)


async def _type_and_see(page: Any, name: str) -> None:
    """Types the text; the live preview's bubble shows a bold "Hi" and the sample name."""
    await page.fill("#f-body", TYPED)
    bubble = page.locator("#preview-shown")
    await page.wait_for_selector(f"#preview-shown:has-text('{name}')")
    assert await bubble.locator("b").inner_text() == "Hi"
    assert await bubble.inner_html() == f"<b>Hi</b> {name}"
    # the source (in the folded "source" box), as text
    assert await page.text_content("#preview") == f"<b>Hi</b> {name}"
    assert await page.inner_text("#preview-length") != ""


async def test_an_admin_finds_a_template_and_previews_it_as_telegram_shows_it(
    running_app: RunningApp, page: Any
) -> None:
    async with running_app.app.uow_factory() as uow:
        await create_admin(uow, "boss", PASSWORD)
    url = running_app.url
    await page.goto(url + "/login")
    await page.fill("#login", "boss")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("h1:has-text('Dashboard')")

    await page.goto(url + "/templates")
    assert await page.locator("section.template-stage").count() == 8
    await page.fill("#f-q", "remind")
    await page.click("#template-search button[type=submit]")
    await page.wait_for_selector("#search-found")
    assert await page.locator("#stage-booking tr#template-reminder").count() == 1
    assert await page.locator("#template-welcome").count() == 0
    await _shot(page, "search")
    await page.fill("#f-q", "welcome")
    await page.click("#template-search button[type=submit]")
    await page.click("#template-welcome a")
    await page.wait_for_selector("#template-form")
    await page.select_option("#f-locale", "en")
    await page.click("#place-form button[type=submit]")
    await page.wait_for_selector("#template-form[data-locale=en]")
    await _type_and_see(page, "Anna Ivanova")
    await _shot(page, "editor-en")

    # The account reads Russian from now on: the Russian template previews a Russian name.
    await page.select_option("#language-form select", "ru")
    await page.wait_for_selector("html[lang=ru]")
    await page.goto(url + "/templates/welcome?locale=ru")
    await page.wait_for_selector("h1:has-text('Шаблоны')")
    await _type_and_see(page, "Анна Иванова")
    assert "Анна Иванова" in await page.inner_text("#variables")
    await _shot(page, "editor-ru")

    await page.set_viewport_size({"width": 390, "height": 800})
    for path, name in [("/templates", "phone-list"), ("/templates/welcome?locale=ru", "phone")]:
        await page.goto(url + path)
        if name == "phone":
            await _type_and_see(page, "Анна Иванова")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390, path
        await _shot(page, name)

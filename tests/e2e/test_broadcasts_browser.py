"""A broadcast from the panel in the system Chromium, against the whole running application in
sandbox mode: the admin picks a city and a status and sees how many people it will reach, sends
a test to their own Telegram chat (it arrives there), creates the broadcast and watches its
progress reach everyone, in English and in Russian; on a phone nothing is wider than the screen.
Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.enums import AdminRole, CandidateStatus
from core.result import Success
from domain.organisation.account_admin import create_account
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import wait_for_text
from tests.e2e.recruiting import invited_recruiter, recruiter_id
from tests.support.browser import page, screenshot_path
from tests.support.factories import make_candidate, make_city

__all__ = ["page"]  # the fixture

PASSWORD = "browser password 1"
S = CandidateStatus
SAYS = {
    "en": {
        "count": "2 people will receive it",
        "tested": "The test message is on its way to your Telegram chat.",
        "queued": "queued 2, sent 0,",
        "sent": "sent 2,",
        "done": "done",
        "kind": "broadcast",
        "home": "Dashboard",
    },
    "ru": {
        "count": "Получат 2 человека",
        "tested": "Пробное сообщение отправляется в ваш чат в Телеграме.",
        "queued": "в очереди 2, отправлено 0,",
        "sent": "отправлено 2,",
        "done": "завершена",
        "kind": "разовая",
        "home": "Сводка",
    },
}


@pytest.fixture
def e2e_now() -> datetime:
    """22:30 in Moscow, in the recipients' quiet hours (22:00-08:00): the broadcast is queued at
    once but waits for the morning, so the page is open while it is being sent. A test send to
    the admin's own chat is not held."""
    return datetime(2026, 11, 30, 19, 30, tzinfo=UTC)


async def _audience(app: RunningApp) -> tuple[int, list[Chat]]:
    """A city of its own: two people who passed screening (one applied twice) and started the
    bot, one who did not come, one who blocked the bot. Its id, and the two chats."""
    bot = app.world.primary_bot()
    assert bot is not None
    chats = []
    for name in ("Ivan", "Olga"):
        persona = await app.sandbox.persona(name, language="ru")
        app.world.users[persona.id].started_bots.add(bot.id)  # they talked to the bot before
        chats.append(Chat(persona))
    async with app.app.uow_factory() as uow:
        city = await make_city(uow, "Торжок", timezone="Europe/Moscow")
        ivan, olga = chats
        await make_candidate(uow, city, telegram_id=ivan.id, full_name="Ivan", is_current=False)
        await make_candidate(uow, city, telegram_id=ivan.id, full_name="Ivan")
        await make_candidate(uow, city, telegram_id=olga.id, full_name="Olga")
        await make_candidate(uow, city, full_name="Nobody", status=S.NO_SHOW)
        await make_candidate(uow, city, full_name="Blocked", reachable=False)
        await uow.commit()
    return city.id, chats


async def _admin_with_a_chat(app: RunningApp, locale: str) -> Chat:
    """The admin's account, linked to a recruiter whose Telegram is connected: their chat."""
    chat = await invited_recruiter(app)
    async with app.app.uow_factory() as uow:
        made = await create_account(
            uow,
            "boss",
            PASSWORD,
            AdminRole.ADMIN,
            await recruiter_id(app, "Анна Смирнова"),
            actor="cli",
            admin_user_id=None,
        )
        assert isinstance(made, Success), made
        account = await uow.admin_users.get(made.value.id)
        assert account is not None
        account.locale = locale
        await uow.commit()
    return chat


async def _shot(page: Any, name: str) -> None:
    await page.screenshot(path=screenshot_path(f"broadcasts-{name}"), full_page=True)


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_an_admin_counts_tests_and_sends_a_broadcast(
    running_app: RunningApp, page: Any, locale: str
) -> None:
    from playwright.async_api import expect

    says = SAYS[locale]
    city_id, people = await _audience(running_app)
    own_chat = await _admin_with_a_chat(running_app, locale)
    url = running_app.url
    await page.goto(url + "/login")
    await page.fill("#login", "boss")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector(f"h1:has-text('{says['home']}')")

    await page.goto(url + "/auto-messages")
    form = page.locator("#auto-message-form")
    await form.locator("[name=text]").fill("Hi {{ name }}, open day on Friday!")
    await form.locator("[name=city_ids]").select_option(str(city_id))
    await form.locator("[name=statuses]").select_option("screening_passed")
    await expect(page.locator("#audience-count")).to_have_text(says["count"])
    await _shot(page, f"count-{locale}")

    await page.click("#test-send")
    await expect(page.locator("#test-sent")).to_have_text(says["tested"])
    await _shot(page, f"test-sent-{locale}")
    await running_app.deliver_outbox()
    await wait_for_text(own_chat, "Hi Анна Смирнова, open day on Friday!")

    # The form came back as it was typed: name it and create it, to go now.
    await form.locator("[name=name]").fill("Open day")
    await form.locator("button.primary").click()
    row = page.locator("#auto-messages tr", has_text="Open day")
    await row.wait_for()
    await expect(row.locator("td").nth(1)).to_have_text(says["kind"])
    # Saving it queued it (no minute job run here), for the morning: the page keeps asking.
    await expect(row.locator(".progress-text")).to_contain_text(says["queued"])
    assert await page.get_attribute("#auto-messages", "data-sending") == "1"
    running_app.clock.advance(timedelta(hours=10))  # 08:30 in Moscow
    await running_app.deliver_outbox()
    # The page asks for the numbers itself, and stops when nothing is left to send.
    await expect(row.locator(".progress-text")).to_contain_text(says["sent"], timeout=30_000)
    await expect(row.locator(".state")).to_have_text(says["done"])
    await expect(row.locator("form.inline")).to_have_count(0)  # nothing left to pause
    await expect(page.locator("#auto-messages")).to_have_attribute("data-sending", "0")
    assert await row.locator("progress").evaluate("bar => [bar.value, bar.max]") == [2, 2]
    await _shot(page, f"sent-{locale}")
    for person in people:
        await wait_for_text(person, "open day on Friday!")
    ivan_messages = [m for m in await people[0].bot_messages() if "open day" in (m["text"] or "")]
    assert len(ivan_messages) == 1  # two applications, one message

    await page.set_viewport_size({"width": 390, "height": 800})
    await page.goto(url + "/auto-messages")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await _shot(page, f"phone-{locale}")

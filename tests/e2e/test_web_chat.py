"""The web chat in a real browser: a person talks to the bot and sees answers arrive."""

from __future__ import annotations

from typing import Any

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from tests.e2e.conftest import RunningApp
from tests.support.browser import page, screenshot_path
from tests.support.waiting import eventually

__all__ = ["page"]  # the fixture


async def test_a_persona_starts_the_bot_and_answers_appear_without_reloading(
    running_app: RunningApp, page: Any
) -> None:
    await page.goto(running_app.url + "/sandbox")
    await page.fill("input[name=first_name]", "Maria")
    await page.select_option("select[name=language_code]", "en")
    await page.click("#new-persona button[type=submit]")
    await page.wait_for_selector("#personas li.active")
    await page.fill("#payload", "site_banner")
    await page.click("#start")
    reply = page.locator(".msg.bot").first
    await reply.wait_for()
    assert (await reply.inner_text()).startswith("Hello, Maria!")

    users = await running_app.sandbox.get("users")
    maria = next(u for u in users if u["first_name"] == "Maria")
    # A message the bot sends later shows up by itself, with its buttons.
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Pick me", callback_data="pick:1")]]
    )
    await running_app.app.bot.send_message(maria["id"], "Choose:", reply_markup=keyboard)
    await page.get_by_role("button", name="Pick me").click()
    world = running_app.app.sandbox
    assert world is not None
    await eventually(
        lambda: any(c.data == "pick:1" for c in world.callbacks.values()), "the press arrived"
    )
    assert any(c.data == "pick:1" and c.user_id == maria["id"] for c in world.callbacks.values())

    contact_keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Send my phone", request_contact=True)]],
        one_time_keyboard=True,
    )
    await running_app.app.bot.send_message(
        maria["id"], "Your phone?", reply_markup=contact_keyboard
    )
    await page.get_by_role("button", name="Send my phone").click()
    await page.locator(".msg.user", has_text="Contact: +").wait_for()

    await page.fill("#text", "Hello there")
    await page.click("#send button[type=submit]")
    await page.locator(".msg.user", has_text="Hello there").wait_for()
    await page.screenshot(path=screenshot_path("sandbox-web-chat"), full_page=True)

    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(maria["id"])
        assert candidate is not None
        assert candidate.source == "site_banner"

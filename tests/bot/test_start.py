"""`/start` through the real dispatcher: registration, source, language, templates."""

from __future__ import annotations

from storage.models import MessageTemplate
from tests.bot.conftest import BotHarness, button_update, shown_consent
from tests.support.bot import text_update


async def test_start_with_a_payload_registers_the_candidate_with_its_source(
    harness: BotHarness,
) -> None:
    await harness.dispatcher.feed_update(harness.bot, text_update("/start vk_spring", user_id=5))
    welcome, consent = harness.session.sent()
    assert welcome.chat_id == 5
    assert welcome.text.startswith("Hello, Ann!")
    assert consent.text.startswith("Before we start")
    await harness.dispatcher.feed_update(
        harness.bot, button_update(shown_consent(harness.session, agree=True), user_id=5)
    )
    assert harness.session.sent()[-1].text.startswith("Which city are you in?")
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(5)
        assert candidate is not None
        assert (candidate.source, candidate.locale, candidate.username) == (
            "vk_spring",
            "en",
            "ann",
        )


async def test_coming_back_keeps_the_first_source_and_one_record(harness: BotHarness) -> None:
    await harness.dispatcher.feed_update(harness.bot, text_update("/start first", user_id=6))
    await harness.dispatcher.feed_update(harness.bot, text_update("/start second", user_id=6))
    await harness.dispatcher.feed_update(harness.bot, text_update("/start", user_id=6))
    welcomes = [m for m in harness.session.sent() if m.text.startswith("Hello, Ann!")]
    assert len(welcomes) == 3
    async with harness.storage.uow() as uow:
        assert await uow.candidates.count() == 1
        candidate = await uow.candidates.get_by_telegram_id(6)
        assert candidate is not None
        assert candidate.source == "first"


async def test_a_russian_speaker_is_answered_in_russian(harness: BotHarness) -> None:
    update = text_update("/start", user_id=7, first_name="Иван", language_code="ru")
    await harness.dispatcher.feed_update(harness.bot, update)
    assert harness.session.sent()[0].text.startswith("Здравствуйте, Иван!")


async def test_an_unusable_payload_is_not_kept_as_a_source(harness: BotHarness) -> None:
    await harness.dispatcher.feed_update(harness.bot, text_update("/start a b <c>", user_id=8))
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(8)
        assert candidate is not None
        assert candidate.source is None


async def test_an_admin_override_of_the_template_is_used(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        uow.templates.add(
            MessageTemplate(key="welcome", locale="en", body="Welcome aboard, {{ name }}.")
        )
        await uow.commit()
    await harness.dispatcher.feed_update(
        harness.bot, text_update("/start", user_id=9, first_name="<Bob>")
    )
    assert harness.session.sent()[0].text == "Welcome aboard, &lt;Bob&gt;."

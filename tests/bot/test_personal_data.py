"""Consent, /mydata and /forgetme through the real dispatcher."""

from __future__ import annotations

import json
from datetime import timedelta

from aiogram.methods import SendDocument
from sqlalchemy import select

from bot.callbacks import ForgetChoice, UnversionedConsentChoice
from core.enums import CandidateStatus
from core.telegram_html import html_to_text
from storage.models import Candidate, InboundMessage, MessageTemplate
from tests.bot.conftest import BotHarness, button_update, shown_consent
from tests.support.bot import text_update
from tests.support.factories import NOW, make_candidate

USER = 5_101


async def _feed(harness: BotHarness, *updates: object) -> None:
    for update in updates:
        await harness.dispatcher.feed_update(harness.bot, update)  # type: ignore[arg-type]


async def _nobody_without_consent_has_personal_data(harness: BotHarness) -> None:
    """The invariant: personal data in a candidate row, or a message kept, only with consent."""
    async with harness.storage.uow() as uow:
        for c in (await uow.session.scalars(select(Candidate))).all():
            personal = (c.username, c.full_name, c.phone, c.wanted_city)
            if c.consent not in ("agreed", "prior"):  # prior: collected before consent existed
                assert personal == (None, None, None, None), c.id
                assert c.search_text == ""
                kept = await uow.session.scalars(
                    select(InboundMessage).where(InboundMessage.candidate_id == c.id)
                )
                assert kept.all() == [], c.id


async def _candidate(harness: BotHarness, telegram_id: int = USER) -> Candidate:
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(telegram_id)
        assert candidate is not None
        return candidate


async def test_nothing_personal_is_kept_before_agree(harness: BotHarness) -> None:
    await _feed(harness, text_update("/start", user_id=USER, first_name="Zoltan"))
    welcome, consent = harness.session.sent()
    assert welcome.text.startswith("Hello, Zoltan!")  # said, not kept
    assert consent.text.startswith("Before we start")
    assert "/mydata" in consent.text and "/forgetme" in consent.text
    for said in ("my phone is +79990001122", "Moscow", "/language", "/mydata", "/start"):
        await _feed(harness, text_update(said, user_id=USER, first_name="Zoltan"))
        await _nobody_without_consent_has_personal_data(harness)
    assert harness.session.sent()[-1].text.startswith("Before we start")  # asked again
    await _feed(
        harness, button_update(UnversionedConsentChoice(agree=True), user_id=USER)
    )  # a button from before versions: no agreement to an unknown text
    assert harness.session.sent()[-1].text.startswith("Before we start")
    await _nobody_without_consent_has_personal_data(harness)
    before = await _candidate(harness)
    assert (before.username, before.full_name, before.consent) == (None, None, None)

    await _feed(harness, button_update(shown_consent(harness.session, agree=True), user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Which city are you in?")
    after = await _candidate(harness)
    assert (after.username, after.full_name, after.consent) == ("ann", "Ann", "agreed")
    assert after.consent_at == NOW and after.consent_version
    await _nobody_without_consent_has_personal_data(harness)


async def test_decline_keeps_only_the_telegram_id_and_does_not_ask_again(
    harness: BotHarness,
) -> None:
    await _feed(harness, text_update("/start", user_id=USER))
    await _feed(harness, button_update(shown_consent(harness.session, agree=False), user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Understood: we keep nothing")
    await _feed(harness, text_update("hello there", user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Understood: we keep nothing")
    declined = await _candidate(harness)
    assert declined.consent == "declined" and declined.consent_at == NOW
    await _nobody_without_consent_has_personal_data(harness)
    await _feed(harness, text_update("/start", user_id=USER))  # asked only when they come back
    assert harness.session.sent()[-1].text.startswith("Before we start")


async def test_a_changed_consent_text_is_asked_again_at_the_next_contact(
    harness: BotHarness,
) -> None:
    async with harness.storage.uow() as uow:
        await make_candidate(uow, telegram_id=USER, status=CandidateStatus.NEW)
        await uow.commit()
    await _feed(harness, text_update("/start", user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Which city")  # agreed to this text
    old = (await _candidate(harness)).consent_version
    async with harness.storage.uow() as uow:
        uow.templates.add(MessageTemplate(key="consent", locale="en", body="New terms. Agree?"))
        await uow.commit()
    await _feed(harness, text_update("hello", user_id=USER))
    assert harness.session.sent()[-1].text == "New terms. Agree?"
    await _feed(harness, button_update(shown_consent(harness.session, agree=True), user_id=USER))
    renewed = await _candidate(harness)
    assert renewed.consent == "agreed" and renewed.consent_version != old
    assert renewed.full_name == "Test Candidate"  # kept, not replaced by the Telegram name


async def test_mydata_sends_a_summary_and_a_json_copy(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        await make_candidate(uow, telegram_id=USER, full_name="Zoltan Quixote", phone="+7999")
        await uow.commit()
    await _feed(harness, text_update("/mydata", user_id=USER))
    summary = harness.session.sent()[-1]
    assert "Zoltan Quixote" in summary.text and "+7999" in summary.text
    (document,) = [r for r in harness.session.requests if isinstance(r, SendDocument)]
    content = json.loads(document.document.data)  # type: ignore[union-attr]
    assert content["tables"]["candidates"][0]["full_name"] == "Zoltan Quixote"
    await _feed(harness, text_update("/mydata", user_id=USER + 1))
    assert harness.session.sent()[-1].text == "We hold no personal data about you."


async def test_mydata_escapes_what_it_quotes_so_telegram_takes_the_summary(
    harness: BotHarness,
) -> None:
    async with harness.storage.uow() as uow:
        await make_candidate(uow, telegram_id=USER, full_name="Tom <3 & Co", username="a<b")
        await uow.commit()
    await _feed(harness, text_update("/mydata", user_id=USER))
    summary = harness.session.sent()[-1]
    shown = html_to_text(summary.text)  # raises where Telegram would refuse the message
    assert "Tom <3 & Co" in shown and "a<b" in shown
    (document,) = [r for r in harness.session.requests if isinstance(r, SendDocument)]
    content = json.loads(document.document.data)  # type: ignore[union-attr]
    assert content["tables"]["candidates"][0]["full_name"] == "Tom <3 & Co"  # the file: as held


async def test_forgetme_asks_first_then_erases(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        person = await make_candidate(uow, telegram_id=USER, full_name="Zoltan Quixote")
        await uow.commit()
    await _feed(harness, text_update("/forgetme", user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Erase all your personal data?")
    await _feed(harness, button_update(ForgetChoice(sure=False), user_id=USER))
    assert harness.session.sent()[-1].text == "Nothing was erased."
    assert (await _candidate(harness)).full_name == "Zoltan Quixote"
    await _feed(harness, button_update(ForgetChoice(sure=True), user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Your personal data has been erased.")
    async with harness.storage.uow() as uow:
        assert await uow.candidates.get_by_telegram_id(USER) is None
        erased = await uow.candidates.get(person.id)
        assert erased is not None and erased.full_name is None and erased.erased_at == NOW
    await _feed(harness, text_update("/start", user_id=USER))  # a newcomer again, asked again
    assert harness.session.sent()[-1].text.startswith("Before we start")


async def test_declining_a_changed_text_asks_first_then_erases_what_was_given(
    harness: BotHarness,
) -> None:
    async with harness.storage.uow() as uow:
        person = await make_candidate(uow, telegram_id=USER, full_name="Zoltan Quixote")
        uow.templates.add(MessageTemplate(key="consent", locale="en", body="New terms. Agree?"))
        await uow.commit()
    await _feed(harness, text_update("hello", user_id=USER))
    assert harness.session.sent()[-1].text == "New terms. Agree?"
    await _feed(harness, button_update(shown_consent(harness.session, agree=False), user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Erase all your personal data?")
    assert (await _candidate(harness)).full_name == "Zoltan Quixote"  # not yet
    await _feed(harness, button_update(ForgetChoice(sure=True), user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Your personal data has been erased.")
    async with harness.storage.uow() as uow:
        erased = await uow.candidates.get(person.id)
        assert erased is not None and erased.full_name is None and erased.erased_at == NOW
    await _nobody_without_consent_has_personal_data(harness)


async def test_decline_on_an_old_consent_message_by_one_who_agreed_asks_first(
    harness: BotHarness,
) -> None:
    await _feed(harness, text_update("/start", user_id=USER))
    decline = shown_consent(harness.session, agree=False)
    await _feed(harness, button_update(shown_consent(harness.session, agree=True), user_id=USER))
    await _feed(harness, button_update(decline, user_id=USER))  # the same message, pressed again
    assert harness.session.sent()[-1].text.startswith("Erase all your personal data?")
    await _feed(harness, button_update(ForgetChoice(sure=False), user_id=USER))
    assert harness.session.sent()[-1].text == "Nothing was erased."
    kept = await _candidate(harness)
    assert (kept.consent, kept.full_name, kept.erased_at) == ("agreed", "Ann", None)


async def test_a_press_under_another_consent_text_shows_the_current_one(
    harness: BotHarness,
) -> None:
    await _feed(harness, text_update("/start", user_id=USER))
    stale_agree = shown_consent(harness.session, agree=True)
    stale_decline = shown_consent(harness.session, agree=False)
    await _feed(harness, button_update(stale_agree, user_id=USER))
    async with harness.storage.uow() as uow:
        uow.templates.add(MessageTemplate(key="consent", locale="en", body="New terms. Agree?"))
        await uow.commit()
    for stale in (stale_agree, stale_decline):
        await _feed(harness, button_update(stale, user_id=USER))
        assert harness.session.sent()[-1].text == "New terms. Agree?"  # shown again, not taken
        kept = await _candidate(harness)
        assert (kept.full_name, kept.erased_at) == ("Ann", None)
        assert kept.consent_version == stale.version  # no Agree to a text not shown


async def _prior(harness: BotHarness) -> int:
    """Someone whose data was collected before the consent step existed (migration 0018)."""
    async with harness.storage.uow() as uow:
        person = await make_candidate(
            uow,
            telegram_id=USER,
            full_name="Zoltan Quixote",
            phone="+7999",
            consent="prior",
            consent_version=None,
            consent_at=NOW - timedelta(days=3),
        )
        await uow.commit()
        return person.id


async def test_data_from_before_consent_is_asked_about_at_the_next_contact(
    harness: BotHarness,
) -> None:
    await _prior(harness)
    await _feed(harness, text_update("/mydata", user_id=USER))
    assert "collected before consent was asked" in harness.session.sent()[-1].text
    await _feed(harness, text_update("hello", user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Before we start")
    await _feed(harness, button_update(shown_consent(harness.session, agree=True), user_id=USER))
    agreed = await _candidate(harness)
    assert (agreed.consent, agreed.consent_at, agreed.full_name) == (
        "agreed",
        NOW,
        "Zoltan Quixote",
    )
    assert agreed.consent_version


async def test_declining_data_from_before_consent_asks_first_then_erases(
    harness: BotHarness,
) -> None:
    person = await _prior(harness)
    await _feed(harness, text_update("hello", user_id=USER))
    await _feed(harness, button_update(shown_consent(harness.session, agree=False), user_id=USER))
    assert harness.session.sent()[-1].text.startswith("Erase all your personal data?")
    assert (await _candidate(harness)).full_name == "Zoltan Quixote"  # not yet
    await _feed(harness, button_update(ForgetChoice(sure=True), user_id=USER))
    async with harness.storage.uow() as uow:
        erased = await uow.candidates.get(person)
        assert erased is not None and erased.erased_at == NOW
        assert (erased.full_name, erased.phone) == (None, None)


async def test_an_unversioned_consent_button_shows_the_text_again_and_records_nothing(
    harness: BotHarness,
) -> None:
    await _feed(harness, text_update("/start", user_id=USER))
    await _feed(harness, button_update(shown_consent(harness.session, agree=True), user_id=USER))
    before = await _candidate(harness)
    for agree in (True, False):  # sent before the buttons carried the text's version
        await _feed(harness, button_update(UnversionedConsentChoice(agree=agree), user_id=USER))
        assert harness.session.sent()[-1].text.startswith("Before we start")  # with buttons
        assert shown_consent(harness.session, agree=agree).version == before.consent_version
        after = await _candidate(harness)
        assert (after.consent, after.consent_version, after.erased_at) == (
            "agreed",
            before.consent_version,
            None,
        )

"""A no-show who writes back: the note to the city's recruiters quotes what they wrote."""

from __future__ import annotations

from core.enums import CandidateStatus, ContactReason
from domain.pipeline.contact import InboxFilter, inbox_page
from tests.bot.conftest import BotHarness
from tests.bot.test_final_answers import USER, candidate_with_status, recruiter_notes
from tests.support.bot import text_update


async def test_a_no_show_who_writes_back_has_their_words_passed_on(harness: BotHarness) -> None:
    await candidate_with_status(harness, CandidateStatus.NO_SHOW)
    words = "I was ill <sorry>, can I come on Thursday?"
    await harness.dispatcher.feed_update(harness.bot, text_update(words, user_id=USER))
    (answer,) = harness.session.sent()
    assert "passed your message on" in answer.text
    (note,) = await recruiter_notes(harness)
    assert "не пришёл" in note  # the recruiters' language
    assert "I was ill &lt;sorry&gt;, can I come on Thursday?" in note


async def test_a_long_message_is_quoted_cut_short(harness: BotHarness) -> None:
    await candidate_with_status(harness, CandidateStatus.NO_SHOW)
    await harness.dispatcher.feed_update(harness.bot, text_update("x" * 3000, user_id=USER))
    (note,) = await recruiter_notes(harness)
    assert "x" * 400 in note and "x" * 501 not in note and "…" in note


async def test_their_words_are_in_the_thread_and_recruiters_are_told_once(
    harness: BotHarness,
) -> None:
    """The relay is the one note: the contact request stands for the panel's inbox, told."""
    await candidate_with_status(harness, CandidateStatus.NO_SHOW)
    for words in ("Sorry, I was ill", "Can I come on Thursday?"):
        await harness.dispatcher.feed_update(harness.bot, text_update(words, user_id=USER))
    notes = await recruiter_notes(harness)
    assert len(notes) == 2 and "Sorry, I was ill" in notes[0]  # one note per message
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(USER)
        assert candidate is not None
        kept = await uow.inbound_messages.of_candidate(candidate.id, 10)
        (request,) = (await inbox_page(uow, InboxFilter(), 1)).rows
    assert sorted(m.text or "" for m in kept) == ["Can I come on Thursday?", "Sorry, I was ill"]
    assert request.request.reason is ContactReason.NO_SHOW_WROTE
    assert request.request.recruiters_told == 1
    assert request.request.wrote == "Sorry, I was ill\n\nCan I come on Thursday?"

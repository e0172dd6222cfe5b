"""Shows the candidate the screen for where they are: the one place that knows every stage."""

from __future__ import annotations

from bot.candidate.booking import show_booking
from bot.candidate.city_list import show_cities
from bot.candidate.consent_screen import show_consent
from bot.candidate.picker import show_recruiters
from bot.candidate.test2 import show_test2
from bot.candidate.texts import text
from bot.candidate.vacancy_list import show_screening_start
from bot.reply import Reply
from core.enums import SlotPurpose
from domain.bookings.booking import Messaging
from domain.pipeline.journey import Stage, final_answer, stage_of
from domain.privacy.consent import needs_consent
from domain.records import Candidate
from domain.screening import knowledge_test
from storage.uow import UnitOfWork


async def show_step(reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging) -> None:
    """(What a candidate writes that no step waits for is relayed: `bot.candidate.fallback`.)
    Before the first step, and whenever the consent text changed: the consent."""
    if await needs_consent(uow, m, candidate):
        await show_consent(reply, uow, candidate, m)
        return
    stage = stage_of(candidate)
    final = final_answer(candidate)
    if final is not None:
        await reply.send(await text(uow, m, candidate, final, name=candidate.full_name))
    elif stage is Stage.CITY:
        await show_cities(reply, uow, candidate, m)
    elif stage is Stage.SCREENING:
        await show_screening_start(reply, uow, candidate, m)
    elif stage is Stage.PICK_INTERVIEW:
        await show_recruiters(reply, uow, candidate, m, SlotPurpose.INTERVIEW)
    elif stage in (Stage.INTERVIEW_BOOKED, Stage.INTRO_DAY_BOOKED):
        await show_booking(reply, uow, candidate, m)
    elif stage is Stage.TEST2:
        step, _ = await knowledge_test.current_step(uow, candidate, m.clock)
        await show_test2(reply, uow, candidate, m, step)
    elif stage is Stage.PICK_INTRO_DAY:
        await show_recruiters(reply, uow, candidate, m, SlotPurpose.INTRO_DAY)
    else:
        await reply.send(await text(uow, m, candidate, "already_done"))

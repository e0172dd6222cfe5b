"""Test 2: multiple choice, attempts and a time limit per question, then the intro day."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import Test2Choice, Test2Start
from bot.candidate.picker import show_recruiters
from bot.candidate.questions import answered_text, question_prompt, test2_markup
from bot.candidate.texts import text
from bot.filters import AtStage
from bot.reply import Reply, tell, tell_outdated
from core.enums import SlotPurpose
from domain.bookings.booking import Messaging
from domain.pipeline.journey import Stage, reread
from domain.records import Candidate
from domain.screening import knowledge_test
from storage.uow import UnitOfWork


async def show_test2(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    step: knowledge_test.Test2Step | None,
) -> None:
    if step is None:
        await reply.send(await text(uow, m, candidate, "already_done"))
    elif isinstance(step, knowledge_test.Test2Question):
        body = await text(
            uow,
            m,
            candidate,
            "test2_question",
            number=step.number,
            total=step.total,
            attempt=step.attempt,
            attempts=step.attempts,
            seconds=step.seconds,
            prompt=question_prompt(step.question, candidate.locale),
        )
        await reply.send(body, test2_markup(step.question, candidate.locale))
    else:
        key = "test2_passed" if step.passed else "test2_failed"
        await reply.send(
            await text(uow, m, candidate, key, score=step.percent, stars="⭐" * step.stars)
        )
        if step.passed:
            await show_recruiters(reply, uow, candidate, m, SlotPurpose.INTRO_DAY)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(AtStage(Stage.TEST2))

    @router.callback_query(Test2Start.filter())
    async def start(
        query: CallbackQuery, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        step, _ = await knowledge_test.current_step(uow, candidate, messaging.clock)
        await show_test2(reply, uow, candidate, messaging, step)

    @router.callback_query(Test2Choice.filter())
    async def answer(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: Test2Choice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        outcome = await knowledge_test.submit_answer(
            uow, candidate, callback_data.question_id, callback_data.value, messaging.clock
        )
        if isinstance(outcome, knowledge_test.Test2Outdated):
            tell_outdated(callback_answer, messaging.catalog, candidate.locale)
            return
        if isinstance(outcome, knowledge_test.Test2Wrong):
            tell(
                callback_answer,
                await text(uow, messaging, candidate, "test2_wrong", left=outcome.attempts_left),
                alert=True,
            )
            return
        # Too late: the answer did not count, so the question does not show it.
        late = isinstance(outcome, knowledge_test.Test2TimeUp)
        chosen = None if late else answered_text(query, messaging.catalog, candidate.locale)
        await reply.close_answered(chosen)
        if isinstance(outcome, knowledge_test.Test2TimeUp):
            await reply.send(messaging.catalog.text("test2.time_up", candidate.locale))
            outcome = outcome.next
        await reread(uow, candidate)
        await show_test2(reply, uow, candidate, messaging, outcome)

    return router

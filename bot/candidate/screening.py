"""The screening test: answers by button, text or the contact button; bad ones asked again."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import AnswerChoice
from bot.candidate.journey import show_screening
from bot.filters import AtStage
from bot.reply import Reply, tell
from domain.bookings.booking import Messaging
from domain.pipeline.journey import Stage
from domain.screening import first_test as screening
from storage.models import Candidate
from storage.uow import UnitOfWork


async def _answer(
    reply: Reply,
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    question_id: int | None,
    raw: str,
    *,
    is_contact: bool = False,
    invalid_key: str | None = None,
) -> None:
    if question_id is None or invalid_key is not None:
        step = await screening.current_step(uow, candidate, m.clock, m.catalog)
        reason = m.catalog.text(invalid_key, candidate.locale) if invalid_key else None
        await show_screening(reply, uow, candidate, m, step, invalid=reason)
        return
    outcome = await screening.submit_answer(
        uow, candidate, question_id, raw, m.clock, m.catalog, is_contact=is_contact
    )
    if isinstance(outcome, screening.InvalidAnswer):
        reason = m.catalog.text(outcome.reason_key, candidate.locale, **outcome.values)
        await show_screening(reply, uow, candidate, m, outcome.step, invalid=reason)
    else:
        await show_screening(reply, uow, candidate, m, outcome)


async def _current_question_id(uow: UnitOfWork, m: Messaging, candidate: Candidate) -> int | None:
    step = await screening.current_step(uow, candidate, m.clock, m.catalog)
    return step.question.id if isinstance(step, screening.QuestionStep) else None


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(AtStage(Stage.SCREENING))
    router.callback_query.filter(AtStage(Stage.SCREENING))

    @router.callback_query(AnswerChoice.filter())
    async def pressed(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: AnswerChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        current = await _current_question_id(uow, messaging, candidate)
        if current != callback_data.question_id:
            tell(callback_answer, messaging.catalog.text("error.outdated_button", candidate.locale))
            return
        await reply.drop_buttons()
        await _answer(reply, uow, messaging, candidate, current, callback_data.value)

    @router.message(F.contact)
    async def contact(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        assert message.contact is not None
        reply = Reply.to_message(bot, message)
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        question_id = await _current_question_id(uow, messaging, candidate)
        await _answer(
            reply,
            uow,
            messaging,
            candidate,
            question_id,
            message.contact.phone_number,
            is_contact=True,
            invalid_key=None if own else "screening.invalid.not_own_contact",
        )

    @router.message(F.text, ~F.text.startswith("/"))
    async def typed(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        assert message.text is not None
        question_id = await _current_question_id(uow, messaging, candidate)
        await _answer(
            Reply.to_message(bot, message), uow, messaging, candidate, question_id, message.text
        )

    @router.message(~F.text)
    async def not_text(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await _answer(
            Reply.to_message(bot, message),
            uow,
            messaging,
            candidate,
            None,
            "",
            invalid_key="input.text_expected",
        )

    return router

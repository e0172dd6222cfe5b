"""The screening test: a question at a time, answered by button, text or the contact button;
a bad answer asks again; the last one passes (on to the recruiters) or rejects."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from markupsafe import Markup

from bot.callbacks import AnswerChoice
from bot.candidate.inbound import keep_and_relay
from bot.candidate.picker import show_recruiters
from bot.candidate.questions import answered_text, question_markup, question_prompt
from bot.candidate.texts import text
from bot.filters import AtStage
from bot.reply import Reply, tell
from core.enums import SlotPurpose
from domain.bookings.booking import Messaging
from domain.pipeline.journey import Stage
from domain.records import Candidate
from domain.screening import first_test as screening
from domain.vacancies.catalog import title_of_application
from storage.uow import UnitOfWork


async def show_screening(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    step: screening.ScreeningStep,
    *,
    invalid: str | None = None,
) -> None:
    if isinstance(step, screening.QuestionStep):
        prompt = question_prompt(step.question, candidate.locale)
        vacancy = await title_of_application(uow, candidate.vacancy_id, candidate.locale)
        body = await text(
            uow,
            m,
            candidate,
            "question",
            number=step.number,
            total=step.total,
            prompt=prompt,
            vacancy=vacancy,
        )
        if invalid is not None:
            # The question is our own rendered template: markup to keep, not text to escape.
            body = await text(
                uow, m, candidate, "answer_invalid", reason=invalid, question=Markup(body)
            )
        await reply.send(body, question_markup(step.question, m.catalog, candidate.locale))
    elif step.passed:
        await reply.send(await text(uow, m, candidate, "screening_passed"))
        await show_recruiters(reply, uow, candidate, m, SlotPurpose.INTERVIEW)
    else:
        await reply.send(
            await text(uow, m, candidate, "screening_rejected", name=candidate.full_name)
        )


async def show_current_question(
    reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging, invalid: str | None = None
) -> None:
    step = await screening.current_step(uow, candidate, m.clock, m.catalog)
    await show_screening(reply, uow, candidate, m, step, invalid=invalid)


async def _answer(
    reply: Reply,
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    question_id: int,
    raw: str,
    *,
    is_contact: bool = False,
) -> None:
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
        await reply.close_answered(answered_text(query, messaging.catalog, candidate.locale))
        await _answer(reply, uow, messaging, candidate, current, callback_data.value)

    @router.message(F.contact)
    async def contact(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        assert message.contact is not None
        reply = Reply.to_message(bot, message)
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        question_id = await _current_question_id(uow, messaging, candidate)
        if question_id is None or not own:
            why = (
                None
                if own
                else messaging.catalog.text("screening.invalid.not_own_contact", candidate.locale)
            )
            await show_current_question(reply, uow, candidate, messaging, why)
            return
        phone = message.contact.phone_number
        await _answer(reply, uow, messaging, candidate, question_id, phone, is_contact=True)

    @router.message(F.text, ~F.text.startswith("/"))
    async def typed(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        assert message.text is not None
        reply = Reply.to_message(bot, message)
        question_id = await _current_question_id(uow, messaging, candidate)
        if question_id is None:
            await show_current_question(reply, uow, candidate, messaging)
            return
        await _answer(reply, uow, messaging, candidate, question_id, message.text)

    @router.message(~F.text)
    async def not_text(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        """A photo, a document, a sticker: no answer, but a message for the recruiters, kept
        and acknowledged above the question asked again."""
        ack = await keep_and_relay(message, uow, messaging, candidate)
        reply = Reply.to_message(bot, message)
        await show_current_question(reply, uow, candidate, messaging, Markup(ack))

    return router

"""A recruiter's side of the conversations: answering a candidate by replying to what the bot
relayed (or with Reply, then the text), Open to see who it is and the latest messages, and a
private Note from a relayed message or a booking's card. Only candidates the recruiter may see
(`domain.conversations.routing.recruiter_may_see`)."""

from __future__ import annotations

import html
from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from bot.buttons import button
from bot.callbacks import ConversationAction
from bot.filters import IsRecruiter
from bot.outbox_buttons import keyboard_from_intents
from bot.reply import Reply, tell
from core.errors import InvalidField
from core.result import Failure, Result
from domain.bookings.booking import Messaging
from domain.conversations import recruiter_chat
from domain.conversations.relay import candidate_label
from domain.conversations.replies import BLOCKED, ERASED
from domain.records import Candidate
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


class ConversationInput(StatesGroup):
    reply = State()  # the text of a reply to candidate `candidate_id`
    note = State()  # the text of a note on candidate `candidate_id`


class AboutCandidate(Filter):
    """A reply to a message the bot sent this recruiter about a candidate: that candidate (or
    the refusal, when not theirs) as `thread`; any other message goes on to other handlers."""

    async def __call__(
        self,
        message: TelegramObject,
        uow: UnitOfWork | None = None,
        recruiter: RecruiterDTO | None = None,
    ) -> bool | dict[str, Any]:
        assert isinstance(message, Message)
        if uow is None or recruiter is None or message.reply_to_message is None:
            return False
        if message.chat.id != recruiter.telegram_chat_id:
            return False  # a group's message ids are not the ones relayed to the recruiter
        found = await recruiter_chat.replied_to(uow, recruiter, message.reply_to_message.message_id)
        return False if found is None else {"thread": found}


def _say(m: Messaging, recruiter: RecruiterDTO, key: str, **values: object) -> str:
    """An interface text in the recruiter's language; the values (a candidate's name) escaped,
    as the bot sends HTML."""
    safe = {k: html.escape(v, quote=False) if isinstance(v, str) else v for k, v in values.items()}
    return m.catalog.text(key, m.catalog.locale_for(recruiter.locale), **safe)


async def _reply(
    reply: Reply,
    uow: UnitOfWork,
    m: Messaging,
    recruiter: RecruiterDTO,
    candidate: Candidate,
    message: Message,
) -> bool:
    """Send the recruiter's text to the candidate and say how it went; whether it is settled
    (False: they are asked to write it again)."""
    if message.text is None:
        await reply.send(_say(m, recruiter, "conversation.text_only"))
        return False
    sent = await recruiter_chat.reply_to_candidate(
        uow, m.catalog, m.clock, recruiter, candidate, message.text
    )
    name = candidate_label(candidate)
    if not isinstance(sent, Failure):
        await reply.send(_say(m, recruiter, "conversation.reply_queued", name=name))
        return True
    error = sent.error
    if isinstance(error, InvalidField) and error.reason == BLOCKED:
        await reply.send(_say(m, recruiter, "conversation.blocked", name=name))
        return True
    if isinstance(error, InvalidField) and error.reason == ERASED:
        await reply.send(_say(m, recruiter, "conversation.erased"))
        return True
    if isinstance(error, InvalidField):
        limit = recruiter_chat.MAX_REPLY
        await reply.send(_say(m, recruiter, "conversation.too_long", limit=limit))
        return False
    await reply.send(_say(m, recruiter, "conversation.not_yours"))
    return True


async def _note(
    reply: Reply,
    uow: UnitOfWork,
    m: Messaging,
    recruiter: RecruiterDTO,
    candidate: Candidate,
    message: Message,
) -> bool:
    if message.text is None:
        await reply.send(_say(m, recruiter, "conversation.text_only"))
        return False
    saved = await recruiter_chat.note_on_candidate(uow, m.clock, recruiter, candidate, message.text)
    if not isinstance(saved, Failure):
        name = candidate_label(candidate)
        await reply.send(_say(m, recruiter, "conversation.note_saved", name=name))
        return True
    if isinstance(saved.error, InvalidField):
        limit = recruiter_chat.MAX_NOTE
        await reply.send(_say(m, recruiter, "conversation.too_long", limit=limit))
        return False
    await reply.send(_say(m, recruiter, "conversation.not_yours"))
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsRecruiter())
    router.callback_query.filter(IsRecruiter())

    @router.message(F.reply_to_message, ~F.text.startswith("/"), AboutCandidate())
    async def replied(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        thread: Result[Candidate, Any],
    ) -> None:
        reply = Reply.to_message(bot, message)
        if isinstance(thread, Failure):
            await reply.send(_say(messaging, recruiter, "conversation.not_yours"))
            return
        await _reply(reply, uow, messaging, recruiter, thread.unwrap(), message)

    @router.callback_query(ConversationAction.filter(F.do.in_({"reply", "note"})))
    async def ask(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: ConversationAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        found = await recruiter_chat.candidate_for(uow, recruiter, callback_data.candidate_id)
        if isinstance(found, Failure):
            tell(callback_answer, _say(messaging, recruiter, "conversation.not_yours"), alert=True)
            return
        candidate = found.unwrap()
        writing = callback_data.do == "reply"
        cancel = ConversationAction(do="cancel", candidate_id=candidate.id)
        label = _say(messaging, recruiter, "button.conv_cancel")
        markup = InlineKeyboardMarkup(inline_keyboard=[[button(label, cancel)]])
        key = "conversation.reply_ask" if writing else "conversation.note_ask"
        name = candidate_label(candidate)
        await Reply.to_callback(bot, query).send(_say(messaging, recruiter, key, name=name), markup)
        # Only once they were asked: their next message is the text.
        await state.set_state(ConversationInput.reply if writing else ConversationInput.note)
        await state.update_data(candidate_id=candidate.id)

    @router.callback_query(ConversationAction.filter(F.do == "cancel"))
    async def cancel(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        bot: Bot,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        await state.clear()
        await Reply.to_callback(bot, query).edit_or_send(
            _say(messaging, recruiter, "conversation.canceled")
        )

    @router.callback_query(ConversationAction.filter(F.do == "open"))
    async def open_thread(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: ConversationAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        panel_url: str = "",
    ) -> None:
        found = await recruiter_chat.candidate_for(uow, recruiter, callback_data.candidate_id)
        if isinstance(found, Failure):
            tell(callback_answer, _say(messaging, recruiter, "conversation.not_yours"), alert=True)
            return
        text, buttons = await recruiter_chat.thread_view(
            uow, messaging.catalog, recruiter, found.unwrap(), panel_url
        )
        await Reply.to_callback(bot, query).send(text, keyboard_from_intents(buttons))

    @router.message(StateFilter(ConversationInput.reply, ConversationInput.note))
    async def written(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
        raw_state: str | None = None,
    ) -> None:
        if message.text is not None and message.text.startswith("/"):
            await state.clear()  # a command: the recruiter went on to something else
            raise SkipHandler
        data = await state.get_data()
        reply = Reply.to_message(bot, message)
        found = await recruiter_chat.candidate_for(uow, recruiter, int(data.get("candidate_id", 0)))
        if isinstance(found, Failure):
            await state.clear()
            await reply.send(_say(messaging, recruiter, "conversation.not_yours"))
            return
        # Cleared before the text goes: a failure after it is queued must not send it twice.
        await state.clear()
        act = _reply if raw_state == ConversationInput.reply.state else _note
        if not await act(reply, uow, messaging, recruiter, found.unwrap(), message):
            await state.set_state(raw_state)  # asked to write it again
            await state.update_data(candidate_id=found.unwrap().id)

    return router

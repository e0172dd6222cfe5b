"""Builds the Bot and the Dispatcher; tests call these to get fresh ones."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage

from bot import errors
from bot.candidate import (
    attendance,
    book,
    booking,
    change_booking,
    city,
    consent,
    fallback,
    language,
    personal_data,
    picker,
    screening,
    start,
    test2,
    vacancies,
    waitlist,
)
from bot.dispatcher import RecruitingDispatcher
from bot.errors import DomainErrors
from bot.filters import IsCandidate, IsRecruiter
from bot.inline_filters import run_sync_filters_inline
from bot.json_session import JsonBodySession
from bot.middlewares import (
    CandidateMiddleware,
    DuplicateUpdateMiddleware,
    RecruiterMiddleware,
    StateWhereUsedMiddleware,
    UnitOfWorkMiddleware,
    UpdateTimingMiddleware,
)
from bot.outages import CallbackAnswerOnce, HoldThroughOutages
from bot.recruiter import (
    agenda,
    attendees,
    calendar,
    conversation,
    decisions,
    guard,
    link,
    new_slot,
    outcomes,
    series,
    slot_list,
    slots_menu,
)
from bot.recruiter import language as recruiter_language
from bot.release_before_send import ReleaseTransactionMiddleware
from bot.response_models import KeepResponseModels
from bot.retry_after import RetryAfterMiddleware
from bot.send_pace import PaceSendsMiddleware
from bot.update_guard import UpdateGuard, quiet_aiogram_about_updates_in_progress
from core.metrics import Metrics
from core.send_rate import SendRate
from domain.bookings.booking import Messaging
from storage.availability import DatabaseGate
from storage.cache.tagged import Cache
from storage.uow import UnitOfWorkFactory


def create_bot(
    token: str,
    api_url: str = "",
    session: BaseSession | None = None,
    *,
    wait_out_rate_limits: bool = True,
    pace: SendRate | None = None,
    stopping: asyncio.Event | None = None,
) -> Bot:
    """A bot talking to Telegram, or to the Bot API server at `api_url` (self-hosted, sandbox).
    Its new messages go at `pace` (Telegram's limits), if given; it waits out 429 answers and
    sends again until sent or `stopping` is set, unless told not to (tests of the raw answers)."""
    if session is None:
        session = JsonBodySession()
        if api_url:
            session.api = TelegramAPIServer.from_base(api_url)
    session.middleware(KeepResponseModels())
    session.middleware(ReleaseTransactionMiddleware())  # first: no lock held while waiting
    if pace is not None:
        session.middleware(PaceSendsMiddleware(pace))
    if wait_out_rate_limits:
        session.middleware(RetryAfterMiddleware(stopping))
    return Bot(
        token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def create_dispatcher(
    *,
    uow_factory: UnitOfWorkFactory,
    cache: Cache,
    messaging: Messaging,
    fsm_storage: BaseStorage | None = None,
    metrics: Metrics | None = None,
    database: DatabaseGate | None = None,
    panel_url: str = "",
) -> Dispatcher:
    """With `database`, an update the database's absence interrupted is held and handled again
    once it answers, and polling waits for it meanwhile (bot.outages)."""
    dispatcher = RecruitingDispatcher(
        storage=fsm_storage or MemoryStorage(),
        database=database,
        disable_fsm=True,  # the state is read by StateWhereUsedMiddleware, where it is used
        catalog=messaging.catalog,
        clock=messaging.clock,
        messaging=messaging,
        update_guard=UpdateGuard(cache),
        panel_url=panel_url,  # the panel's public address: Open links a candidate's page
    )
    quiet_aiogram_about_updates_in_progress()
    if metrics is not None:  # first, so the time includes every other middleware
        dispatcher.update.outer_middleware(UpdateTimingMiddleware(metrics))
    dispatcher.update.outer_middleware(DuplicateUpdateMiddleware())
    if database is not None:  # inside the guard: a replay is no repeated delivery
        dispatcher.update.outer_middleware(HoldThroughOutages(database))
    dispatcher.update.middleware(UnitOfWorkMiddleware(uow_factory))
    # Outer: the candidate must be loaded before filters such as AtStage look at it.
    for observer in (dispatcher.message, dispatcher.callback_query):
        observer.outer_middleware(RecruiterMiddleware())
        observer.outer_middleware(CandidateMiddleware())
        observer.outer_middleware(StateWhereUsedMiddleware(dispatcher.fsm))
    # Every callback query is answered, also when a handler forgets or fails; a domain error is
    # answered inside that, by the error router, while the query is still open.
    dispatcher.callback_query.middleware(CallbackAnswerOnce())
    for observer in (dispatcher.message, dispatcher.callback_query):
        observer.middleware(DomainErrors(dispatcher))
    dispatcher.include_routers(
        link.create_router(),
        # Every handler of these needs a linked, active recruiter: a candidate's update skips
        # them with one check.
        _only_for(
            IsRecruiter(),
            "recruiter",
            conversation.create_router(),  # before the rest: a reply, or the text it asked for
            agenda.create_router(),
            decisions.create_router(),
            outcomes.create_router(),
            attendees.create_router(),
            slots_menu.create_router(),  # before `series`: /slots while a series is asked for
            new_slot.create_router(),
            series.create_router(),
            slot_list.create_router(),
            recruiter_language.create_router(),
            calendar.create_router(),
        ),
        guard.create_router(),
        personal_data.create_router(),  # before `start`: strangers may ask too
        start.create_router(),
        # Every handler of these needs a candidate (a stranger's message stops at `start`).
        _only_for(
            IsCandidate(),
            "candidate",
            language.create_router(),
            consent.create_router(),  # before every step: nothing is taken without consent
            vacancies.create_router(),  # before `screening`: a vacancy is chosen before its test
            city.create_router(),
            screening.create_router(),
            picker.create_router(),
            book.create_router(),
            booking.create_router(),
            change_booking.create_router(),
            attendance.create_router(),
            waitlist.create_router(),
            test2.create_router(),
        ),
        fallback.create_router(),
        errors.create_router(),
    )
    run_sync_filters_inline(dispatcher)
    return dispatcher


def _only_for(check: IsRecruiter | IsCandidate, name: str, *routers: Router) -> Router:
    """`routers` under one router whose messages and button presses pass `check` first."""
    group = Router(name=name)
    group.message.filter(check)
    group.callback_query.filter(check)
    group.include_routers(*routers)
    return group

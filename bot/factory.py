"""Builds the Bot and the Dispatcher; tests call these to get fresh ones."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage

from bot.dispatcher import RecruitingDispatcher
from bot.handlers import candidate_start, errors
from bot.middlewares import UnitOfWorkMiddleware
from bot.retry_after import RetryAfterMiddleware
from core.clock import Clock
from services.texts import Catalog
from storage.uow import UnitOfWorkFactory


def create_bot(
    token: str,
    api_url: str = "",
    session: BaseSession | None = None,
    *,
    wait_out_rate_limits: bool = True,
) -> Bot:
    """A bot talking to Telegram, or to the Bot API server at `api_url` (self-hosted, sandbox).
    It waits out 429 answers and sends again, unless told not to (tests of the raw answers)."""
    if session is None:
        session = AiohttpSession()
        if api_url:
            session.api = TelegramAPIServer.from_base(api_url)
    if wait_out_rate_limits:
        session.middleware(RetryAfterMiddleware())
    return Bot(
        token=token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
    )


def create_dispatcher(
    *,
    uow_factory: UnitOfWorkFactory,
    catalog: Catalog,
    clock: Clock,
    fsm_storage: BaseStorage | None = None,
) -> Dispatcher:
    dispatcher = RecruitingDispatcher(
        storage=fsm_storage or MemoryStorage(), catalog=catalog, clock=clock
    )
    dispatcher.update.middleware(UnitOfWorkMiddleware(uow_factory))
    dispatcher.include_routers(candidate_start.create_router(), errors.create_router())
    return dispatcher

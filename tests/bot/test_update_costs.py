"""What each kind of update costs the stores, counted through the real Dispatcher once the
process is warm (another user's update of the same kind has gone before): SQL statements,
database transactions, Redis commands. Budgets of issue 15 item 3: one transaction per update,
no row read twice, no statement that writes nothing, reference data from the process, at most
two Redis commands."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.dispatcher.event import handler as handler_module
from aiogram.types import Update

from bot.callbacks import CityChoice
from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from domain.bookings.booking import Messaging
from domain.demo import seed_demo
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.cache import Cache, MemoryBackend
from storage.engine import create_session_factory
from storage.uow import uow_factory
from tests.bot.conftest import button_update, shown_consent
from tests.conftest import ROWS_CLOCK
from tests.support.bot import RecordingSession, text_update
from tests.support.database import sqlite_engine
from tests.support.factories import NOW, make_recruiter
from tests.support.update_costs import Costs, CountingBackend, CountingFsmStorage, counting

RECRUITER_CHAT = 9_001
_users = itertools.count(70_000)


@dataclass
class Counted:
    dispatcher: Dispatcher
    bot: Bot
    counting: Callable[[], AbstractContextManager[Costs]]
    berlin: int

    async def cost(self, update: Update) -> Costs:
        with self.counting() as costs:
            await self.dispatcher.feed_update(self.bot, update)
        return costs


@pytest.fixture
async def counted(tmp_path: Path) -> AsyncIterator[Counted]:
    async with sqlite_engine(tmp_path) as engine:
        backend = CountingBackend(MemoryBackend())
        cache = Cache(backend)
        uows = uow_factory(create_session_factory(engine), cache, clock=ROWS_CLOCK)
        messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
        async with uows() as uow:
            await seed_demo(uow, messaging.catalog, FrozenClock(NOW))
        async with uows() as uow:
            berlin = await uow.cities.get_by_name("Berlin")
            assert berlin is not None
            await make_recruiter(uow, berlin, telegram_chat_id=RECRUITER_CHAT)
            await uow.commit()
        fsm = CountingFsmStorage()
        dispatcher = create_dispatcher(
            uow_factory=uows, cache=cache, messaging=messaging, fsm_storage=fsm
        )
        yield Counted(
            dispatcher,
            create_bot("42:TEST", session=RecordingSession()),
            lambda: counting(engine, backend, fsm),
            berlin.id,
        )


async def _new_user_at_city(counted: Counted) -> int:
    user = next(_users)
    await counted.dispatcher.feed_update(counted.bot, text_update("/start", user_id=user))
    session = counted.bot.session
    assert isinstance(session, RecordingSession)
    agree = shown_consent(session, agree=True)
    await counted.dispatcher.feed_update(counted.bot, button_update(agree, user_id=user))
    return user


async def _new_user_at_screening(counted: Counted) -> int:
    user = await _new_user_at_city(counted)
    await counted.dispatcher.feed_update(counted.bot, text_update("Berlin", user_id=user))
    return user


# Redis per update: the claim with the cache's versions (SET NX + MGET in one script, EVALSHA)
# and the update guard's "done" mark (SET), which lets a redelivery to another instance be
# dropped (deploy behind nginx); an update that writes a candidate bumps the `candidates` tag
# (INCR) that keeps the panel's candidate total exact: past issue 15's two, the price of that.
GUARD = 2
CANDIDATE_WRITTEN = 1


def _within(costs: Costs, statements: int, transactions: int = 1, redis: int = GUARD) -> None:
    assert len(costs.statements) <= statements, str(costs)
    assert costs.transactions <= transactions, str(costs)
    assert len(costs.redis) <= redis, str(costs)


async def test_start_from_a_new_user(counted: Counted) -> None:
    await _new_user_at_city(counted)  # warm
    costs = await counted.cost(text_update("/start", user_id=next(_users)))
    _within(costs, statements=2, redis=GUARD + CANDIDATE_WRITTEN)  # looked up, then inserted


async def test_start_from_a_campaign_link(counted: Counted) -> None:
    """A link's payload names a vacancy (by its slug) or is a plain source tag: which, is
    answered from the process's copy once known, a tag naming no vacancy too."""
    await _new_user_at_city(counted)
    start = "/start channel_7"
    await counted.dispatcher.feed_update(counted.bot, text_update(start, user_id=next(_users)))
    costs = await counted.cost(text_update(start, user_id=next(_users)))
    _within(costs, statements=2, redis=GUARD + CANDIDATE_WRITTEN)  # looked up, then inserted


async def test_start_from_someone_coming_back(counted: Counted) -> None:
    await _new_user_at_city(counted)
    user = await _new_user_at_city(counted)
    costs = await counted.cost(text_update("/start", user_id=user))
    _within(costs, statements=1, redis=GUARD + 1)  # the candidate read once; at the city, state


async def test_a_city_typed(counted: Counted) -> None:
    await _new_user_at_screening(counted)
    user = await _new_user_at_city(counted)
    costs = await counted.cost(text_update("Berlin", user_id=user))
    # the candidate read; its city stored (flushed before the test result is looked up); the
    # test result opened; the status moved (candidate, history, audit); the city's answer
    # stored. At the city stage the FSM state is read (a name may be awaited).
    _within(costs, statements=8, redis=GUARD + 1 + CANDIDATE_WRITTEN)


async def test_a_city_button(counted: Counted) -> None:
    await _new_user_at_screening(counted)
    user = await _new_user_at_city(counted)
    costs = await counted.cost(button_update(CityChoice(city_id=counted.berlin), user_id=user))
    # as typed, and the application the pressed message was sent for looked up (one indexed
    # read: a button of another application makes that one current)
    _within(costs, statements=8 + 1, redis=GUARD + 1 + CANDIDATE_WRITTEN)


async def test_a_screening_answer(counted: Counted) -> None:
    warm = await _new_user_at_screening(counted)
    await counted.dispatcher.feed_update(counted.bot, text_update("Ann Smith", user_id=warm))
    user = await _new_user_at_screening(counted)
    costs = await counted.cost(text_update("Ann Smith", user_id=user))
    # the candidate; the test result and its answers; the answer inserted, the name updated
    _within(costs, statements=5, redis=GUARD + CANDIDATE_WRITTEN)
    assert sum(s.lstrip().upper().startswith("SELECT TEST_RESULTS") for s in costs.statements) == 1


async def test_an_invalid_screening_answer_writes_nothing(counted: Counted) -> None:
    warm = await _new_user_at_screening(counted)
    for answer in ("Ann Smith", "not a number"):
        await counted.dispatcher.feed_update(counted.bot, text_update(answer, user_id=warm))
    user = await _new_user_at_screening(counted)
    await counted.dispatcher.feed_update(counted.bot, text_update("Ann Smith", user_id=user))
    costs = await counted.cost(text_update("not a number", user_id=user))  # the age asked
    assert not [s for s in costs.statements if not s.lstrip().upper().startswith("SELECT")], str(
        costs
    )
    _within(costs, statements=3)


async def test_a_recruiter_command(counted: Counted) -> None:
    await counted.dispatcher.feed_update(counted.bot, text_update("/today", user_id=RECRUITER_CHAT))
    costs = await counted.cost(text_update("/today", user_id=RECRUITER_CHAT))
    # the candidate lookup (none), the agenda; the FSM state read for a recruiter
    _within(costs, statements=2, redis=GUARD + 1)
    assert not [s for s in costs.statements if "FROM recruiters" in s], str(costs)


async def test_start_again_after_answers_writes_and_drops_nothing(
    counted: Counted, caplog: pytest.LogCaptureFixture
) -> None:
    """Coming back sets the candidate's name and reachability to what they were: nothing to
    write, so nothing is committed and nothing is left to drop before the answer is sent."""
    for _ in range(2):  # the first time warms the process's copies
        user = await _new_user_at_screening(counted)
        await counted.dispatcher.feed_update(counted.bot, text_update("Ann Smith", user_id=user))
        costs = await counted.cost(text_update("/start", user_id=user))
    assert "uncommitted_writes_dropped" not in caplog.text
    assert "unhandled_error" not in caplog.text
    assert all(s.lstrip().upper().startswith("SELECT") for s in costs.statements), str(costs)
    # the candidate; after the welcome is sent, the test result and its answers for the next
    # question (a second, read-only transaction: the welcome goes first)
    _within(costs, statements=3, transactions=2)


async def test_no_filter_is_checked_in_a_worker_thread(
    counted: Counted, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiogram runs a plain-function filter (`F.text`) through asyncio.to_thread, a trip to a
    worker thread per check; the dispatcher runs them in place."""
    hops: list[object] = []

    async def to_thread(function: Callable[[], object]) -> object:
        hops.append(function)
        return function()

    monkeypatch.setattr(handler_module.asyncio, "to_thread", to_thread)
    user = await _new_user_at_screening(counted)
    for text in ("Ann Smith", "/start", "/lang"):
        await counted.dispatcher.feed_update(counted.bot, text_update(text, user_id=user))
    await counted.dispatcher.feed_update(counted.bot, text_update("/today", user_id=RECRUITER_CHAT))
    assert hops == []

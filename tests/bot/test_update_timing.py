"""Every update fed through the dispatcher is timed under its update type."""

from __future__ import annotations

from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from core.metrics import Metrics
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from tests.conftest import Storage
from tests.support.bot import RecordingSession, text_update
from tests.support.factories import NOW


async def test_updates_are_timed_by_type_including_a_dropped_duplicate(
    sqlite_storage: Storage,
) -> None:
    metrics = Metrics()
    session = RecordingSession()
    bot = create_bot("42:TEST", session=session)
    dispatcher = create_dispatcher(
        uow_factory=sqlite_storage.uow,
        cache=sqlite_storage.cache,
        messaging=Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules()),
        metrics=metrics,
    )
    update = text_update("/start", user_id=5)
    await dispatcher.feed_update(bot, update)
    await dispatcher.feed_update(bot, update)  # Telegram's second delivery: dropped, still timed
    assert session.sent()  # the bot did answer the first
    labels = {"update_type": "message"}
    assert metrics.registry.get_sample_value("bot_update_seconds_count", labels) == 2
    assert metrics.summary().bot.count == 2

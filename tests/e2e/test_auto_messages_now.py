"""A broadcast sent "now" goes out when it is saved, not at the minute job's next pass (up to a
minute at "scheduled" before): its commit wakes the auto-messages run, as a queued message wakes
the outbox sender. Nothing here runs the periodic jobs or the sender by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.enums import AutoMessageState
from core.result import Success
from domain.messaging.auto_messages import create_auto_message, find_auto_message
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import screened, wait_for_text


@pytest.fixture
def e2e_now() -> datetime:
    """Noon in Moscow: outside the recipient's quiet hours, so the broadcast goes at once."""
    return datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _broadcast_now(app: RunningApp, city_id: int, text: str) -> int:
    """Saved as the panel and the API save it: through the app's own units of work."""
    async with app.app.uow_factory() as uow:
        made = await create_auto_message(
            uow,
            app.app.catalog,
            {
                "name": "Open day",
                "kind": "broadcast",
                "text": text,
                "audience": {"city_ids": [city_id]},
            },
            app.clock,
        )
    assert isinstance(made, Success), made
    return made.value.id


async def test_a_broadcast_sent_now_reaches_its_audience_without_the_minute_job(
    running_app: RunningApp,
) -> None:
    chat = await screened(running_app, "en", city="Москва")
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
    assert candidate is not None and candidate.city_id is not None
    # Without the minute job, only the wake-up can queue it.
    running_app.app.scheduler.scheduler.remove_job("periodic")

    message_id = await _broadcast_now(running_app, candidate.city_id, "Open day on Friday!")

    await wait_for_text(chat, "Open day on Friday!", seconds=20)
    async with running_app.app.uow_factory() as uow:
        message = await find_auto_message(uow, message_id)
    assert message is not None and message.state is AutoMessageState.DONE
    assert message.queued_count == 1

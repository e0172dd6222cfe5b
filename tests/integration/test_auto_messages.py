"""Auto-messages: broadcasts to an audience at a time, triggers, pause and resume, progress."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import AutoMessageKind, AutoMessageState, CandidateStatus
from core.result import Failure, Success
from core.send_rate import SendRate
from domain.messaging.auto_messages import (
    create_auto_message,
    progress,
    run_auto_messages,
    set_paused,
)
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from scheduler.outbox_delivery import OutboxDelivery
from storage.models import AutoMessage, CandidateStatusChange, Notification
from tests.conftest import Storage
from tests.integration.test_outbox_delivery import FakeBot
from tests.support.factories import make_candidate, make_city

NOON_MSK = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
CATALOG = Catalog.load("ru")


async def _world(storage: Storage) -> dict[str, int]:
    async with storage.uow() as uow:
        moscow = await make_city(uow, timezone="Europe/Moscow")
        other = await make_city(uow, timezone="Europe/Moscow")
        ids = {}
        for name, city, status, reachable in (
            ("passed", moscow, CandidateStatus.SCREENING_PASSED, True),
            ("passed_blocked", moscow, CandidateStatus.SCREENING_PASSED, False),
            ("new", moscow, CandidateStatus.NEW, True),
            ("elsewhere", other, CandidateStatus.SCREENING_PASSED, True),
        ):
            person = await make_candidate(
                uow, city, full_name=name, status=status, reachable=reachable
            )
            ids[name] = person.id
        ids["city"] = moscow.id
        await uow.commit()
    return ids


async def _create(storage: Storage, clock: FrozenClock, **spec: object) -> int:
    async with storage.uow() as uow:
        result = await create_auto_message(uow, CATALOG, spec, clock)
    assert isinstance(result, Success), result
    return result.value.id


async def _rows(storage: Storage) -> list[Notification]:
    async with storage.uow() as uow:
        return list(
            (await uow.session.scalars(select(Notification).order_by(Notification.id))).all()
        )


async def test_a_broadcast_reaches_its_audience_once_at_its_time(storage: Storage) -> None:
    ids = await _world(storage)
    clock = FrozenClock(NOON_MSK)
    message_id = await _create(
        storage,
        clock,
        name="Open day",
        kind="broadcast",
        text="Hello {{ name }}, come to our open day!",
        send_at=(NOON_MSK + timedelta(hours=1)).isoformat(),
        audience={"city_ids": [ids["city"]], "statuses": ["screening_passed"]},
    )
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 0  # not yet
    clock.advance(timedelta(hours=1))
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 1
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 0  # once
    (row,) = await _rows(storage)
    assert row.candidate_id == ids["passed"]  # not blocked, not new, not in another city
    assert row.payload["text"] == "Hello passed, come to our open day!"
    async with storage.uow() as uow:
        message = await uow.auto_messages.get(message_id)
        assert message is not None
        assert message.state is AutoMessageState.DONE
    bot = FakeBot()
    await OutboxDelivery(storage.uow, bot, clock, SendRate(1000, 0)).deliver_due()  # type: ignore[arg-type]
    async with storage.uow() as uow:
        done = await progress(uow, message_id)
    assert (done.queued, done.sent, done.pending) == (1, 1, 0)


async def test_a_person_with_two_applications_in_the_audience_gets_one_message(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow, timezone="Europe/Moscow")
        first = await make_candidate(uow, city, full_name="Ann", is_current=False)
        await make_candidate(uow, city, full_name="Ann", telegram_id=first.telegram_id)
        await uow.commit()
    clock = FrozenClock(NOON_MSK)
    await _create(
        storage,
        clock,
        name="Open day",
        kind="broadcast",
        text="Hello {{ name }}",
        send_at=NOON_MSK.isoformat(),
        audience={"city_ids": [city.id]},
    )
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 1
    (row,) = await _rows(storage)
    assert row.recipient_chat_id == first.telegram_id


async def test_pausing_holds_what_is_queued_and_resuming_releases_it(storage: Storage) -> None:
    ids = await _world(storage)
    clock = FrozenClock(NOON_MSK)
    message_id = await _create(
        storage,
        clock,
        name="x",
        kind="broadcast",
        template_key="welcome",
        audience={"city_ids": [ids["city"]]},
    )
    await run_auto_messages(storage.uow, CATALOG, clock, BookingRules())
    async with storage.uow() as uow:
        assert isinstance(await set_paused(uow, message_id, True), Success)
    bot = FakeBot()
    worker = OutboxDelivery(storage.uow, bot, clock, SendRate(1000, 0))  # type: ignore[arg-type]
    assert await worker.deliver_due() == 0
    assert Counter(r.status.value for r in await _rows(storage)) == Counter({"held": 2})
    async with storage.uow() as uow:
        assert isinstance(await set_paused(uow, message_id, False), Success)
    assert await worker.deliver_due() == 2
    async with storage.uow() as uow:
        message = await uow.auto_messages.get(message_id)
        assert message is not None and message.state is AutoMessageState.DONE  # ran once: done
        await make_candidate(uow, await uow.cities.get(ids["city"]), full_name="joined later")
        await uow.commit()
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 0  # not again


async def test_one_broken_auto_message_does_not_stop_the_others(storage: Storage) -> None:
    ids = await _world(storage)
    clock = FrozenClock(NOON_MSK)
    async with storage.uow() as uow:
        # Saved before keys were checked: "no_show" needs a date an auto-message does not have.
        uow.session.add(
            AutoMessage(
                name="old",
                kind=AutoMessageKind.BROADCAST,
                template_key="no_show",
                audience={"city_ids": [ids["city"]]},
                send_at=NOON_MSK,
                state=AutoMessageState.SCHEDULED,
            )
        )
        await uow.commit()
    good = await _create(
        storage, clock, name="ok", kind="broadcast", text="Hi {{ name }}", audience={}
    )
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 3
    assert {r.auto_message_id for r in await _rows(storage)} == {good}


async def test_a_trigger_writes_to_who_passed_screening_but_booked_nothing_for_a_day(
    storage: Storage,
) -> None:
    ids = await _world(storage)
    clock = FrozenClock(NOON_MSK)
    async with storage.uow() as uow:
        for key, hours_ago in (("passed", 25), ("elsewhere", 2)):
            uow.session.add(
                CandidateStatusChange(
                    candidate_id=ids[key],
                    from_status=CandidateStatus.SCREENING,
                    to_status=CandidateStatus.SCREENING_PASSED,
                    actor="candidate",
                    created_at=NOON_MSK - timedelta(hours=hours_ago),
                )
            )
        await uow.commit()
    await _create(
        storage,
        clock,
        name="Nudge",
        kind="trigger",
        trigger="screening_passed_no_booking",
        after_hours=24,
        template_key="welcome",
    )
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 1
    assert [r.candidate_id for r in await _rows(storage)] == [ids["passed"]]
    clock.advance(timedelta(hours=23))  # now the other one qualifies too, the first not again
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 1
    assert sorted(r.candidate_id for r in await _rows(storage)) == sorted(
        [ids["passed"], ids["elsewhere"]]
    )


async def test_a_broadcast_at_night_waits_for_the_morning(storage: Storage) -> None:
    ids = await _world(storage)
    night = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 23:00 in Moscow
    clock = FrozenClock(night)
    await _create(
        storage,
        clock,
        name="late",
        kind="broadcast",
        template_key="welcome",
        audience={"city_ids": [ids["city"]], "statuses": ["new"]},
    )
    await run_auto_messages(storage.uow, CATALOG, clock, BookingRules())
    (row,) = await _rows(storage)
    assert row.due_at == datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 08:00 in Moscow


async def test_definitions_are_checked_field_by_field(storage: Storage) -> None:
    clock = FrozenClock(NOON_MSK)
    cases = [
        ({"kind": "broadcast", "template_key": "welcome"}, "name"),
        ({"name": "x", "kind": "fax"}, "kind"),
        ({"name": "x", "kind": "broadcast", "template_key": "nope"}, "template_key"),
        ({"name": "x", "kind": "broadcast", "template_key": "no_show"}, "template_key"),
        ({"name": "x", "kind": "broadcast", "text": "Hi {{ name"}, "text"),
        ({"name": "x", "kind": "trigger", "template_key": "welcome", "trigger": "moon"}, "trigger"),
        (
            {
                "name": "x",
                "kind": "trigger",
                "template_key": "welcome",
                "trigger": "no_show_follow_up",
                "after_hours": 0,
            },
            "after_hours",
        ),
        (
            {
                "name": "x",
                "kind": "broadcast",
                "template_key": "welcome",
                "send_at": "2026-12-01T10:00",
            },
            "send_at",
        ),
        (
            {
                "name": "x",
                "kind": "broadcast",
                "template_key": "welcome",
                "audience": {"statuses": ["asleep"]},
            },
            "audience.statuses",
        ),
    ]
    for spec, field in cases:
        async with storage.uow() as uow:
            result = await create_auto_message(uow, CATALOG, spec, clock)
        assert isinstance(result, Failure), spec
        assert result.error.field == field


async def test_a_pause_during_a_pass_holds_the_claimed_rows_not_yet_sent(
    storage: Storage,
) -> None:
    ids = await _world(storage)
    clock = FrozenClock(NOON_MSK)
    message_id = await _create(
        storage,
        clock,
        name="x",
        kind="broadcast",
        template_key="welcome",
        audience={"city_ids": [ids["city"]]},
    )
    await run_auto_messages(storage.uow, CATALOG, clock, BookingRules())

    class PausedAfterFirst(FakeBot):
        """Someone pauses the auto-message in the panel while the first message goes out."""

        async def send_message(self, chat_id: int, text: str, reply_markup: object = None) -> Any:
            sent = await super().send_message(chat_id, text, reply_markup)
            if len(self.sent) == 1:
                async with storage.uow() as uow:
                    assert isinstance(await set_paused(uow, message_id, True), Success)
            return sent

    bot = PausedAfterFirst()
    worker = OutboxDelivery(storage.uow, bot, clock, SendRate(1000, 0))  # type: ignore[arg-type]
    assert await worker.deliver_due() == 1  # both claimed in one pass; the second is held
    assert len(bot.sent) == 1
    assert Counter(r.status.value for r in await _rows(storage)) == Counter({"sent": 1, "held": 1})
    assert await worker.deliver_due() == 0  # held stays held
    async with storage.uow() as uow:
        assert isinstance(await set_paused(uow, message_id, False), Success)
    assert await worker.deliver_due() == 1
    assert len(bot.sent) == 2
    assert Counter(r.status.value for r in await _rows(storage)) == Counter({"sent": 2})

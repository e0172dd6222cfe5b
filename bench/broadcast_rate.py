"""How close a broadcast comes to its configured rate: `python -m bench.broadcast_rate`.

Fills a fresh database with candidates, queues a broadcast to all of them, and lets the real
sender (aiogram's client, the sandbox Bot API on loopback, the configured pacing) deliver it.
Prints the achieved rate against the limit; the target is at least 95 %.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestServer

from bot.factory import create_bot
from core.clock import SystemClock
from core.long_lived import release_long_lived, set_aside_long_lived
from core.send_rate import SendRate
from domain.messaging.auto_messages import create_auto_message, run_auto_messages
from domain.messaging.texts import Catalog
from domain.privacy.states import AGREED
from domain.scheduling.picker import BookingRules
from runtime.sandbox_mode import SANDBOX_BOT_TOKEN
from sandbox.app import create_sandbox_app
from sandbox.world import World
from scheduler.outbox_delivery import OutboxDelivery
from storage.cache import Cache, MemoryBackend
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import City
from storage.uow import uow_factory

QUIET_OFF = BookingRules(quiet_start=datetime.min.time(), quiet_end=datetime.min.time())


async def run(recipients: int, rate: float, database_url: str) -> dict[str, float]:
    world = World()
    world.rules.rate_limits = False  # the sender's own pacing is what is measured
    server = TestServer(create_sandbox_app(world))
    await server.start_server()
    engine = create_engine(database_url)
    await upgrade(engine)
    uows = uow_factory(create_session_factory(engine), Cache(MemoryBackend()))
    bot = create_bot(SANDBOX_BOT_TOKEN, str(server.make_url("")).rstrip("/"))
    clock = SystemClock()
    try:
        await bot.get_me()
        sandbox_bot = world.bot_for_token(SANDBOX_BOT_TOKEN)
        async with uows() as uow:
            city = uow.cities.add(City(name="Bench", timezone="UTC"))
            await uow.session.flush()
            rows = []
            for i in range(recipients):
                user = world.add_user(first_name=f"P{i}")
                user.started_bots.add(sandbox_bot.id)
                rows.append(
                    {
                        "telegram_id": user.id,
                        "full_name": f"P{i}",
                        "locale": "en",
                        "city_id": city.id,
                        "consent": AGREED,  # broadcasts write only to those who agreed
                        "created_at": datetime.now(UTC),
                        "updated_at": datetime.now(UTC),
                    }
                )
            await uow.candidates.insert_many(rows)
            await uow.commit()
        catalog = Catalog.load("en")
        async with uows() as uow:
            await create_auto_message(
                uow,
                catalog,
                {"name": "bench", "kind": "broadcast", "text": "Hello {{ name }}"},
                clock,
            )
        await run_auto_messages(uows, catalog, clock, QUIET_OFF)
        delivery = OutboxDelivery(uows, bot, clock, SendRate(rate, 1.0))
        # As a running application has (runtime.serve): what this process built so far is set
        # aside, so a full collection does not walk it mid-run (in `make bench`'s process, with
        # the datasets' leftovers, one such pass cost 5 % of this rate).
        set_aside_long_lived()
        started = time.perf_counter()
        sent = 0
        while (batch := await delivery.deliver_due(limit=200)) > 0:
            sent += batch
        elapsed = time.perf_counter() - started
    finally:
        release_long_lived()
        await bot.session.close()
        await server.close()
        await engine.dispose()
    delivered = sum(1 for chat in world.chats.values() for m in chat if m.from_bot)
    achieved = (sent - 1) / elapsed if elapsed > 0 and sent > 1 else 0.0
    return {
        "recipients": recipients,
        "sent": sent,
        "delivered": delivered,
        "seconds": elapsed,
        "rate": achieved,
        "limit": rate,
        "ratio": achieved / rate,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=500)
    parser.add_argument("--rate", type=float, default=25.0, help="the configured limit, messages/s")
    parser.add_argument(
        "--database-url", default="", help="an EMPTY database to fill (default: a temporary SQLite)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        result = asyncio.run(run(args.recipients, args.rate, url))
    print(f"database          {url.split('://')[0]}")
    once = result["delivered"] == result["recipients"]
    print(f"recipients        {result['recipients']:.0f} (delivered {result['delivered']:.0f})")
    print(f"each exactly once {once}")
    print(f"time              {result['seconds']:.1f} s")
    print(f"achieved rate     {result['rate']:.2f} messages/s")
    print(f"configured limit  {result['limit']:.2f} messages/s")
    print(f"ratio             {100 * result['ratio']:.1f} % (target: at least 95 %)")


if __name__ == "__main__":
    main()

"""The conversation state's Redis pool makes a burst wait its turn for a connection instead of
failing with "Too many connections" (redis' default pool of 100 raises)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiogram.fsm.storage.base import StorageKey

from core.settings import load_settings
from runtime.container import build_fsm_storage
from tests.support.private_redis import private_redis

AT_ONCE = 300


async def test_a_burst_of_state_lookups_waits_for_connections(tmp_path: Path) -> None:
    async with private_redis(tmp_path) as url:
        storage = build_fsm_storage(load_settings(redis_url=url, bot_max_concurrent_updates=5))
        assert storage is not None
        try:
            keys = [StorageKey(bot_id=1, chat_id=i, user_id=i) for i in range(AT_ONCE)]
            await asyncio.gather(*(storage.set_state(k, "asked") for k in keys))
            states = await asyncio.gather(*(storage.get_state(k) for k in keys))
        finally:
            await storage.close()
    assert states == ["asked"] * AT_ONCE

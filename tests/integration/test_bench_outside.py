"""The bench's bot-from-outside rows at a toy size on SQLite: the app and the trivial bot each
poll a Bot API server of their own over HTTP, every user is answered, and the figures come back
filled in (nothing here judges how fast)."""

from __future__ import annotations

from pathlib import Path

from bench.bot_outside import bot_outside_figures
from storage.cache import Cache, MemoryBackend
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import uow_factory
from tests.support.factories import make_city


async def test_the_bot_is_measured_from_outside_beside_a_trivial_bot(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'outside.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    async with uow_factory(create_session_factory(engine), Cache(MemoryBackend()))() as uow:
        await make_city(uow)
        await uow.commit()
    await engine.dispose()

    figures = await bot_outside_figures("sqlite", url, False, 0, users=3, spread=0.3)

    assert [f.operation for f in figures] == [
        "bot from outside, /start from a new user: CPU per update",
        "bot from outside, /start from a new user: first reply p99 under the burst",
        "bot from outside, a word typed: CPU per update",
        "bot from outside, a word typed: first reply p99 under the burst",
    ]
    for figure in figures:
        assert figure.backend == "sqlite"
        assert figure.unit == "ms"
        # CPU is read in clock ticks (10 ms): three updates of the trivial bot may cost none.
        assert figure.project >= 0 and figure.floor is not None and figure.floor >= 0
        assert figure.extra["users"] == 3
        assert figure.extra["lost"] == 0 and figure.extra["floor_lost"] == 0
        assert figure.extra["replies"] >= 3
        assert figure.extra["statements_per_update"] > 0  # read from the app's /metrics
        assert figure.extra["transactions_per_update"] is None  # PostgreSQL only
        assert figure.extra["redis_commands_per_update"] is None  # no Redis given

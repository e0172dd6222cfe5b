"""An API call checks its token in the request's own transaction: one BEGIN, one COMMIT, even
when the token's "last used" is due to be written; a refused call writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import ApiToken
from tests.admin.conftest import bearer
from tests.conftest import Storage

Api = tuple[TestClient, Storage, dict[str, str]]


@contextmanager
def transactions(engine: AsyncEngine) -> Iterator[list[str]]:
    """The transactions begun and committed on the engine inside the block, in order."""
    seen: list[str] = []

    def began(_conn: Any) -> None:
        seen.append("begin")

    def committed(_conn: Any) -> None:
        seen.append("commit")

    event.listen(engine.sync_engine, "begin", began)
    event.listen(engine.sync_engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "begin", began)
        event.remove(engine.sync_engine, "commit", committed)


async def _last_used(storage: Storage) -> list[Any]:
    async with storage.uow() as uow:
        return [t.last_used_at for t in (await uow.session.scalars(select(ApiToken))).all()]


async def test_a_call_whose_token_is_due_a_last_used_opens_one_transaction(api: Api) -> None:
    client, storage, tokens = api
    assert await _last_used(storage) == [None, None]  # never used: "last used" is due
    with transactions(storage.engine) as seen:
        answer = await client.get("/api/v1/cities", headers=bearer(tokens["boss"]))
    assert answer.status == 200
    assert seen == ["begin", "commit"]
    assert sum(t is not None for t in await _last_used(storage)) == 1  # written by that commit


async def test_a_refused_call_writes_no_last_used(api: Api) -> None:
    client, storage, tokens = api
    with transactions(storage.engine) as seen:
        answer = await client.get("/api/v1/slots", headers=bearer(tokens["boss"]))
    assert answer.status == 422  # an admin must say whose slots
    assert seen == ["begin"]  # rolled back
    assert await _last_used(storage) == [None, None]

"""The update guard's claim on a real Redis: the claim and the cache's tag versions in one
command, and on a Redis whose ACL refuses scripts the same answers from two commands, never an
outage (which would switch the cache and the duplicate guard off)."""

from __future__ import annotations

from pathlib import Path

from redis import asyncio as aioredis

from storage.cache.redis import RedisBackend
from tests.support.private_redis import private_redis


async def _claims(backend: RedisBackend) -> None:
    await backend.incr(["tag:a"])
    assert await backend.claim_and_get("claim:1", b"w1", 30, ["tag:a", "tag:b"]) == (
        True,
        [b"1", None],
    )
    assert await backend.claim_and_get("claim:1", b"w2", 30, ["tag:a"]) == (False, [b"1"])
    assert await backend.claim_and_get("claim:2", b"w1", 30, []) == (True, [])
    assert await backend.get_many(["tag:a"]) == [b"1"]  # still up: not taken for an outage


async def test_the_claim_by_script_and_where_scripts_are_refused(tmp_path: Path) -> None:
    async with private_redis(tmp_path) as url:
        backend = RedisBackend(url)
        try:
            await _claims(backend)
        finally:
            await backend.close()
        admin = aioredis.Redis.from_url(url)
        await admin.flushall()
        await admin.execute_command(
            "ACL", "SETUSER", "app", "on", ">pw", "~*", "+@all", "-@scripting"
        )
        await admin.aclose()
        limited = RedisBackend(url.replace("redis://", "redis://app:pw@"))
        try:
            await _claims(limited)
            assert limited._scripts_refused
        finally:
            await limited.close()

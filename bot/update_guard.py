"""Each update handled once across instances, and never lost to an instance that died holding it.

Telegram delivers an update again when it got no 2xx for it, and behind a balancer the second
delivery may reach another instance. An instance takes an update with a short lease
(`working`), renews it while it handles the update, and marks it `done` once handled. A
delivery of an update that is done is dropped. One that another instance holds, or held when
it died (until its lease runs out), is refused with `UpdateInProgress`: the webhook answers
503, so Telegram delivers it again later, and then it is handled, once; polling waits instead.
A handler that fails with an exception lets go of the update at once, for the next delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import structlog

from storage.cache.tagged import Cache

log = structlog.get_logger(__name__)

WORKING = b"working"
DONE = b"done"
# The handler data key saying a delivery is a duplicate of an update handled already.
DUPLICATE = "duplicate_update"
# Given by polling to the dispatcher: an update held elsewhere is waited for, not refused
# (getUpdates has no "later"; a restarted process may fetch what it held when it was killed).
WAIT_WHILE_HELD = "wait_while_held"


class UpdateInProgress(Exception):
    """Another handler holds this update (or held it and died): deliver it again later."""

    def __init__(self, update_id: int, retry_after: int) -> None:
        super().__init__(f"update {update_id} is being handled elsewhere")
        self.update_id = update_id
        self.retry_after = retry_after


class UpdateGuard:
    def __init__(
        self, cache: Cache, *, lease_seconds: int = 10, done_seconds: int = 24 * 3600
    ) -> None:
        self._cache = cache
        self.lease_seconds = lease_seconds
        self._done_seconds = done_seconds

    @contextlib.asynccontextmanager
    async def hold(self, bot_id: int, update_id: int) -> AsyncIterator[bool]:
        """Yields True when this delivery is to be handled, False for a duplicate of one
        handled already; raises UpdateInProgress while someone else holds it."""
        key = f"update:{bot_id}:{update_id}"
        # One round trip: the claim, and the cache's versions for the update's cached reads
        # (inside the block, reference data is answered from this process's copies).
        async with self._cache.for_update(key, self.lease_seconds, WORKING) as claimed:
            if not claimed:
                if await self._cache.peek(key) == DONE:
                    log.info("bot.duplicate_update_dropped", update_id=update_id)
                    yield False
                    return
                # Working elsewhere, or the lease ran out a moment ago: either way, again later.
                log.info("bot.update_in_progress_elsewhere", update_id=update_id)
                raise UpdateInProgress(update_id, self.lease_seconds)
            lease = _Lease(self._cache, key, self.lease_seconds)
            try:
                yield True
            except BaseException:
                await lease.end()
                await self._cache.delete(key)
                raise
            await lease.end()
            await self._cache.put(key, DONE, self._done_seconds)


class _Lease:
    """Keeps an update's lease while it is handled (a long 429 wait, a slow database): renewed
    every third of its length by a timer, so an update handled sooner costs no task."""

    def __init__(self, cache: Cache, key: str, seconds: int) -> None:
        self._cache = cache
        self._key = key
        self._seconds = seconds
        self._loop = asyncio.get_running_loop()
        self._renewal: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = self._loop.call_later(seconds / 3, self._renew)

    def _renew(self) -> None:
        self._renewal = self._loop.create_task(self._put(), name=f"lease-{self._key}")

    async def _put(self) -> None:
        await self._cache.put(self._key, WORKING, self._seconds)
        if self._timer is not None:  # not ended meanwhile
            self._timer = self._loop.call_later(self._seconds / 3, self._renew)

    async def end(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._renewal is not None:
            await _cancel(self._renewal)


class _NotAnError(logging.Filter):
    """aiogram logs every exception out of a webhook update with its traceback; an update
    held elsewhere is a state (logged once by the guard, at info), not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], UpdateInProgress))


_QUIET = _NotAnError()


def quiet_aiogram_about_updates_in_progress() -> None:
    logging.getLogger("aiogram.event").addFilter(_QUIET)  # the same filter is added once


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

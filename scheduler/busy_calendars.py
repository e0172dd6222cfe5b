"""Reading recruiters' own calendars over HTTP for their busy times: a conditional GET with a
total time limit, a size limit and few redirects (`CalendarFetcher`), and the job that reads
those due (`BusyCalendarJob`, run with the minute's periodic jobs)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
import structlog

from core.clock import Clock
from core.metrics import Metrics, timed
from domain.calendars.busy_sources import Fetched, refresh_due
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)

USER_AGENT = "recruiting-bot busy-calendar reader (+iCalendar)"
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
CONCURRENCY = 4


def _seconds(value: float) -> str:
    return f"{value:g}"


class CalendarFetcher:
    """One GET of a calendar address. Never raises: a failure is an error code in `Fetched`."""

    def __init__(self, timeout_seconds: float, max_bytes: int) -> None:
        self.timeout_seconds = timeout_seconds
        self.max_bytes = max_bytes

    async def __call__(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        timeout = aiohttp.ClientTimeout(total=self.timeout_seconds)
        try:
            # asyncio.timeout as well: the whole read, body included, ends within the limit.
            async with asyncio.timeout(self.timeout_seconds):
                async with aiohttp.ClientSession(timeout=timeout) as session:
                    return await self._get(session, url, headers)
        except TimeoutError:
            return Fetched(error=f"timeout|{_seconds(self.timeout_seconds)}")
        except aiohttp.TooManyRedirects:
            return Fetched(error="redirects|")
        except (aiohttp.ClientError, OSError, ValueError) as error:
            return Fetched(error=f"network|{type(error).__name__}")

    async def _get(
        self, session: aiohttp.ClientSession, url: str, headers: dict[str, str]
    ) -> Fetched:
        async with session.get(url, headers=headers, max_redirects=MAX_REDIRECTS) as response:
            if response.status != 200:
                return Fetched(status=response.status)
            if (response.content_length or 0) > self.max_bytes:
                return Fetched(error=f"too_large|{self.max_bytes}")
            body = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                body.extend(chunk)
                if len(body) > self.max_bytes:  # stop reading: the rest is not wanted
                    return Fetched(error=f"too_large|{self.max_bytes}")
            return Fetched(
                status=200,
                body=bytes(body),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )


class BusyCalendarJob:
    """Reads the calendars not read in the last `every`; run each minute."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        fetcher: CalendarFetcher,
        *,
        every: timedelta,
        horizon: timedelta,
        metrics: Metrics | None = None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._fetch = fetcher
        self._every = every
        self._horizon = horizon
        self._job_seconds = (metrics or Metrics()).job_seconds

    async def run(self) -> int:
        try:
            with timed(self._job_seconds, job="busy_calendars"):
                counts = await refresh_due(
                    self._uows,
                    self._fetch,
                    self._clock,
                    every=self._every,
                    horizon=self._horizon,
                    concurrency=CONCURRENCY,
                )
        except Exception:
            log.exception("job.failed", job="busy_calendars")
            return 0
        return sum(counts.values())

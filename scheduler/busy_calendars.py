"""Reading recruiters' own calendars over HTTP for their busy times: a conditional GET with a
total time limit, a size limit and few redirects (`CalendarFetcher`), and the job that reads
those due (`BusyCalendarJob`, run with the minute's periodic jobs)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import aiohttp
import structlog
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from core.clock import Clock
from core.metrics import Metrics, timed
from domain.calendars.busy_sources import Fetched, refresh_due
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)

USER_AGENT = "recruiting-bot busy-calendar reader (+iCalendar)"
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
CONCURRENCY = 4


REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _seconds(value: float) -> str:
    return f"{value:g}"


class NotPublic(OSError):
    """The address is this machine's, or its network's: never read on a recruiter's word."""


def _is_public(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_global
    except ValueError:
        return True  # a name: its addresses are checked when it is resolved


class PublicResolver(AbstractResolver):
    """Resolves names to public addresses only, so an address a recruiter gives cannot make
    the server read its own or its network's services (the connection uses what was checked)."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = [r for r in await self._inner.resolve(host, port, family) if _is_public(r["host"])]
        if not found:
            raise NotPublic(f"{host} is not a public address")
        return found

    async def close(self) -> None:
        await self._inner.close()


class CalendarFetcher:
    """One GET of a calendar address. Never raises: a failure is an error code in `Fetched`."""

    def __init__(self, timeout_seconds: float, max_bytes: int, *, private: bool = False) -> None:
        self.timeout_seconds = timeout_seconds
        self.max_bytes = max_bytes
        # Addresses of this machine or its network are refused unless `private` (tests, or a
        # calendar server on the same network, by BUSY_CALENDAR_PRIVATE_ADDRESSES).
        self.private = private

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
                connector = (
                    None if self.private else aiohttp.TCPConnector(resolver=PublicResolver())
                )
                async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
                    return await self._follow(session, url, headers)
        except TimeoutError:
            return Fetched(error=f"timeout|{_seconds(self.timeout_seconds)}")
        except NotPublic:
            return Fetched(error="private|")
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, NotPublic):
                return Fetched(error="private|")
            return Fetched(error=f"network|{type(error).__name__}")
        except (aiohttp.ClientError, OSError, ValueError) as error:
            return Fetched(error=f"network|{type(error).__name__}")

    async def _follow(
        self, session: aiohttp.ClientSession, url: str, headers: dict[str, str]
    ) -> Fetched:
        """Redirects followed here, each address checked as the first one was."""
        for _hop in range(MAX_REDIRECTS + 1):
            host = urlsplit(url).hostname or ""
            if not self.private and not _is_public(host):
                raise NotPublic(f"{host} is not a public address")
            async with session.get(url, headers=headers, allow_redirects=False) as response:
                location = response.headers.get("Location")
                if response.status in REDIRECTS and location:
                    url = urljoin(url, location)
                    continue
                return await self._read(response)
        return Fetched(error="redirects|")

    async def _read(self, response: aiohttp.ClientResponse) -> Fetched:
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

"""Reading recruiters' own calendars over HTTP for their busy times: a conditional GET with a
total time limit, a size limit and few redirects (`CalendarFetcher`), and the job that reads
those due (`BusyCalendarJob`, run with the minute's periodic jobs)."""

from __future__ import annotations

import asyncio
import ipaddress
import multiprocessing
import resource
import signal
import socket
from datetime import datetime, timedelta
from multiprocessing.pool import Pool
from urllib.parse import urljoin, urlsplit

import aiohttp
import structlog
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from core.clock import Clock
from core.metrics import Metrics, timed
from domain.calendars.busy import CalendarTooComplex, Interval, busy_intervals, warm_up
from domain.calendars.busy_sources import Fetched, refresh_due
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)

USER_AGENT = "recruiting-bot busy-calendar reader (+iCalendar)"
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
CONCURRENCY = 4
START_SECONDS = 60  # for the worker process to start and load the iCalendar libraries
IDLE = 600.0  # seconds without a calendar to read before the worker process is ended
WORKER_MEMORY = 1024 * 1024 * 1024  # the worker's address space: calendars never swap the host


REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _seconds(value: float) -> str:
    return f"{value:g}"


class NotPublic(OSError):
    """The address is this machine's, or its network's: never read on a recruiter's word."""


# IPv6 addresses that carry an IPv4 one (NAT64, 6to4; mapped and compatible are read by
# `ipaddress` itself): judged by the IPv4 address inside, which they reach.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64 or (address in COMPATIBLE and int(address) > 1):  # not :: nor ::1
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_public(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return True  # a name: its addresses are checked when it is resolved
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return inner.is_global
    return address.is_global


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


def _worker_setup(memory_bytes: int) -> None:
    """A worker reads calendars only: Ctrl-C is the parent's to handle, and its memory is
    bounded (a file of many frequent rules fails as too complex, never swaps the machine)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    warm_up()


class ProcessExpander:
    """Works out a calendar's busy times (`busy_intervals`) in a separate process, one calendar
    at a time, and stops it after `seconds`: a calendar that is slow to read (a huge file, a
    rule with a great many occurrences) fails as "too complex" and never holds up the bot or
    the panel, which share this process's one event loop. The process is started at the first
    calendar to read, kept while calendars keep coming, and ended after `IDLE` without one
    (`close_if_idle`, after each round) or at shutdown (`close`). Nothing waits in a thread:
    the result comes back through the pool's callback, so a cancelled round stops at once."""

    def __init__(self, seconds: float, *, memory_bytes: int = WORKER_MEMORY) -> None:
        self.seconds = seconds
        self.memory_bytes = memory_bytes
        self._pool: Pool | None = None
        self._lock = asyncio.Lock()
        self._used = 0.0  # loop time of the last calendar read

    async def __call__(
        self, content: bytes, start: datetime, end: datetime, zone: str
    ) -> list[Interval]:
        async with self._lock:  # one at a time: waiting for another never counts as ours
            pool = await self._started()
            loop = asyncio.get_running_loop()
            done: asyncio.Future[list[Interval]] = loop.create_future()

            def answered(result: list[Interval]) -> None:
                loop.call_soon_threadsafe(_settle, done, result, None)

            def failed(error: BaseException) -> None:
                loop.call_soon_threadsafe(_settle, done, None, error)

            pool.apply_async(
                busy_intervals,
                (content, start, end, zone),
                callback=answered,
                error_callback=failed,
            )
            try:
                result = await asyncio.wait_for(done, self.seconds)
            except TimeoutError:
                await self._stopped()  # killed mid-work; the next calendar starts another
                raise CalendarTooComplex(self.seconds) from None
            except MemoryError:
                await self._stopped()
                raise CalendarTooComplex(self.seconds) from None
            except asyncio.CancelledError:
                await asyncio.shield(self._stopped())
                raise
            self._used = loop.time()
            return result

    async def close_if_idle(self) -> None:
        async with self._lock:
            if self._pool is not None and asyncio.get_running_loop().time() - self._used > IDLE:
                await self._stopped()

    async def close(self) -> None:
        async with self._lock:
            await self._stopped()

    async def _started(self) -> Pool:
        if self._pool is None:
            # "spawn": a fresh interpreter, never a fork of this process's threads and loop;
            # started and warmed up (its libraries loaded) before the limit counts.
            self._pool = await asyncio.to_thread(self._start)
            self._used = asyncio.get_running_loop().time()
        return self._pool

    def _start(self) -> Pool:
        pool = multiprocessing.get_context("spawn").Pool(
            1, initializer=_worker_setup, initargs=(self.memory_bytes,)
        )
        try:
            pool.apply_async(warm_up).get(START_SECONDS)
        except BaseException:
            pool.terminate()
            raise
        return pool

    async def _stopped(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(_end, pool)


def _settle(
    future: asyncio.Future[list[Interval]],
    result: list[Interval] | None,
    error: BaseException | None,
) -> None:
    if future.done():  # given up on meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        assert result is not None
        future.set_result(result)


def _end(pool: Pool) -> None:
    pool.terminate()
    pool.join()


class BusyCalendarJob:
    """Reads the calendars not read in the last `every`; run each minute."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        fetcher: CalendarFetcher,
        expander: ProcessExpander,
        *,
        every: timedelta,
        horizon: timedelta,
        metrics: Metrics | None = None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._fetch = fetcher
        self._expand = expander
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
                    expand=self._expand,
                )
        except Exception:
            log.exception("job.failed", job="busy_calendars")
            return 0
        finally:
            await self._expand.close_if_idle()  # no process kept long without calendars
        return sum(counts.values())

"""PostgreSQL and Redis servers of a test's own, on free ports, that it may stop and start.

The shared servers (5432, 6379) are never touched: outage tests run against these. They are
skipped when the binaries are missing, and fail then under REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.services import REQUIRED
from tests.support.waiting import eventually


def _missing(what: str) -> None:
    reason = f"{what} not found: the outage tests start servers of their own"
    if REQUIRED:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class PrivatePostgres:
    """A throw-away cluster (trust auth, no fsync) in a temporary directory. initdb refuses
    to run as root, so as root the cluster belongs to the `postgres` system user."""

    def __init__(self) -> None:
        bin_dir = _postgres_bin()
        if bin_dir is None:
            _missing("PostgreSQL's initdb/pg_ctl (/usr/lib/postgresql/*/bin)")
        assert bin_dir is not None
        self._bin = bin_dir
        self.port = _free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="private-pg-"))
        self._data = self._dir / "data"
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self._dir, "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, cwd=self._dir)

    def init(self) -> None:
        self._run(
            str(self._bin / "initdb"),
            "-D",
            str(self._data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        # No fsync (the OS keeps what was written: an immediate stop kills the server, not
        # the machine), but commits are written before they return: with synchronous_commit
        # off a commit made just before the stop was lost, and a test found its row missing.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self._dir} -c fsync=off"
            " -c full_page_writes=off"
        )
        self._run(
            str(self._bin / "pg_ctl"),
            "-D",
            str(self._data),
            "-o",
            options,
            "-l",
            str(self._dir / "log"),
            "-w",
            "start",
        )

    def start_if_stopped(self) -> None:
        if not (self._data / "postmaster.pid").exists():
            self.start()

    def stop(self) -> None:
        """An immediate stop: open connections break, new ones are refused."""
        self._run(str(self._bin / "pg_ctl"), "-D", str(self._data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        if (self._data / "postmaster.pid").exists():
            subprocess.run(
                [
                    *self._as,
                    str(self._bin / "pg_ctl"),
                    "-D",
                    str(self._data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                cwd=self._dir,
            )
        shutil.rmtree(self._dir, ignore_errors=True)


class PrivateRedis:
    """redis-server on a free port, saving nothing by itself; `stop(keep_data=True)` saves its
    data first, so the next start comes back with what it held (entries cached before the
    outage included), as a Redis restarted from its snapshot would."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            _missing("redis-server")
        assert binary is not None
        self._binary = binary
        self.port = _free_port()
        self._process: asyncio.subprocess.Process | None = None
        self._dir = tempfile.mkdtemp(prefix="private-redis-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            self._binary,
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", self._dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await eventually(lambda: _accepts(self.port), "the private Redis accepts connections")

    async def stop(self, *, keep_data: bool = False) -> None:
        if self._process is None:
            return
        if keep_data:
            from redis import asyncio as aioredis

            client = aioredis.Redis.from_url(self.url)
            try:
                await client.shutdown(save=True)
            except Exception:  # the server goes away under the command: that is the point
                pass
            finally:
                await client.aclose()
        else:
            self._process.terminate()
        await self._process.wait()
        self._process = None

    async def remove(self) -> None:
        await self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

"""A private nginx for a test: its own prefix and configuration in a folder, on free ports,
serving `deploy/nginx.conf` with the test's addresses put in."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.services import REQUIRED

ROOT = Path(__file__).resolve().parents[2]
DEPLOYED = ROOT / "deploy" / "nginx.conf"
# What deploy/nginx.conf says, and what the test puts in its place.
FIRST, SECOND, LISTEN = "127.0.0.1:8081", "127.0.0.1:8082", "listen 127.0.0.1:8443;"

TOP = """\
{user}worker_processes 1;
error_log {dir}/error.log info;
events {{ worker_connections 512; }}
http {{
    log_format upstreams
        '$request_uri $status [$upstream_addr] [$upstream_status] $msec $request_time';
    access_log {dir}/access.log upstreams;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    include {dir}/recruiting.conf;
}}
"""


def nginx_binary() -> str:
    """Debian's nginx (in /usr/sbin, which a user's PATH may lack); skip, or fail under
    REQUIRE_SERVICES=1, where there is none."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        reason = "nginx is not installed (Debian: apt-get install nginx-light)"
        if REQUIRED:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return found


@dataclass
class AccessLine:
    uri: str
    status: int
    upstreams: list[str]  # the instances tried, in order
    upstream_statuses: list[str]


class Nginx:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def access_log(self) -> list[AccessLine]:
        path = self.folder / "access.log"
        lines = path.read_text().splitlines() if path.exists() else []
        return [_parse(line) for line in lines if line.strip()]

    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text() if path.exists() else ""


def _parse(line: str) -> AccessLine:
    uri, status, rest = line.split(" ", 2)
    addresses, statuses = rest.rsplit(" ", 2)[0].split("] [")

    def items(text: str) -> list[str]:
        return [item.strip() for item in text.strip("[]").split(",") if item.strip()]

    return AccessLine(uri, int(status), items(addresses), items(statuses))


def configure(folder: Path, port: int, instances: tuple[int, int]) -> None:
    deployed = DEPLOYED.read_text()
    for original in (FIRST, SECOND, LISTEN):
        assert deployed.count(original) == 1, f"deploy/nginx.conf no longer says {original!r}"
    ours = (
        deployed.replace(FIRST, f"127.0.0.1:{instances[0]}")
        .replace(SECOND, f"127.0.0.1:{instances[1]}")
        .replace(LISTEN, f"listen 127.0.0.1:{port};")
    )
    (folder / "temp").mkdir(parents=True, exist_ok=True)
    (folder / "recruiting.conf").write_text(ours)
    user = "user root;\n" if os.geteuid() == 0 else ""  # else nginx runs as whoever starts it
    (folder / "nginx.conf").write_text(TOP.format(user=user, dir=folder))


@contextlib.asynccontextmanager
async def running_nginx(
    folder: Path, port: int, instances: tuple[int, int]
) -> AsyncIterator[Nginx]:
    binary = nginx_binary()
    configure(folder, port, instances)
    conf, pid = folder / "nginx.conf", folder / "nginx.pid"
    command = [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    check = await asyncio.create_subprocess_exec(
        *command, "-t", "-q", stderr=asyncio.subprocess.PIPE
    )
    _, err = await check.communicate()
    assert check.returncode == 0, f"nginx -t: {err.decode()}"
    process = await asyncio.create_subprocess_exec(
        *command, "-g", f"daemon off; pid {pid};", stderr=asyncio.subprocess.DEVNULL
    )
    try:
        yield Nginx(folder, port)
    finally:
        if process.returncode is None:
            process.terminate()  # fast shutdown
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()

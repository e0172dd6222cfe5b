"""Issue 20.3: a calendar address on this server or its private network is refused, also when
written as an IPv6 address carrying an IPv4 one (scheduler.busy_calendars)."""

from __future__ import annotations

import pytest

from scheduler.busy_calendars import CalendarFetcher, _is_public

# IPv6 forms that reach an IPv4 address: NAT64 (64:ff9b::/96), 6to4 (2002::/16),
# IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d).
PRIVATE = [
    "64:ff9b::127.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::10.0.0.5",
    "64:ff9b::192.168.1.1",
    "64:ff9b::169.254.169.254",  # the cloud's metadata service
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:5::",  # 6to4 of 10.0.0.5
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.5",
    "::127.0.0.1",
    "::10.0.0.5",
    "::192.168.1.1",
    "::1",
    "127.0.0.1",
    "10.0.0.5",
]
PUBLIC = [
    "64:ff9b::8.8.8.8",
    "2002:808:808::1",  # 6to4 of 8.8.8.8
    "::ffff:8.8.8.8",
    "::8.8.8.8",
    "2001:4860:4860::8888",
    "8.8.8.8",
    "calendar.example.org",  # a name: its addresses are checked when resolved
]


@pytest.mark.parametrize("host", PRIVATE)
def test_a_private_ipv4_address_is_refused_however_written(host: str) -> None:
    assert not _is_public(host)


@pytest.mark.parametrize("host", PUBLIC)
def test_a_public_address_is_read(host: str) -> None:
    assert _is_public(host)


@pytest.mark.parametrize("host", ["64:ff9b::7f00:1", "2002:7f00:1::1", "::127.0.0.1"])
async def test_the_fetcher_refuses_such_an_address_before_connecting(host: str) -> None:
    fetched = await CalendarFetcher(5, 100_000)(f"http://[{host}]:9/cal.ics", None, None)
    assert fetched.error == "private|"

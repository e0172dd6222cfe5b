"""Issue 16, item 2: an unknown login costs what a wrong password costs. Not timed: the checks
are counted. Each sign-in (known, unknown, inactive) runs exactly one argon2 check, against
the account's hash or a dummy made with the same parameters."""

from __future__ import annotations

from typing import Any

from tests.conftest import Storage
from tests.security.conftest import PASSWORD, GatedHasher, panel_on


async def _sign_in(panel: Any, login: str, password: str) -> int:
    csrf = await panel.csrf()
    response = await panel.client.post(
        "/login",
        data={"login": login, "password": password, "csrf": csrf},
        allow_redirects=False,
    )
    return int(response.status)


async def test_known_unknown_and_inactive_logins_each_run_one_check(
    sqlite_storage: Storage, aiohttp_client: Any, hasher: GatedHasher
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    async with sqlite_storage.uow() as uow:
        rec = await uow.admin_users.get_by_login("rec")
        assert rec is not None
        rec.active = False
        await uow.commit()
        boss = await uow.admin_users.get_by_login("boss")
        assert boss is not None
    outcomes = []
    for login, password in (
        ("boss", "a wrong password"),  # known, wrong
        ("nobody-here", "a wrong password"),  # unknown
        ("rec", PASSWORD),  # inactive, with its right password
        ("boss", PASSWORD),  # known, right
    ):
        before = hasher.checks
        status = await _sign_in(panel, login, password)
        outcomes.append((login, status, hasher.checks - before))
    assert outcomes == [
        ("boss", 200, 1),
        ("nobody-here", 200, 1),
        ("rec", 200, 1),
        ("boss", 303, 1),
    ]
    # The unknown and the inactive login were checked against one dummy hash of the same
    # kind (argon2id, the same cost) as the real one; never against an empty string.
    dummy = hasher.verified[1]
    assert hasher.verified[2] == dummy != boss.password_hash
    assert dummy.rsplit("$", 2)[0] == boss.password_hash.rsplit("$", 2)[0]

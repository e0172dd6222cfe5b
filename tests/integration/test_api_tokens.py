"""Bearer tokens: who they authenticate, and how often using one writes to the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import AdminRole
from core.result import Success
from domain.organisation.accounts import create_admin
from domain.organisation.api_tokens import authenticate, issue_api_token
from storage.models import ApiToken
from tests.conftest import Storage
from tests.support.factories import NOW


async def _token(storage: Storage) -> tuple[str, int]:
    async with storage.uow() as uow:
        admin = await create_admin(uow, "boss", "a long password 1", AdminRole.ADMIN)
        issued = await issue_api_token(uow, admin.id, "ci", actor="test", admin_user_id=admin.id)
    assert isinstance(issued, Success)
    return issued.value, admin.id


async def _last_used(storage: Storage) -> datetime | None:
    async with storage.uow() as uow:
        (token,) = (await uow.session.scalars(select(ApiToken))).all()
        return token.last_used_at


async def test_last_used_is_written_at_most_once_a_minute(storage: Storage) -> None:
    raw, admin_id = await _token(storage)
    clock = FrozenClock(NOW)
    for _ in range(3):
        async with storage.uow() as uow:
            bearer = await authenticate(uow, raw, clock)
            assert bearer is not None and bearer.account.id == admin_id
            await uow.commit()  # the request's own commit carries it
        assert await _last_used(storage) == NOW
        clock.advance(timedelta(seconds=20))  # 0, 20, 40 s: within the minute, not written
    clock.advance(timedelta(seconds=1))  # 61 s after the first use
    async with storage.uow() as uow:
        assert await authenticate(uow, raw, clock) is not None
        await uow.commit()
    assert await _last_used(storage) == NOW + timedelta(seconds=61)


async def test_unknown_revoked_and_foreign_tokens_authenticate_no_one(storage: Storage) -> None:
    raw, _ = await _token(storage)
    clock = FrozenClock(NOW)
    async with storage.uow() as uow:
        assert await authenticate(uow, raw + "x", clock) is None
        assert await authenticate(uow, "Bearer " + raw, clock) is None
    async with storage.uow() as uow:
        (token,) = (await uow.session.scalars(select(ApiToken))).all()
        token.revoked_at = NOW
        await uow.commit()
    async with storage.uow() as uow:
        assert await authenticate(uow, raw, clock) is None

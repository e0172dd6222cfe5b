"""Bearer tokens for the REST API: shown once, stored as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from core.clock import Clock
from core.errors import NotFound
from core.result import Failure, Result, Success
from storage.models import AdminUser, ApiToken
from storage.uow import UnitOfWork

TOKEN_PREFIX = "rbt_"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def create_api_token(uow: UnitOfWork, login: str, name: str) -> Result[str, NotFound]:
    """A new token for the account; the raw value exists only in the return. Commits."""
    user = await uow.admin_users.get_by_login(login)
    if user is None:
        return Failure(NotFound(f"account {login!r}"))
    return await issue_api_token(uow, user.id, name, actor="cli", admin_user_id=user.id)


async def issue_api_token(
    uow: UnitOfWork, account_id: int, name: str, *, actor: str, admin_user_id: int | None
) -> Result[str, NotFound]:
    """A new token for the active account `account_id`, audited as `actor`; the raw value
    exists only in the return, the database keeps its SHA-256. Commits."""
    user = await uow.admin_users.get(account_id)
    if user is None or not user.active:
        return Failure(NotFound(f"account {account_id}"))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    [token] = await uow.api_tokens.add_many(
        [ApiToken(admin_user_id=user.id, name=name[:100], token_hash=token_hash(raw))]
    )
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="create",
        entity="api_token",
        entity_id=token.id,
        details={"account_id": user.id, "name": token.name},
    )
    await uow.commit()
    return Success(raw)


# "Last used" is shown to the minute: writing it on every request would turn each read into a
# write (on SQLite one taking the writer lock).
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class Bearer:
    """Who calls the API: the account and which of its tokens (an actor of its own in the
    audit log and the histories)."""

    account: AdminUser
    token_id: int


async def authenticate(uow: UnitOfWork, raw: str, clock: Clock) -> Bearer | None:
    """The active account behind an unrevoked token, with the token, or None. Read in the
    caller's transaction (the request's own), which also carries "last used" when it is due:
    it is written when that transaction commits, so a call that fails leaves it as it was."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    found = await uow.api_tokens.active_with_account(token_hash(raw))
    if found is None:
        return None
    token, user = found
    if not user.active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
    return Bearer(user, token.id)

"""Panel sessions kept on the server: the cookie carries a random token, the database a row
under its SHA-256. A request holds while its row does; logout deletes it, and a new password or
a deactivation deletes the account's rows, so a copied cookie stops working at once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from storage.models import AdminSession, AdminUser
from storage.uow import UnitOfWork

SESSION_LIFETIME = timedelta(hours=12)


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(uow: UnitOfWork, user: AdminUser, now: datetime) -> str:
    """A new session for the account; returns the token its cookie carries (stored hashed).
    Sessions past their end are cleared on the way."""
    await uow.admin_sessions.end_expired(now)
    token = secrets.token_urlsafe(32)
    uow.admin_sessions.add(
        AdminSession(id=session_id(token), admin_user_id=user.id, expires_at=now + SESSION_LIFETIME)
    )
    return token


async def signed_in_account(uow: UnitOfWork, token: object, now: datetime) -> AdminUser | None:
    """The active account whose unexpired session this token is, else None: one query."""
    if not isinstance(token, str) or not token:
        return None
    return await uow.admin_sessions.account_for(session_id(token), now)


async def end_session(uow: UnitOfWork, token: object) -> None:
    """Logout: this session ends on the server, whoever still holds a copy of its cookie."""
    if isinstance(token, str) and token:
        await uow.admin_sessions.end(session_id(token))


async def end_all_sessions(uow: UnitOfWork, account_id: int, *, keep: str | None = None) -> None:
    """Every session of the account ends, except the one whose token is `keep`."""
    await uow.admin_sessions.end_for_account(account_id, keep=session_id(keep) if keep else None)

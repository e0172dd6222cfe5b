"""Panel accounts: creation and password checks (argon2)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from core.enums import AdminRole
from core.errors import AppError, Conflict
from storage.models import AdminUser
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from argon2 import PasswordHasher

LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
MIN_PASSWORD_LENGTH = 10


class InvalidAccount(AppError):
    message_key = "error.invalid_account"


_hasher: PasswordHasher | None = None  # tests put a cheaper one here


def _password_hasher() -> PasswordHasher:
    """argon2 is imported at the first sign-in or new password, not at start-up."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def hash_password(password: str) -> str:
    return _password_hasher().hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def create_admin(
    uow: UnitOfWork,
    login: str,
    password: str,
    role: AdminRole = AdminRole.ADMIN,
    actor: str = "cli",
) -> AdminUser:
    if not LOGIN_PATTERN.match(login):
        raise InvalidAccount("login: 3–64 letters, digits or . _ @ -")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if await uow.admin_users.get_by_login(login) is not None:
        raise Conflict(f"login {login!r} exists already")
    [user] = await uow.admin_users.add_many(
        [AdminUser(login=login, password_hash=hash_password(password), role=role)]
    )
    uow.audit.record(actor=actor, action="create", entity="admin_user", entity_id=user.id)
    await uow.commit()
    return user


async def set_password(uow: UnitOfWork, login: str, password: str, *, create: bool = False) -> None:
    """Give an account a new password (creating it as an admin if asked) and commit."""
    user = await uow.admin_users.get_by_login(login)
    if user is None:
        if not create:
            raise InvalidAccount(f"no account {login!r}")
        await create_admin(uow, login, password, actor="system")
        return
    user.password_hash = hash_password(password)
    user.session_generation += 1  # the old password's sessions end with it
    uow.audit.record(
        actor="system", action="reset_password", entity="admin_user", entity_id=user.id
    )
    await uow.commit()


async def find_account(uow: UnitOfWork, account_id: int) -> AdminUser | None:
    return await uow.admin_users.get(account_id)


async def sign_in(uow: UnitOfWork, login: str, password: str, *, now: datetime) -> AdminUser | None:
    """The active account with this login and password, or None. A success is recorded: the
    account's last sign-in time and a "login" audit row (committed with the caller's Unit of
    Work); a failure changes nothing."""
    user = await uow.admin_users.get_by_login(login)
    if user is None or not user.active or not password_matches(user.password_hash, password):
        return None
    user.last_login_at = now
    uow.audit.record(
        actor=f"admin:{user.id}",
        action="login",
        entity="admin_user",
        entity_id=user.id,
        admin_user_id=user.id,
    )
    return user


async def signed_in_account(
    uow: UnitOfWork, account_id: int, generation: object
) -> AdminUser | None:
    """The account a session was started for, while that session still holds: None once the
    account is gone or deactivated, or its password changed since (a new generation)."""
    user = await uow.admin_users.get(account_id)
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user

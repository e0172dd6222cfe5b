"""Panel accounts: creation, and the one path a password is checked by (signing in, changing
one's own password): failures counted in the database before the check, argon2 in a worker
thread with a bound on how many run at once, and the same work for an unknown login."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from core.enums import AdminRole
from core.errors import AppError, Conflict
from domain.organisation.sessions import end_all_sessions
from storage.models import AdminUser
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from argon2 import PasswordHasher

LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
MIN_PASSWORD_LENGTH = 10
# Failed sign-ins per login name *and address*: after this many the name is refused from that
# address until LOCKOUT has passed since the last one, so someone guessing elsewhere cannot
# lock the owner out. No cap per address alone: behind a reverse proxy every request has the
# proxy's address, and one would lock everyone out.
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
# argon2 at its default cost takes ~0.15 s and 64 MiB a hash: two at once in worker threads,
# a few more waiting; beyond that a sign-in is told to try again rather than queue for long.
PASSWORD_CHECKS_AT_ONCE = 2
PASSWORD_CHECKS_WAITING = 16
T = TypeVar("T")


class InvalidAccount(AppError):
    message_key = "error.invalid_account"


class LoginLocked(AppError):
    """Too many failed attempts for this login from this address: refused unchecked."""

    message_key = "panel.login.locked"
    retry_after_seconds = int(LOCKOUT.total_seconds())


class PasswordChecksBusy(AppError):
    """As many password checks as the bound allows are running and waiting already."""

    message_key = "panel.login.busy"
    retry_after_seconds = 2


_hasher: PasswordHasher | None = None  # tests put a cheaper one here
_dummy: tuple[object, str] | None = None  # (the hasher, a hash of nothing anyone knows)


def _password_hasher() -> PasswordHasher:
    """argon2 is imported at the first sign-in or new password, not at start-up."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


class PasswordWork:
    """argon2 off the event loop: in worker threads, at most `at_once` at a time; at most
    `waiting` more may wait for a place (else PasswordChecksBusy)."""

    def __init__(self, at_once: int, waiting: int) -> None:
        self.at_once, self.waiting = at_once, waiting
        self.admitted = 0  # running or waiting
        self.running = 0
        self._places: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._places is None or self._places[0] is not loop:
            self._places = (loop, asyncio.Semaphore(self.at_once))
        return self._places[1]

    @asynccontextmanager
    async def admission(self) -> AsyncIterator[None]:
        if self.admitted >= self.at_once + self.waiting:
            raise PasswordChecksBusy()
        self.admitted += 1
        try:
            yield
        finally:
            self.admitted -= 1

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """`work(*args)` in a worker thread once a place is free. The place is held until the
        thread ends, even if the caller stops waiting (a client gone away)."""
        places = self._semaphore()
        await places.acquire()
        self.running += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(None, work, *args)
        except BaseException:
            self.running -= 1
            places.release()
            raise

        def free(_: object) -> None:
            self.running -= 1
            places.release()

        future.add_done_callback(free)
        return await asyncio.shield(future)


PASSWORD_WORK = PasswordWork(PASSWORD_CHECKS_AT_ONCE, PASSWORD_CHECKS_WAITING)


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_password_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _hash(password: str) -> str:
    return str(_password_hasher().hash(password))


async def hash_password(password: str) -> str:
    async with PASSWORD_WORK.admission():
        return await PASSWORD_WORK.run(_hash, password)


async def password_matches(password_hash: str, password: str) -> bool:
    async with PASSWORD_WORK.admission():
        return await PASSWORD_WORK.run(_verify, password_hash, password)


async def _dummy_hash() -> str:
    """A hash made as real ones are, of a password nobody knows: an unknown or inactive login
    is checked against it, so that it costs what a wrong password costs (no enumeration)."""
    global _dummy
    hasher = _password_hasher()
    if _dummy is None or _dummy[0] is not hasher:
        _dummy = (hasher, await PASSWORD_WORK.run(_hash, secrets.token_urlsafe(24)))
    return _dummy[1]


async def checked_password(
    uow: UnitOfWork, login: str, password: str, *, address: str, now: datetime
) -> AdminUser | None:
    """The active account with this login if the password is its own, else None. The attempt
    is counted (per login and address) and committed *before* the password is checked, in one
    statement, so a burst of concurrent guesses gets no more than MAX_FAILURES checks; at the
    limit it raises LoginLocked without checking. No transaction is open during the check.
    An unknown or inactive login is checked against a dummy hash: the same work either way."""
    address = address[:64]
    async with PASSWORD_WORK.admission():
        dummy = await _dummy_hash()
        await uow.login_failures.forget_expired(now)
        counted = await uow.login_failures.count_attempt(
            login, address, now=now, until=now + LOCKOUT, limit=MAX_FAILURES
        )
        user = await uow.admin_users.get_by_login(login) if counted is not None else None
        await uow.commit()  # the attempt counts even if this request goes no further
        if counted is None:
            raise LoginLocked()
        known = user is not None and user.active
        stored = user.password_hash if user is not None and known else dummy
        matches = await PASSWORD_WORK.run(_verify, stored, password)
    if not (matches and known):
        return None
    await uow.login_failures.forget(login, address)
    return user


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
        [AdminUser(login=login, password_hash=await hash_password(password), role=role)]
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
    user.password_hash = await hash_password(password)
    await end_all_sessions(uow, user.id)  # the old password's sessions end with it
    uow.audit.record(
        actor="system", action="reset_password", entity="admin_user", entity_id=user.id
    )
    await uow.commit()


async def find_account(uow: UnitOfWork, account_id: int) -> AdminUser | None:
    return await uow.admin_users.get(account_id)


async def sign_in(
    uow: UnitOfWork, login: str, password: str, *, address: str, now: datetime
) -> AdminUser | None:
    """The active account with this login and password, or None (see `checked_password`:
    LoginLocked at the limit of failures). A success is recorded: the account's last sign-in
    time and a "login" audit row (committed with the caller's Unit of Work)."""
    user = await checked_password(uow, login, password, address=address, now=now)
    if user is None:
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

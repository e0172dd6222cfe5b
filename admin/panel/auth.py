"""Panel sessions: an encrypted HttpOnly SameSite cookie, a CSRF token per session, revocation
by the account's session generation, and failed logins slowed and then refused for a while."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp_session import AbstractStorage, Session, get_session, new_session
from aiohttp_session import setup as setup_sessions

from admin.deps import request_uow
from domain.organisation.accounts import signed_in_account
from domain.records import AdminUser

COOKIE = "rb_session"
SESSION_SECONDS = 12 * 3600
MAX_FAILURES = 5
MAX_TRACKED = 10_000
LOCKOUT_SECONDS = 15 * 60


class _FirstUseCookieStorage(AbstractStorage):
    """aiohttp_session's encrypted cookie, built at the first session read or write: its module
    imports `cryptography` (about 7 MB resident), which a process that never serves the panel
    (the bot, /health, the API) does without."""

    def __init__(self, key: bytes) -> None:
        super().__init__(cookie_name=COOKIE, httponly=True, samesite="Lax", max_age=SESSION_SECONDS)
        self._key = key
        self._inner: AbstractStorage | None = None

    def _storage(self) -> AbstractStorage:
        if self._inner is None:
            from aiohttp_session.cookie_storage import EncryptedCookieStorage

            self._inner = EncryptedCookieStorage(
                self._key,
                cookie_name=COOKIE,
                httponly=True,
                samesite="Lax",
                max_age=SESSION_SECONDS,
            )
        return self._inner

    async def load_session(self, request: web.Request) -> Session:
        return await self._storage().load_session(request)

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        await self._storage().save_session(request, response, session)


def install_sessions(app: web.Application, secret_key: str) -> None:
    """An empty key gets a random one: everyone is logged out when the process restarts."""
    key = hashlib.sha256(secret_key.encode()).digest() if secret_key else secrets.token_bytes(32)
    setup_sessions(app, _FirstUseCookieStorage(key))


def csrf_token(session: Session) -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        session["csrf"] = token
    return token


async def check_csrf(request: web.Request) -> None:
    """Every unsafe request carries the session's token in its form."""
    session = await get_session(request)
    form = await request.post()
    sent = form.get("csrf")
    expected = session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not hmac.compare_digest(sent, expected)
    ):
        raise web.HTTPForbidden(text="The form has expired: reload the page and try again.")


async def current_user(request: web.Request) -> AdminUser | None:
    session = await get_session(request)
    user_id, generation = session.get("user_id"), session.get("generation")
    if not isinstance(user_id, int):
        return None
    user = await signed_in_account(request_uow(request), user_id, generation)
    if user is None:
        session.invalidate()  # revoked: deactivated, or the password was changed
        return None
    return user


async def start_session(request: web.Request, user: AdminUser) -> None:
    session = await new_session(request)  # a fresh id and CSRF token: no session fixation
    session["user_id"] = user.id
    session["generation"] = user.session_generation
    csrf_token(session)


@dataclass
class LoginThrottle:
    """Failed logins, counted per login name *and address*: each failure waits a little longer,
    and after MAX_FAILURES that name is refused from that address for LOCKOUT_SECONDS, so
    someone guessing elsewhere cannot lock the real owner out. No cap per address alone: behind
    a reverse proxy every request has the proxy's address, and one would lock everyone out. In
    memory: per process, forgotten on restart."""

    failures: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    @staticmethod
    def _key(login: str, address: str) -> str:
        return f"{address}\n{login}"

    def _recent(self, key: str, now: float) -> list[float]:
        recent = [t for t in self.failures.get(key, ()) if now - t < LOCKOUT_SECONDS]
        if recent:
            self.failures[key] = recent
        else:
            self.failures.pop(key, None)
        return recent

    def locked(self, login: str, address: str) -> bool:
        return len(self._recent(self._key(login, address), time.monotonic())) >= MAX_FAILURES

    def delay(self, login: str, address: str) -> float:
        return min(2.0, 0.25 * len(self._recent(self._key(login, address), time.monotonic())))

    def failed(self, login: str, address: str) -> None:
        now = time.monotonic()
        if len(self.failures) > MAX_TRACKED:  # many names or addresses: forget the stale ones
            for key in list(self.failures):
                self._recent(key, now)
        self.failures[self._key(login, address)].append(now)

    def succeeded(self, login: str, address: str) -> None:
        self.failures.pop(self._key(login, address), None)

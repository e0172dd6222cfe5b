"""Panel sessions: an encrypted HttpOnly SameSite cookie (Secure when the panel is served over
TLS) carrying a token whose session is kept on the server (`domain.organisation.sessions`), and
a CSRF token per session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from aiohttp import web
from aiohttp_session import AbstractStorage, Session, get_session, new_session
from aiohttp_session import setup as setup_sessions

from admin.deps import DEPS, request_uow
from admin.locale import current_locale
from domain.organisation.sessions import (
    SESSION_LIFETIME,
    end_session,
    open_session,
    signed_in_account,
)
from domain.records import AdminUser

COOKIE = "rb_session"
SESSION_SECONDS = int(SESSION_LIFETIME.total_seconds())


class _FirstUseCookieStorage(AbstractStorage):
    """aiohttp_session's encrypted cookie, built at the first session read or write: its module
    imports `cryptography` (about 7 MB resident), which a process that never serves the panel
    (the bot, /health, the API) does without."""

    def __init__(self, key: bytes, *, secure: bool) -> None:
        super().__init__(
            cookie_name=COOKIE,
            httponly=True,
            samesite="Lax",
            max_age=SESSION_SECONDS,
            secure=secure,
        )
        self._key = key
        self._secure = secure
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
                secure=self._secure,
            )
        return self._inner

    async def load_session(self, request: web.Request) -> Session:
        return await self._storage().load_session(request)

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        await self._storage().save_session(request, response, session)


def install_sessions(app: web.Application, secret_key: str, *, secure: bool = False) -> None:
    """An empty key gets a random one: everyone is logged out when the process restarts.
    `secure`: the panel is served over TLS, so the cookie is never sent over plain HTTP."""
    key = hashlib.sha256(secret_key.encode()).digest() if secret_key else secrets.token_bytes(32)
    setup_sessions(app, _FirstUseCookieStorage(key, secure=secure))


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
        catalog = request.config_dict[DEPS].catalog
        raise web.HTTPForbidden(text=catalog.text("panel.form_expired", current_locale()))


def _now(request: web.Request) -> datetime:
    return request.config_dict[DEPS].clock.now()


def session_token(session: Session) -> str | None:
    token = session.get("token")
    return token if isinstance(token, str) else None


async def current_user(request: web.Request) -> AdminUser | None:
    session = await get_session(request)
    token = session_token(session)
    if token is None:
        return None
    user = await signed_in_account(request_uow(request), token, _now(request))
    if user is None:
        session.invalidate()  # ended: logged out, deactivated, or the password was changed
        return None
    return user


async def start_session(request: web.Request, user: AdminUser) -> None:
    token = await open_session(request_uow(request), user, _now(request))
    session = await new_session(request)  # a fresh cookie and CSRF token: no fixation
    session["token"] = token
    csrf_token(session)


async def stop_session(request: web.Request) -> None:
    """Logout: the session ends on the server, then the cookie is cleared."""
    session = await get_session(request)
    await end_session(request_uow(request), session_token(session))
    session.invalidate()

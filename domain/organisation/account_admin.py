"""Panel accounts and API tokens as admins manage them, and an account's own password. Every
change is written to the audit log under the acting account, never with a password or a token
in it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from core.clock import Clock
from core.enums import AdminRole
from core.errors import Conflict, InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.organisation.accounts import (
    LOGIN_PATTERN,
    MIN_PASSWORD_LENGTH,
    checked_password,
    hash_password,
)
from domain.organisation.sessions import end_all_sessions
from storage.models import AdminUser, ApiToken
from storage.uow import UnitOfWork

# Refusals said in the reader's language (catalog keys; the password's says its length).
LOGIN_RULE = "reason.account.login_rule"
PASSWORD_RULE = "reason.account.password_rule"
RECRUITER_RULE = "reason.account.recruiter_rule"
RECRUITER_TAKEN = "reason.account.recruiter_taken"
WRONG_PASSWORD = "reason.account.wrong_password"
OWN_PASSWORD = "reason.account.own_password"


class OwnAccountActive(Conflict):
    """An account may not switch itself off (or on)."""

    message_key = "reason.account.own_active"


@dataclass(frozen=True)
class AccountRow:
    account: AdminUser
    recruiter_name: str | None


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    owner_login: str


def login_problem(login: str) -> str | None:
    return None if LOGIN_PATTERN.match(login) else LOGIN_RULE


def password_problem(password: str) -> str | None:
    return None if len(password) >= MIN_PASSWORD_LENGTH else PASSWORD_RULE


def link_problem(role: AdminRole, recruiter_id: int | None) -> str | None:
    if role is AdminRole.RECRUITER and recruiter_id is None:
        return RECRUITER_RULE
    # An admin may be linked too: the recruiter's chat is the admin's own Telegram (the test
    # send of a broadcast goes there); an admin's scope stays everything.
    return None


async def list_accounts(uow: UnitOfWork) -> list[AccountRow]:
    """Every account with its linked recruiter's name, in one query."""
    return [
        AccountRow(user, name) for user, name in await uow.admin_users.list_with_recruiter_names()
    ]


async def list_tokens(uow: UnitOfWork) -> list[TokenRow]:
    """Every API token, newest first, with its owner's login, in one query."""
    return [
        TokenRow(token, login) for token, login in await uow.api_tokens.list_with_owner_logins()
    ]


async def create_account(
    uow: UnitOfWork,
    login: str,
    password: str,
    role: AdminRole,
    recruiter_id: int | None,
    *,
    actor: str,
    admin_user_id: int | None,
) -> Result[AdminUser, InvalidField]:
    """A new active panel account; a recruiter account is linked to an existing recruiter, an
    admin account may be (that recruiter's chat is the admin's own Telegram). Commits."""
    checks = (
        ("login", login_problem(login)),
        ("password", password_problem(password)),
        ("recruiter_id", link_problem(role, recruiter_id)),
    )
    for field, problem in checks:
        if problem is not None:
            return Failure(InvalidField(field, problem))
    if await uow.admin_users.get_by_login(login) is not None:
        return Failure(InvalidField("login", "reason.account.login_taken"))
    if recruiter_id is not None and await uow.recruiters.get(recruiter_id) is None:
        return Failure(InvalidField("recruiter_id", "reason.account.no_recruiter"))
    if await _taken_for_admin(uow, role, recruiter_id, None):
        return Failure(InvalidField("recruiter_id", RECRUITER_TAKEN))
    [user] = await uow.admin_users.add_many(
        [
            AdminUser(
                login=login,
                password_hash=await hash_password(password),
                role=role,
                recruiter_id=recruiter_id,
                active=True,
            )
        ]
    )
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="create",
        entity="admin_user",
        entity_id=user.id,
        details={"login": login, "role": role.value, "recruiter_id": recruiter_id},
    )
    await uow.commit()
    return Success(user)


async def _taken_for_admin(
    uow: UnitOfWork, role: AdminRole, recruiter_id: int | None, account_id: int | None
) -> bool:
    """An admin account links to a recruiter to reach its own Telegram: not to a recruiter
    another account already speaks for (its test sends would reach that person)."""
    if role is not AdminRole.ADMIN or recruiter_id is None:
        return False
    return await uow.admin_users.linked_elsewhere(recruiter_id, account_id)


async def _account(uow: UnitOfWork, account_id: int) -> Result[AdminUser, NotFound]:
    user = await uow.admin_users.get(account_id)
    return Failure(NotFound(f"account {account_id}")) if user is None else Success(user)


async def set_active(
    uow: UnitOfWork, account_id: int, active: bool, *, actor: str, admin_user_id: int | None
) -> Result[AdminUser, Conflict | NotFound]:
    """Deactivate an account (its sessions end at once, its API tokens stop working) or let it
    in again; never one's own. Commits."""
    if account_id == admin_user_id:
        return Failure(OwnAccountActive())
    found = await _account(uow, account_id)
    if isinstance(found, Failure):
        return Failure(found.error)
    user = found.value
    user.active = active
    if not active:
        await end_all_sessions(uow, user.id)  # a later reactivation must not revive them
    action = "reactivate" if active else "deactivate"
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action=action,
        entity="admin_user",
        entity_id=user.id,
    )
    await uow.commit()
    return Success(user)


async def link_recruiter(
    uow: UnitOfWork,
    account_id: int,
    recruiter_id: int | None,
    *,
    actor: str,
    admin_user_id: int | None,
) -> Result[AdminUser, InvalidField | NotFound]:
    """Link an account to a recruiter (a recruiter account's slots and cities; an admin's own
    Telegram chat), or an admin account to none. Audited; commits."""
    found = await _account(uow, account_id)
    if isinstance(found, Failure):
        return Failure(found.error)
    user = found.value
    if (problem := link_problem(user.role, recruiter_id)) is not None:
        return Failure(InvalidField("recruiter_id", problem))
    if recruiter_id is not None and await uow.recruiters.get(recruiter_id) is None:
        return Failure(InvalidField("recruiter_id", "reason.account.no_recruiter"))
    if await _taken_for_admin(uow, user.role, recruiter_id, user.id):
        return Failure(InvalidField("recruiter_id", RECRUITER_TAKEN))
    before, user.recruiter_id = user.recruiter_id, recruiter_id
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="link_recruiter",
        entity="admin_user",
        entity_id=user.id,
        details={"from": before, "to": recruiter_id},
    )
    await uow.commit()
    return Success(user)


async def end_sessions(
    uow: UnitOfWork, account_id: int, *, actor: str, admin_user_id: int | None
) -> Result[AdminUser, NotFound]:
    """Sign the account out everywhere: every panel session it has ends. Commits."""
    found = await _account(uow, account_id)
    if isinstance(found, Failure):
        return found
    user = found.value
    await end_all_sessions(uow, user.id)
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="end_sessions",
        entity="admin_user",
        entity_id=user.id,
    )
    await uow.commit()
    return Success(user)


async def change_own_password(
    uow: UnitOfWork,
    user: AdminUser,
    current: str,
    new: str,
    *,
    session_token: str,
    address: str,
    now: datetime,
) -> Result[AdminUser, InvalidField]:
    """An account's new password, given its current one (checked as a sign-in is: counted,
    LoginLocked at the limit). Every other session of the account ends; this one goes on.
    Commits."""
    problem = password_problem(new)
    if problem is not None:
        return Failure(InvalidField("new_password", problem))
    checked = await checked_password(uow, user.login, current, address=address, now=now)
    if checked is None or checked.id != user.id:
        return Failure(InvalidField("current_password", WRONG_PASSWORD))
    # The cleared failures are kept; no transaction (on SQLite, the write lock) is held while
    # the new password is hashed.
    await uow.commit()
    checked.password_hash = await hash_password(new)
    await end_all_sessions(uow, checked.id, keep=session_token)
    uow.audit.record(
        actor=f"admin:{checked.id}",
        admin_user_id=checked.id,
        action="change_password",
        entity="admin_user",
        entity_id=checked.id,
    )
    await uow.commit()
    return Success(checked)


async def reset_password(
    uow: UnitOfWork, account_id: int, password: str, *, actor: str, admin_user_id: int | None
) -> Result[AdminUser, InvalidField | NotFound]:
    """An admin gives another account a new password; every session of that account ends.
    One's own is changed with the current password instead. Commits."""
    if account_id == admin_user_id:
        return Failure(InvalidField("password", OWN_PASSWORD))
    problem = password_problem(password)
    if problem is not None:
        return Failure(InvalidField("password", problem))
    # Hashed before the account is read, with no transaction (on SQLite, the write lock) held.
    await uow.release()
    password_hash = await hash_password(password)
    found = await _account(uow, account_id)
    if isinstance(found, Failure):
        return Failure(found.error)
    user = found.value
    user.password_hash = password_hash
    await end_all_sessions(uow, user.id)
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="reset_password",
        entity="admin_user",
        entity_id=user.id,
    )
    await uow.commit()
    return Success(user)


async def revoke_token(
    uow: UnitOfWork, token_id: int, clock: Clock, *, actor: str, admin_user_id: int | None
) -> Result[ApiToken, NotFound]:
    """The token stops working at once; revoking it again changes nothing. Commits."""
    token = await uow.api_tokens.get(token_id)
    if token is None:
        return Failure(NotFound(f"API token {token_id}"))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        uow.audit.record(
            actor=actor,
            admin_user_id=admin_user_id,
            action="revoke",
            entity="api_token",
            entity_id=token.id,
            details={"account_id": token.admin_user_id, "name": token.name},
        )
        await uow.commit()
    return Success(token)


async def set_own_language(
    uow: UnitOfWork, account_id: int, locale: str | None, available: Collection[str]
) -> Result[None, InvalidField | NotFound]:
    """The language the account reads the panel in; None follows the browser. Commits."""
    if locale is not None and locale not in available:
        return Failure(InvalidField("locale", "panel.language.unknown"))
    found = await uow.admin_users.get(account_id)
    if found is None:
        return Failure(NotFound(f"account {account_id}"))
    found.locale = locale
    await uow.commit()
    return Success(None)

"""Accounts: panel accounts and every API token; creating both, deactivating an account,
signing it out everywhere, revoking a token. A new token is shown once, on the answer to the
form that made it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.panel.kit import (
    admins_only,
    attempt,
    deps,
    done,
    int_param,
    posted,
    render,
    text,
    uow,
)
from admin.panel.reasons import said
from admin.schemas.accounts import AccountIn, ApiTokenIn
from admin.schemas.common import parse_id
from admin.scope import Scope
from core.enums import AdminRole
from domain.organisation.account_admin import (
    create_account,
    end_sessions,
    link_recruiter,
    list_accounts,
    list_tokens,
    reset_password,
    revoke_token,
    set_active,
)
from domain.organisation.accounts import find_account
from domain.organisation.api_tokens import issue_api_token
from domain.organisation.directory import recruiter_choices

NEW_ACCOUNT = {"role": AdminRole.RECRUITER.value}


async def _show(
    request: web.Request,
    scope: Scope,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    token_values: dict[str, Any] | None = None,
    token_errors: dict[str, str] | None = None,
    new_token: dict[str, str] | None = None,
    reset_errors: dict[int, str] | None = None,
    link_errors: dict[int, str] | None = None,
    status: int = 200,
) -> web.Response:
    accounts = await list_accounts(uow(request))
    tokens = await list_tokens(uow(request))
    recruiters = [(r.id, r.name) for r in await recruiter_choices(uow(request))]
    shown = dict(values if values is not None else NEW_ACCOUNT)
    shown.pop("password", None)  # a password is never sent back
    response = await render(
        request,
        "accounts.html",
        scope,
        status=status,
        accounts=accounts,
        tokens=tokens,
        roles=[(r.value, text(request, f"panel.accounts.role.{r.value}")) for r in AdminRole],
        recruiters=recruiters,
        owners=[(row.account.id, row.account.login) for row in accounts if row.account.active],
        values=shown,
        errors=errors or {},
        token_values=token_values or {},
        token_errors=token_errors or {},
        new_token=new_token,
        reset_errors=reset_errors or {},
        link_errors=link_errors or {},
    )
    return response


@admins_only
async def list_page(request: web.Request, scope: Scope) -> web.Response:
    return await _show(request, scope)


@admins_only
async def create(request: web.Request, scope: Scope) -> web.StreamResponse:
    parsed, errors, values = await posted(request, AccountIn)
    errors = said(request, errors)
    if parsed is not None:
        _, errors = await attempt(
            request,
            create_account(
                uow(request),
                parsed.login,
                parsed.password,
                parsed.role,
                parsed.recruiter_id,
                actor=scope.actor,
                admin_user_id=scope.user_id,
            ),
        )
        if not errors:
            await done(
                request, "/accounts", text(request, "panel.accounts.created", login=parsed.login)
            )
    return await _show(request, scope, values=values, errors=errors, status=422)


@admins_only
async def activate(request: web.Request, scope: Scope) -> web.StreamResponse:
    active = request.match_info["action"] == "reactivate"
    changed = await set_active(
        uow(request),
        int_param(request, "account_id"),
        active,
        actor=scope.actor,
        admin_user_id=scope.user_id,
    )
    notice = "panel.accounts.reactivated" if active else "panel.accounts.deactivated"
    await done(request, "/accounts", text(request, notice, login=changed.unwrap().login))


@admins_only
async def sign_out_everywhere(request: web.Request, scope: Scope) -> web.StreamResponse:
    ended = await end_sessions(
        uow(request),
        int_param(request, "account_id"),
        actor=scope.actor,
        admin_user_id=scope.user_id,
    )
    await done(
        request, "/accounts", text(request, "panel.accounts.signed_out", login=ended.unwrap().login)
    )


@admins_only
async def reset(request: web.Request, scope: Scope) -> web.StreamResponse:
    """A new password for another account (audited); every session of that account ends."""
    account_id = int_param(request, "account_id")
    form = await request.post()
    changed, errors = await attempt(
        request,
        reset_password(
            uow(request),
            account_id,
            str(form.get("password", "")),
            actor=scope.actor,
            admin_user_id=scope.user_id,
        ),
    )
    if changed is not None:
        await done(request, "/accounts", text(request, "panel.reset.done", login=changed.login))
    reason = next(iter(errors.values()), "")
    return await _show(request, scope, reset_errors={account_id: reason}, status=422)


@admins_only
async def relink(request: web.Request, scope: Scope) -> web.StreamResponse:
    """The recruiter an account is linked to (for an admin: whose Telegram chat is its own)."""
    account_id = int_param(request, "account_id")
    form = await request.post()
    raw = str(form.get("recruiter_id", "")).strip()
    recruiter_id = parse_id(raw) if raw else None
    if raw and recruiter_id is None:
        reason = text(request, "reason.account.no_recruiter")
        return await _show(request, scope, link_errors={account_id: reason}, status=422)
    changed, errors = await attempt(
        request,
        link_recruiter(
            uow(request),
            account_id,
            recruiter_id,
            actor=scope.actor,
            admin_user_id=scope.user_id,
        ),
    )
    if changed is not None:
        notice = text(request, "panel.accounts.linked", login=changed.login)
        await done(request, "/accounts", notice)
    reason = next(iter(errors.values()), "")
    return await _show(request, scope, link_errors={account_id: reason}, status=422)


@admins_only
async def create_token(request: web.Request, scope: Scope) -> web.Response:
    parsed, errors, values = await posted(request, ApiTokenIn)
    errors = said(request, errors)
    if parsed is not None:
        issued = await issue_api_token(
            uow(request),
            parsed.admin_user_id,
            parsed.name,
            actor=scope.actor,
            admin_user_id=scope.user_id,
        )
        owner = await find_account(uow(request), parsed.admin_user_id)
        if issued.ok and owner is not None:
            new_token = {"value": issued.unwrap(), "name": parsed.name, "owner": owner.login}
            return await _show(request, scope, new_token=new_token)
        # The form's select offers active accounts only: one gone meanwhile is that field's.
        errors = {"admin_user_id": text(request, "panel.accounts.token_owner_gone")}
    return await _show(request, scope, token_values=values, token_errors=errors, status=422)


@admins_only
async def revoke(request: web.Request, scope: Scope) -> web.StreamResponse:
    revoked = await revoke_token(
        uow(request),
        int_param(request, "token_id"),
        deps(request).clock,
        actor=scope.actor,
        admin_user_id=scope.user_id,
    )
    await done(
        request, "/accounts", text(request, "panel.accounts.revoked", name=revoked.unwrap().name)
    )


def install(app: web.Application) -> None:
    app.router.add_get("/accounts", list_page)
    app.router.add_post("/accounts", create)
    app.router.add_post("/accounts/tokens", create_token)
    app.router.add_post("/accounts/tokens/{token_id}/revoke", revoke)
    app.router.add_post("/accounts/{account_id}/{action:deactivate|reactivate}", activate)
    app.router.add_post("/accounts/{account_id}/sign-out", sign_out_everywhere)
    app.router.add_post("/accounts/{account_id}/password", reset)
    app.router.add_post("/accounts/{account_id}/recruiter", relink)

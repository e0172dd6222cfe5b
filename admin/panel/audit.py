"""The audit log: newest first, 50 to a page, filtered by entity, action and actor. Actions,
entities and the system's actors are named in the account's language; a value the catalogs do
not name is shown as recorded."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from aiohttp import web

from admin.locale import current_locale
from admin.panel.filters import utc_datetime_seconds
from admin.panel.kit import admins_only, deps, page_number, render, uow
from admin.scope import Scope
from domain.organisation.audit_log import audit_page as read_audit_page

FILTERS = ("entity", "action", "actor")
MAX_FILTER_LENGTH = 100
ACTION = "panel.audit.action."
ENTITY = "panel.audit.entity."
ACTOR = "panel.audit.actor."


def _named(request: web.Request, prefix: str, value: str) -> str:
    """The catalog's name of a recorded value, or the value itself."""
    catalog = deps(request).catalog
    key = prefix + value
    return catalog.text(key, current_locale()) if catalog.has(key) else value


def _choices(request: web.Request, prefix: str) -> list[tuple[str, str]]:
    """Every value the catalogs name, with its name: what a filter offers."""
    catalog = deps(request).catalog
    values = sorted(
        k.removeprefix(prefix) for k in catalog.ui[catalog.default_locale] if k.startswith(prefix)
    )
    return [(value, _named(request, prefix, value)) for value in values]


def _filter_value(request: web.Request, name: str) -> str | None:
    """A filter as typed; empty or longer than any stored value is no filter at all."""
    value = request.query.get(name, "").strip()
    return value if 0 < len(value) <= MAX_FILTER_LENGTH else None


@admins_only
async def audit_page(request: web.Request, scope: Scope) -> web.Response:
    chosen = {name: _filter_value(request, name) for name in FILTERS}
    page = page_number(request)
    found = await read_audit_page(
        uow(request),
        page,
        entity=chosen["entity"],
        action=chosen["action"],
        actor=chosen["actor"],
    )
    rows = [
        {
            "time": utc_datetime_seconds(entry.created_at),
            "actor": login or _named(request, ACTOR, entry.actor),
            "action": _named(request, ACTION, entry.action),
            "entity": _named(request, ENTITY, entry.entity),
            "entity_id": entry.entity_id,
            "details": json.dumps(entry.details, ensure_ascii=False, sort_keys=True)
            if entry.details
            else "",
        }
        for entry, login in found.entries
    ]
    kept = {name: value for name, value in chosen.items() if value is not None}

    def link(number: int) -> str:
        return "/audit?" + urlencode({**kept, "page": number})

    return await render(
        request,
        "audit.html",
        scope,
        rows=rows,
        filters=kept,
        entities=_choices(request, ENTITY),
        actions=_choices(request, ACTION),
        page=page,
        previous=link(page - 1) if page > 1 else None,
        next=link(page + 1) if found.has_next else None,
    )


def install(app: web.Application) -> None:
    app.router.add_get("/audit", audit_page)

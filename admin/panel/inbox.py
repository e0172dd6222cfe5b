"""The inbox: conversations with messages nobody has read yet (who has waited longest first; the
thread is the candidate's page, and opening it reads them), and candidates who asked to be
contacted. "For admins" holds the requests no
recruiter could be told of (a city with no linked recruiter, a city not in the list); "Open"
every request not yet handled; "Handled" the done ones. A recruiter's account sees its own
cities' requests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode

from aiohttp import web

from admin.panel.filters import local_datetime
from admin.panel.kit import deps, done, int_param, page_number, render, signed_in, text, uow
from admin.panel.labels import say
from admin.scope import Scope
from domain.conversations.inbox import UnreadThread, unread_threads
from domain.pipeline.contact import (
    InboxFilter,
    InboxRow,
    contact_request,
    inbox_page,
    mark_handled,
)

REASON_LABELS = {
    "no_time": "panel.inbox.reason.no_time",
    "no_show_wrote": "panel.inbox.reason.no_show_wrote",
    "city_missing": "panel.inbox.reason.city_missing",
}
VIEWS = {
    "admins": ("panel.inbox.view.admins", InboxFilter(admins_only=True)),
    "open": ("panel.inbox.view.open", InboxFilter()),
    "handled": ("panel.inbox.view.handled", InboxFilter(handled=True)),
}


def _utc(moment: datetime) -> str:
    """An instant of no city's: in UTC, labelled, as the account's locale writes it."""
    return local_datetime(moment, "UTC") + " UTC"


def _default_view(scope: Scope) -> str:
    """Admins open on what waits for them; a recruiter on their cities' open requests."""
    return "admins" if scope.is_admin else "open"


def _scoped(where: InboxFilter, scope: Scope) -> InboxFilter:
    return replace(where, city_ids=scope.city_ids)


def _row(row: InboxRow) -> dict[str, object]:
    request = row.request
    return {
        "id": request.id,
        "time": _utc(request.created_at),
        "candidate_id": request.candidate_id,
        "name": row.candidate_name or row.username or str(row.telegram_id),
        "username": row.username,
        "phone": row.phone,
        "city": row.city_name or row.wanted_city or "—",
        "listed": row.city_name is not None,
        "reason": say(REASON_LABELS[request.reason.value])
        if request.reason.value in REASON_LABELS
        else request.reason.value,
        "wrote": request.wrote,
        "told": request.recruiters_told,
        "handled": _utc(request.handled_at) if request.handled_at else None,
    }


def _thread(row: UnreadThread) -> dict[str, object]:
    return {
        "candidate_id": row.candidate_id,
        "name": row.candidate_name
        or (f"@{row.username}" if row.username else str(row.telegram_id)),
        "city": row.city_name or "—",
        "unread": row.unread,
        "waiting_since": _utc(row.waiting_since),
        "last_at": _utc(row.last_at),
    }


def _conversations_page(request: web.Request) -> int:
    try:
        return min(max(int(request.query.get("conversations", "1")), 1), 100_000)
    except ValueError:
        return 1


@signed_in
async def inbox(request: web.Request, scope: Scope) -> web.Response:
    view = request.query.get("show", "")
    if view not in VIEWS:
        view = _default_view(scope)
    page = page_number(request)
    found = await inbox_page(uow(request), _scoped(VIEWS[view][1], scope), page)
    talk_page = _conversations_page(request)
    talks = await unread_threads(uow(request), scope.city_ids, talk_page)

    def link(number: int, conversations: int = talk_page) -> str:
        return "/inbox?" + urlencode({"show": view, "page": number, "conversations": conversations})

    return await render(
        request,
        "inbox.html",
        scope,
        rows=[_row(row) for row in found.rows],
        view=view,
        views=[(key, text(request, label)) for key, (label, _) in VIEWS.items()],
        page=page,
        previous=link(page - 1) if page > 1 else None,
        next=link(page + 1) if found.has_next else None,
        threads=[_thread(row) for row in talks.rows],
        threads_previous=link(page, talk_page - 1) if talk_page > 1 else None,
        threads_next=link(page, talk_page + 1) if talks.has_next else None,
    )


@signed_in
async def post_handled(request: web.Request, scope: Scope) -> web.Response:
    found = await contact_request(uow(request), int_param(request, "request_id"))
    if found is None or not scope.sees_city(found.city_id):
        raise web.HTTPNotFound()
    handled = await mark_handled(uow(request), deps(request).clock, found, scope.actor)
    back = request.query.get("show", "")
    location = "/inbox?" + urlencode({"show": back if back in VIEWS else _default_view(scope)})
    await done(
        request, location, text(request, "panel.inbox.marked" if handled else "panel.inbox.already")
    )


def install(app: web.Application) -> None:
    app.router.add_get("/inbox", inbox)
    app.router.add_post("/inbox/{request_id}/handled", post_handled)

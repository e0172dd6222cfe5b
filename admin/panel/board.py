"""The pipeline board: candidates by status as columns, a card moved to another column is a
status change (the one change function: its rules, reason, history and audit), and actions on
a selection of cards (a status, tags, a message, a CSV of them). A recruiter account sees its
cities' candidates only, as in the list."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp_session import get_session
from pydantic import BaseModel

from admin.errors import reason_of
from admin.locale import current_locale
from admin.panel.candidates import stream_csv
from admin.panel.kit import (
    attempt,
    check,
    deps,
    done,
    form_values,
    posted,
    render,
    signed_in,
    text,
    uow,
)
from admin.panel.labels import statuses
from admin.panel.plurals import counted
from admin.schemas.board import BoardBulkIn, BoardMoveIn
from admin.schemas.candidate_notes import TagsIn
from admin.schemas.candidates import MessageIn, StatusChangeIn
from admin.scope import Scope
from core.errors import InvalidField
from domain.messaging.dates import day_label, local, time_label
from domain.organisation.directory import visible_city_choices
from domain.pipeline.actions import change_status
from domain.pipeline.board import BoardFilter, Card, read_board
from domain.pipeline.bulk import (
    MAX_SELECTION,
    BulkOutcome,
    Who,
    change_statuses,
    selection,
    tag_all,
    write_to_all,
)
from domain.pipeline.city_names import city_name
from domain.pipeline.directory import CandidateFilter
from domain.vacancies.catalog import title_in, vacancies_in

# A bulk action's outcome is shown after a redirect (a reload must not send it again): kept
# in the cache for the page that follows, the session holding only its key (a cookie holds
# 4 KB, and refusals in Russian outgrow it).
OUTCOME = "board_outcome"
OUTCOME_SECONDS = 600

# What each bulk action needs besides the selection: the candidate page's own form.
ACTION_FORMS: dict[str, type[BaseModel]] = {
    "status": StatusChangeIn,
    "tag": TagsIn,
    "message": MessageIn,
}


def _asked(request: web.Request) -> tuple[BoardFilter, dict[str, str], dict[str, str]]:
    """The query's filter (a bad value left out and shown next to its field), what was asked,
    its errors."""
    asked = {
        name: request.query[name].strip()
        for name in BoardFilter.model_fields
        if request.query.get(name, "").strip()
    }
    flt, errors = check(BoardFilter, asked)
    if flt is None:
        flt, _ = check(BoardFilter, {k: v for k, v in asked.items() if k not in errors})
    return flt or BoardFilter(), asked, errors


def _query(flt: BoardFilter, **more: Any) -> str:
    values = {**flt.model_dump(exclude_none=True), **more}
    return urlencode({k: v for k, v in values.items() if v is not None})


def next_booking(card: Card) -> str:
    """The next booking's day and time in its city's zone, the zone named."""
    if card.next_at is None or card.next_zone is None:
        return ""
    day = day_label(local(card.next_at, card.next_zone).date(), current_locale())
    return f"{day}, {time_label(card.next_at, card.next_zone)} ({card.next_zone})"


async def _page(
    request: web.Request,
    scope: Scope,
    *,
    status: int = 200,
    move: dict[str, Any] | None = None,
    bulk: dict[str, Any] | None = None,
    outcome: dict[str, Any] | None = None,
) -> web.Response:
    flt, values, errors = _asked(request)
    board = await read_board(
        uow(request), flt, scope.city_ids, now=deps(request).clock.now(), locale=current_locale()
    )
    vacancies = {
        v.id: title_in(v, current_locale())
        for v in await vacancies_in(uow(request), scope.city_ids)
    }
    cities = await visible_city_choices(uow(request), scope.city_ids)
    query = _query(flt)

    def more_link(column_status: str) -> str:
        keep = flt.model_dump(exclude_none=True)
        return "/candidates?" + urlencode({"status": column_status, **keep})

    return await render(
        request,
        "board.html",
        scope,
        status=status,
        board=board,
        flt=flt,
        values=values,
        errors=errors,
        vacancies=list(vacancies.items()),
        vacancy_titles=vacancies,
        cities=[(c.id, city_name(c, current_locale())) for c in cities],
        statuses=statuses(),
        here="/board" + (f"?{query}" if query else ""),
        query=query,
        more_link=more_link,
        next_booking=next_booking,
        move=move or {},
        bulk=bulk or {},
        outcome=outcome,
        max_selection=MAX_SELECTION,
        path="/board",  # the menu shows the board as the page, after a refused form too
    )


@signed_in
async def show_board(request: web.Request, scope: Scope) -> web.Response:
    return await _page(request, scope, outcome=await _kept_outcome(request, scope))


def _shown(request: web.Request, outcome: BulkOutcome) -> dict[str, Any]:
    """The outcome as the page shows it: counts, and each refusal with its reason in words."""
    catalog = deps(request).catalog
    refused = [[r.candidate_id, r.name, reason_of(r.error, catalog)] for r in outcome.refused]
    return {"done": outcome.done, "asked": outcome.asked, "refused": refused}


def _outcome_key(scope: Scope, token: str) -> str:
    return f"board-outcome:{scope.user_id}:{token}"


async def _keep_outcome(request: web.Request, scope: Scope, shown: dict[str, Any]) -> bool:
    """Keeps the outcome for the page after the redirect; False when the cache cannot."""
    cache = deps(request).cache
    if cache is None:
        return False
    token = secrets.token_urlsafe(12)
    key, value = _outcome_key(scope, token), json.dumps(shown).encode()
    await cache.put(key, value, OUTCOME_SECONDS)
    if await cache.peek(key) != value:  # the cache is away: nothing was kept
        return False
    (await get_session(request))[OUTCOME] = token
    return True


async def _kept_outcome(request: web.Request, scope: Scope) -> dict[str, Any] | None:
    token = (await get_session(request)).pop(OUTCOME, None)
    cache = deps(request).cache
    if not isinstance(token, str) or cache is None:
        return None
    key = _outcome_key(scope, token)
    raw = await cache.peek(key)
    await cache.delete(key)
    return json.loads(raw) if raw else None


def _back(request: web.Request) -> str:
    flt, _, _ = _asked(request)
    query = _query(flt)
    return "/board" + (f"?{query}" if query else "")


def _who(scope: Scope) -> Who:
    return Who(scope.actor, scope.user_id, scope.city_ids)


@signed_in
async def post_move(request: web.Request, scope: Scope) -> web.Response:
    """A card dropped on another column (or its own form sent): the candidate's status change,
    refused next to the card's form as the candidate page refuses it (422)."""
    parsed, errors, values = await posted(request, BoardMoveIn)
    if parsed is not None:
        who = _who(scope).as_kwargs()
        change = change_status(
            uow(request),
            parsed.candidate_id,
            parsed.status,
            parsed.reason,
            tell=deps(request).messaging,
            **who,
        )
        _, errors = await attempt(request, change)
        if not errors:
            await done(request, _back(request), text(request, "panel.board.moved"))
    return await _page(request, scope, status=422, move={"values": values, "errors": errors})


def _chosen(form: Any) -> list[str]:
    return [str(v) for v in form.getall("ids", []) if str(v).strip()]


@signed_in
async def post_bulk(request: web.Request, scope: Scope) -> web.StreamResponse:
    """An action on the chosen cards. Bad input changes nothing (422); otherwise each chosen
    candidate is done or refused on its own, and the page says how many and why not."""
    form = await request.post()
    parsed, errors = check(BoardBulkIn, form_values(BoardBulkIn, form))
    typed = ("action", "status", "reason", "tags", "text")
    values: dict[str, Any] = {name: str(form.get(name, "")) for name in typed}
    values["ids"] = _chosen(form)  # kept ticked on the page that comes back
    ids: tuple[int, ...] = ()
    if parsed is not None:
        chosen = selection(parsed.ids)
        if isinstance(chosen, InvalidField):
            errors = {"ids": reason_of(chosen, deps(request).catalog)}
        else:
            ids = chosen
    extra: BaseModel | None = None
    if parsed is not None and not errors and parsed.action in ACTION_FORMS:
        extra, errors = check(
            ACTION_FORMS[parsed.action], form_values(ACTION_FORMS[parsed.action], form)
        )
    if parsed is None or errors:
        bulk = {"values": values, "errors": errors}
        return await _page(request, scope, status=422, bulk=bulk)
    who = _who(scope)
    if parsed.action == "export":
        return await stream_csv(request, scope, CandidateFilter(), only_ids=frozenset(ids))
    outcome = await _run(request, parsed.action, ids, extra, who)
    if not outcome.refused:
        notice = counted(request, "panel.board.bulk_done", outcome.done)
        await done(request, _back(request), notice)
    shown = _shown(request, outcome)
    if await _keep_outcome(request, scope, shown):
        raise web.HTTPSeeOther(_back(request))
    # Nowhere to keep it: shown at once (a reload would ask the browser to send it again).
    bulk = {"values": values, "errors": {}}
    return await _page(request, scope, bulk=bulk, outcome=shown)


async def _run(
    request: web.Request, action: str, ids: tuple[int, ...], form: BaseModel | None, who: Who
) -> BulkOutcome:
    m = deps(request).messaging
    if isinstance(form, StatusChangeIn):
        return await change_statuses(uow(request), ids, form.status, form.reason, tell=m, who=who)
    if isinstance(form, TagsIn):
        return await tag_all(uow(request), ids, form.tags, who=who)
    assert isinstance(form, MessageIn), action
    return await write_to_all(
        uow(request), ids, form.text, catalog=m.catalog, clock=m.clock, who=who
    )


def install(app: web.Application) -> None:
    app.router.add_get("/board", show_board)
    app.router.add_post("/board/move", post_move)
    app.router.add_post("/board/bulk", post_bulk)

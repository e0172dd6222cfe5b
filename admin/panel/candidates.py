"""Candidates: the searchable list, its CSV export, and one candidate's page with what can be done
to them (change the status, write to them, cancel a booking). A recruiter account sees only its
cities' candidates; anyone else's answer 404, as if absent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import web
from pydantic import BaseModel

from admin.locale import current_locale
from admin.panel.filters import local_datetime
from admin.panel.kit import (
    admins_only,
    attempt,
    check,
    deps,
    done,
    int_param,
    posted,
    render,
    signed_in,
    text,
    uow,
)
from admin.panel.labels import TIMES_IN, statuses
from admin.schemas.candidate_notes import NoteIn, TagRemoveIn, TagsIn
from admin.schemas.candidates import BookingCancelIn, EraseFormIn, MessageIn, StatusChangeIn
from admin.scope import Scope
from core.enums import CandidateStatus
from core.result import Result
from domain.conversations.inbox import mark_read
from domain.conversations.notes import add_note
from domain.conversations.replies import send_reply
from domain.conversations.tags import add_tags, all_tags, remove_tag, tags_of, tags_of_candidates
from domain.conversations.timeline import candidate_timeline
from domain.organisation.directory import visible_city_choices
from domain.pipeline.actions import cancel_booking, change_status
from domain.pipeline.directory import (
    CSV_COLUMNS,
    CandidateFilter,
    CsvWords,
    candidate_profile,
    iter_csv,
    search_candidates,
)
from domain.privacy.consent import consent_label
from domain.privacy.erasure import erase_candidate
from domain.vacancies.catalog import title_in, vacancies_in
from storage.uow import UnitOfWork

M = TypeVar("M", bound=BaseModel)

FILTER_FIELDS = (
    "q",
    "city_id",
    "status",
    "source",
    "created_from",
    "created_to",
    "unlisted_city",
    "tag_id",
    "vacancy_id",
)
PAGING_FIELDS = ("sort", "limit", "offset")
SORTABLE = {
    "full_name": "panel.candidates.col_name",
    "status": "panel.candidates.col_status",
    "created_at": "panel.candidates.col_created",
    "updated_at": "panel.candidates.col_updated",
}


def when(moment: datetime | None, zone: str = "UTC") -> str:
    """An instant in the given zone, for people."""
    if moment is None:
        return "—"
    return local_datetime(moment, zone) + (" UTC" if zone == "UTC" else "")


def _asked_filter(request: web.Request) -> tuple[CandidateFilter, dict[str, str], dict[str, str]]:
    """The query string as a filter: (the filter without the bad parts, what was asked, errors).
    A bad value never breaks the page: it is left out and its error shown next to it."""
    asked = {
        name: request.query[name].strip()
        for name in (*FILTER_FIELDS, *PAGING_FIELDS)
        if request.query.get(name, "").strip()
    }
    flt, errors = check(CandidateFilter, asked)
    if flt is None:
        flt, _ = check(CandidateFilter, {k: v for k, v in asked.items() if k not in errors})
    return flt or CandidateFilter(), asked, errors


def _query(flt: CandidateFilter, fields: tuple[str, ...], **changes: Any) -> str:
    values = {name: getattr(flt, name) for name in fields}
    values.update(changes)
    defaults = CandidateFilter()
    kept = {
        k: str(v) for k, v in values.items() if v is not None and v != getattr(defaults, k, None)
    }
    return urlencode(kept)


async def _vacancy_titles(request: web.Request, scope: Scope) -> dict[int, str]:
    """The vacancies the account sees, by id, titled in the panel's language."""
    return {
        v.id: title_in(v, current_locale())
        for v in await vacancies_in(uow(request), scope.city_ids)
    }


async def _city_options(request: web.Request, scope: Scope) -> list[tuple[int, str]]:
    cities = await visible_city_choices(uow(request), scope.city_ids)
    return [(c.id, c.name) for c in cities]


@signed_in
async def list_candidates(request: web.Request, scope: Scope) -> web.Response:
    flt, asked, errors = _asked_filter(request)
    rows, total = await search_candidates(uow(request), flt, scope.city_ids)
    titles = await _vacancy_titles(request, scope)

    def link(**changes: Any) -> str:
        return "/candidates?" + _query(flt, FILTER_FIELDS + PAGING_FIELDS, **changes)

    def sort_link(column: str) -> str:
        return link(sort=f"-{column}" if flt.sort == column else column, offset=None)

    return await render(
        request,
        "candidates.html",
        scope,
        rows=rows,
        total=total,
        flt=flt,
        values=asked,
        errors=errors,
        cities=await _city_options(request, scope),
        tags=[(tag.id, f"{tag.name} ({count})") for tag, count in await all_tags(uow(request))],
        row_tags=await tags_of_candidates(uow(request), [row.id for row in rows]),
        statuses=statuses(),
        vacancies=list(titles.items()),
        vacancy_titles=titles,
        sortable=SORTABLE,
        link=link,
        sort_link=sort_link,
        csv_link="?".join(filter(None, ("/candidates.csv", _query(flt, FILTER_FIELDS)))),
        previous=link(offset=max(flt.offset - flt.limit, 0)) if flt.offset > 0 else None,
        next=link(offset=flt.offset + flt.limit) if flt.offset + flt.limit < total else None,
        when=when,
    )


@signed_in
async def export_csv(request: web.Request, scope: Scope) -> web.StreamResponse:
    flt, _asked, errors = _asked_filter(request)
    bad = sorted(name for name in errors if name not in PAGING_FIELDS)
    if bad:  # exporting more than was asked for would be worse than exporting nothing
        raise web.HTTPBadRequest(
            text=text(request, "panel.candidates.check_filters", names=", ".join(bad))
        )
    return await stream_csv(request, scope, flt)


async def stream_csv(
    request: web.Request,
    scope: Scope,
    flt: CandidateFilter,
    *,
    only_ids: frozenset[int] | None = None,
) -> web.StreamResponse:
    """The filtered candidates (or just `only_ids` of them: the board's selection) as a CSV
    download in the panel's language."""
    today = deps(request).clock.now().date().isoformat()
    response = web.StreamResponse(
        headers={"Content-Disposition": f'attachment; filename="candidates-{today}.csv"'}
    )
    response.content_type = "text/csv"
    response.charset = "utf-8"
    await response.prepare(request)
    await response.write("\ufeff".encode())  # so spreadsheets read the file as UTF-8
    # The page's own Unit of Work: a second one would wait on SQLite for the first's lock.
    words = CsvWords(
        header=[text(request, f"panel.csv.col.{column}") for column in CSV_COLUMNS],
        statuses={s.value: text(request, f"panel.csv.status.{s.value}") for s in CandidateStatus},
        yes=text(request, "panel.csv.yes"),
        no=text(request, "panel.csv.no"),
    )
    found = iter_csv(
        uow(request), flt, scope.city_ids, locale=current_locale(), words=words, only_ids=only_ids
    )
    async for chunk in found:
        await response.write(chunk.encode("utf-8"))
    await response.write_eof()
    return response


async def _show(
    request: web.Request,
    scope: Scope,
    *,
    form: str = "",
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    opened: bool = False,
) -> web.Response:
    candidate_id = int_param(request, "candidate_id")
    profile = await candidate_profile(uow(request), candidate_id, scope.city_ids)
    if profile is None:
        raise web.HTTPNotFound()
    entries = await candidate_timeline(uow(request), profile)
    if opened:  # shown, so read (the page still marks what was new); the menu's count drops
        shown = [e.message.id for e in entries if e.message and e.message.direction == "in"]
        if shown:  # what came after the page was read stays unread
            await mark_read(
                uow(request), deps(request).clock, candidate_id, actor=scope.actor, up_to=max(shown)
            )
    return await render(
        request,
        "candidate.html",
        scope,
        status=status,
        profile=profile,
        c=profile.candidate,
        consent=consent_label(deps(request).catalog, profile.candidate.consent, current_locale()),
        entries=entries,
        tags=await tags_of(uow(request), candidate_id),
        vacancy_titles=await _vacancy_titles(request, scope),
        statuses=statuses(),
        times_in=TIMES_IN,
        form=form,
        values=values or {},
        errors=errors or {},
        when=when,
    )


@signed_in
async def show_candidate(request: web.Request, scope: Scope) -> web.Response:
    return await _show(request, scope, opened=request.method == "GET")  # not a HEAD


Action = Callable[[UnitOfWork, M, dict[str, Any]], Awaitable[Result[Any, Any]]]


async def _act(
    request: web.Request, scope: Scope, model: type[M], form: str, action: Action[M], notice: str
) -> web.Response:
    """Post/redirect/get for one of the page's forms: the form checked, the action run as the
    signed-in account within its cities; refusals shown next to the form's fields (422)."""
    parsed, errors, values = await posted(request, model)
    if parsed is not None:
        who = {"actor": scope.actor, "admin_user_id": scope.user_id, "city_ids": scope.city_ids}
        _, errors = await attempt(request, action(uow(request), parsed, who))
        if not errors:
            await done(
                request, f"/candidates/{int_param(request, 'candidate_id')}", text(request, notice)
            )
    return await _show(request, scope, form=form, values=values, errors=errors, status=422)


@signed_in
async def post_status(request: web.Request, scope: Scope) -> web.Response:
    candidate_id = int_param(request, "candidate_id")

    async def act(uow: UnitOfWork, form: StatusChangeIn, who: dict[str, Any]) -> Result[Any, Any]:
        tell = deps(request).messaging
        return await change_status(uow, candidate_id, form.status, form.reason, tell=tell, **who)

    return await _act(
        request, scope, StatusChangeIn, "status", act, "panel.candidate.status_changed"
    )


@signed_in
async def post_message(request: web.Request, scope: Scope) -> web.Response:
    candidate_id = int_param(request, "candidate_id")
    m = deps(request).messaging

    async def act(uow: UnitOfWork, form: MessageIn, who: dict[str, Any]) -> Result[Any, Any]:
        return await send_reply(uow, m.catalog, m.clock, candidate_id, form.text, **who)

    return await _act(request, scope, MessageIn, "message", act, "panel.candidate.message_queued")


@signed_in
async def post_note(request: web.Request, scope: Scope) -> web.Response:
    candidate_id = int_param(request, "candidate_id")
    clock = deps(request).clock

    async def act(uow: UnitOfWork, form: NoteIn, who: dict[str, Any]) -> Result[Any, Any]:
        return await add_note(uow, clock, candidate_id, form.text, **who)

    return await _act(request, scope, NoteIn, "note", act, "panel.candidate.note_added")


@signed_in
async def post_tags(request: web.Request, scope: Scope) -> web.Response:
    candidate_id = int_param(request, "candidate_id")

    async def act(uow: UnitOfWork, form: TagsIn, who: dict[str, Any]) -> Result[Any, Any]:
        return await add_tags(uow, candidate_id, form.tags, **who)

    return await _act(request, scope, TagsIn, "tags", act, "panel.candidate.tags_added")


@signed_in
async def post_tag_removal(request: web.Request, scope: Scope) -> web.Response:
    candidate_id = int_param(request, "candidate_id")

    async def act(uow: UnitOfWork, form: TagRemoveIn, who: dict[str, Any]) -> Result[Any, Any]:
        return await remove_tag(uow, candidate_id, form.tag, **who)

    return await _act(request, scope, TagRemoveIn, "tags", act, "panel.candidate.tag_removed")


@signed_in
async def post_cancel(request: web.Request, scope: Scope) -> web.Response:
    candidate_id = int_param(request, "candidate_id")
    booking_id = int_param(request, "booking_id")
    d = deps(request)
    m = d.messaging

    async def act(uow: UnitOfWork, form: BookingCancelIn, who: dict[str, Any]) -> Result[Any, Any]:
        return await cancel_booking(
            uow,
            m,
            candidate_id,
            booking_id,
            form.reason,
            acting_recruiter_id=scope.own_recruiter,
            **who,
        )

    notice = text(request, "panel.candidate.booking_canceled")
    return await _act(request, scope, BookingCancelIn, f"cancel-{booking_id}", act, notice)


@admins_only
async def post_erase(request: web.Request, scope: Scope) -> web.Response:
    candidate_id = int_param(request, "candidate_id")
    m = deps(request).messaging

    async def act(uow: UnitOfWork, form: EraseFormIn, who: dict[str, Any]) -> Result[Any, Any]:
        return await erase_candidate(
            uow,
            m,
            candidate_id,
            actor=who["actor"],
            reason=form.reason,
            admin_user_id=who["admin_user_id"],
        )

    notice = text(request, "panel.candidate.erased")
    return await _act(request, scope, EraseFormIn, "erase", act, notice)


def install(app: web.Application) -> None:
    app.router.add_get("/candidates", list_candidates)
    app.router.add_get("/candidates.csv", export_csv)
    app.router.add_get("/candidates/{candidate_id}", show_candidate)
    app.router.add_post("/candidates/{candidate_id}/status", post_status)
    app.router.add_post("/candidates/{candidate_id}/message", post_message)
    app.router.add_post("/candidates/{candidate_id}/notes", post_note)
    app.router.add_post("/candidates/{candidate_id}/tags", post_tags)
    app.router.add_post("/candidates/{candidate_id}/tags/remove", post_tag_removal)
    app.router.add_post("/candidates/{candidate_id}/bookings/{booking_id}/cancel", post_cancel)
    app.router.add_post("/candidates/{candidate_id}/erase", post_erase)

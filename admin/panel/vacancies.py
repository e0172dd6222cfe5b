"""Vacancies: the list (a recruiter sees their cities' ones), a form to add one and each one's
edit form (admins), each vacancy's link and QR code for a source tag, and the funnel per
vacancy and per source side by side. A vacancy's own tests are edited in questions.py."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.locale import current_locale
from admin.panel.kit import (
    admins_only,
    attempt,
    deps,
    done,
    int_param,
    posted,
    render,
    signed_in,
    text,
    uow,
)
from admin.qr import qr_png
from admin.schemas.vacancies import VacancyForm, form_values
from admin.scope import Scope
from domain.organisation.directory import city_choices, recruiter_choices
from domain.reporting.dashboard import SIDE_BY_SIDE, SideFunnel, funnels_side_by_side
from domain.vacancies.catalog import find_vacancy, title_in, vacancies_in, vacancy_lines
from domain.vacancies.editing import create_vacancy, update_vacancy
from domain.vacancies.links import SourceTooLong, deep_link, payload, source_refusal
from storage.dto import VacancyDTO

NEW_VACANCY: dict[str, Any] = {"active": True}
# The domain names the texts as a whole; the form has a field per language.
FORM_FIELDS = {"title": "title_ru", "description": "description_ru"}


async def _show(
    request: web.Request,
    scope: Scope,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    editing: VacancyDTO | None = None,
    status: int = 200,
) -> web.Response:
    vacancies = await vacancies_in(uow(request), scope.city_ids)
    lines = await vacancy_lines(uow(request), vacancies, deps(request).clock.now())
    cities = await city_choices(uow(request))
    recruiters = await recruiter_choices(uow(request))
    names = {c.id: c.name for c in cities}
    return await render(
        request,
        "vacancies.html",
        scope,
        status=status,
        lines=lines,
        title_of=lambda v: title_in(v, current_locale()),
        cities_of=lambda v: ", ".join(sorted(names[c] for c in v.city_ids if c in names)),
        owners={r.id: r.name for r in recruiters},
        city_options=[(c.id, c.name) for c in cities],
        owner_options=[(r.id, r.name) for r in recruiters],
        values=values if values is not None else NEW_VACANCY,
        errors=errors or {},
        editing=editing,
        editing_title=title_in(editing, current_locale()) if editing else None,
    )


@signed_in
async def list_vacancies(request: web.Request, scope: Scope) -> web.Response:
    return await _show(request, scope)


async def _vacancy(request: web.Request, scope: Scope) -> VacancyDTO:
    vacancy = await find_vacancy(uow(request), int_param(request, "vacancy_id"), scope.city_ids)
    if vacancy is None:
        raise web.HTTPNotFound()
    return vacancy


@admins_only
async def edit_form(request: web.Request, scope: Scope) -> web.Response:
    vacancy = await _vacancy(request, scope)
    return await _show(request, scope, values=form_values(vacancy), editing=vacancy)


@admins_only
async def save(request: web.Request, scope: Scope) -> web.StreamResponse:
    editing = await _vacancy(request, scope) if "vacancy_id" in request.match_info else None
    parsed, errors, values = await posted(request, VacancyForm)
    if parsed is not None:
        fields = parsed.fields()
        change = (
            update_vacancy(uow(request), editing.id, fields, actor=scope.actor)
            if editing
            else create_vacancy(uow(request), fields, actor=scope.actor)
        )
        _, errors = await attempt(request, change)
        errors = {FORM_FIELDS.get(k, k): v for k, v in errors.items()}
        if not errors:
            title = next(t for t in (*fields.title.values(), "") if t)
            await done(request, "/vacancies", text(request, "panel.vacancies.saved", title=title))
    return await _show(request, scope, values=values, errors=errors, editing=editing, status=422)


def _source(request: web.Request, vacancy: VacancyDTO) -> tuple[str | None, str | None]:
    """The source tag asked for (None: none), and the reason it is refused (None: fine)."""
    source = request.query.get("source", "").strip() or None
    refusal = source_refusal(vacancy, source)
    if isinstance(refusal, SourceTooLong):
        return None, text(request, refusal.message_key, **refusal.values)
    if refusal is not None:
        return None, text(request, "panel.vacancies.source_bad")
    return source, None


@signed_in
async def show_link(request: web.Request, scope: Scope) -> web.Response:
    vacancy = await _vacancy(request, scope)
    source, problem = _source(request, vacancy)
    bot = deps(request).bot_username
    return await render(
        request,
        "vacancy_link.html",
        scope,
        status=422 if problem else 200,
        vacancy=vacancy,
        title=title_in(vacancy, current_locale()),
        values={"source": request.query.get("source", "")},
        errors={"source": problem} if problem else {},
        source=source,
        payload=payload(vacancy, source),
        link=deep_link(bot, vacancy, source) if bot else None,
        qr_query=f"?source={source}" if source else "",
    )


@signed_in
async def qr_code(request: web.Request, scope: Scope) -> web.Response:
    vacancy = await _vacancy(request, scope)
    source, problem = _source(request, vacancy)
    bot = deps(request).bot_username
    if problem is not None:
        raise web.HTTPBadRequest(text=problem)
    if not bot:
        raise web.HTTPNotFound(text=text(request, "panel.vacancies.no_bot"))
    name = "-".join(filter(None, (payload(vacancy), source)))
    disposition = "attachment" if request.query.get("download") else "inline"
    return web.Response(
        body=qr_png(deep_link(bot, vacancy, source)),
        content_type="image/png",
        headers={"Content-Disposition": f'{disposition}; filename="qr-{name}.png"'},
    )


def _rows(funnels: list[SideFunnel], label: Any) -> list[dict[str, Any]]:
    return [
        {
            "label": label(f),
            "vacancy_id": f.vacancy_id,
            "source": f.source,
            "stages": [(key, f.reached[key], f.conversion[key]) for key, _ in SIDE_BY_SIDE],
        }
        for f in funnels
    ]


@signed_in
async def funnel(request: web.Request, scope: Scope) -> web.Response:
    now = deps(request).clock.now()
    titles = {
        v.id: title_in(v, current_locale())
        for v in await vacancies_in(uow(request), scope.city_ids)
    }
    by_vacancy = await funnels_side_by_side(uow(request), "vacancy", now, scope.city_ids)
    by_source = await funnels_side_by_side(uow(request), "source", now, scope.city_ids)
    no_vacancy = text(request, "panel.vacancies.no_vacancy")
    no_source = text(request, "panel.vacancies.no_source")
    return await render(
        request,
        "vacancy_funnel.html",
        scope,
        stages=[key for key, _ in SIDE_BY_SIDE],
        by_vacancy=_rows(
            by_vacancy.funnels,
            lambda f: no_vacancy if f.vacancy_id is None else titles.get(f.vacancy_id, "—"),
        ),
        by_source=_rows(by_source.funnels, lambda f: f.source or no_source),
        counted_at=by_vacancy.counted_at,
    )


def install(app: web.Application) -> None:
    app.router.add_get("/vacancies", list_vacancies)
    app.router.add_post("/vacancies", save)
    app.router.add_get("/vacancies/funnel", funnel)
    app.router.add_get(r"/vacancies/{vacancy_id:\d+}", edit_form)
    app.router.add_post(r"/vacancies/{vacancy_id:\d+}", save)
    app.router.add_get(r"/vacancies/{vacancy_id:\d+}/link", show_link)
    app.router.add_get(r"/vacancies/{vacancy_id:\d+}/qr.png", qr_code)

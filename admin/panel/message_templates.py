"""Message templates: every shipped message with its overrides, grouped by the stage of the
journey and searchable, and an editor per message, locale and city or vacancy with the
variables it knows and a live preview as Telegram shows it (JSON for the page's script, a
plain form post without it), with sample values in the template's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from pydantic import ValidationError

from admin.locale import current_locale
from admin.panel.kit import admins_only, attempt, deps, done, posted, render, text, uow
from admin.panel.plurals import counted
from admin.schemas.templates import TemplateIn, TemplatePlaceIn, TemplatePreviewIn
from admin.scope import Scope
from core.settings import SUPPORTED_LOCALES
from domain.messaging.telegram_view import telegram_view
from domain.messaging.template_stages import group_by_stage
from domain.messaging.templates import (
    changing_overrides,
    is_redundant_row,
    list_overrides,
    per_city,
    preview_aside,
    reset_template,
    sample_values,
    save_template,
    template_keys,
)
from domain.messaging.texts import Catalog
from domain.organisation.directory import city_choices
from domain.records import MessageTemplate
from domain.vacancies.catalog import title_in, vacancies_in


@dataclass(frozen=True)
class Place:
    locale: str
    city_id: int | None
    vacancy_id: int | None = None

    def url(self, key: str) -> str:
        query: dict[str, object] = {"locale": self.locale}
        if self.city_id:
            query["city_id"] = self.city_id
        if self.vacancy_id:
            query["vacancy_id"] = self.vacancy_id
        return f"/templates/{key}?{urlencode(query)}"

    @classmethod
    def of(cls, row: MessageTemplate) -> Place:
        return cls(row.locale, row.city_id, row.vacancy_id)


def _catalog(request: web.Request) -> Catalog:
    return deps(request).catalog


def _key(request: web.Request) -> str:
    key = request.match_info["key"]
    if key not in template_keys(_catalog(request)):
        raise web.HTTPNotFound()
    return key


def _place(request: web.Request, values: dict[str, Any]) -> Place:
    """Which override a request is about; anything else than a locale and a city or a vacancy
    is absent."""
    try:
        place = TemplatePlaceIn.model_validate(
            {"locale": _catalog(request).default_locale, **values}
        )
    except ValidationError:
        raise web.HTTPNotFound() from None
    return Place(place.locale, place.city_id, place.vacancy_id)


async def _cities(request: web.Request) -> dict[int, str]:
    return {c.id: c.name for c in await city_choices(uow(request))}


async def _vacancies(request: web.Request) -> dict[int, str]:
    locale = current_locale()
    return {v.id: title_in(v, locale) for v in await vacancies_in(uow(request), None)}


def _where(
    request: web.Request, place: Place, cities: dict[int, str], vacancies: dict[int, str]
) -> str:
    """Which override: its language, then all cities, a city, or (with the city, if any) a
    vacancy."""
    parts = [text(request, f"panel.templates.lang.{place.locale}")]
    if place.city_id is not None:
        city = cities.get(place.city_id)
        parts.append(city or text(request, "panel.templates.city_n", id=place.city_id))
    elif place.vacancy_id is None:
        parts.append(text(request, "panel.templates.all_cities"))
    if place.vacancy_id is not None:
        name = vacancies.get(place.vacancy_id, f"#{place.vacancy_id}")
        parts.append(text(request, "panel.templates.vacancy_named", name=name))
    return " · ".join(parts)


MAX_QUERY = 100


def _matches(query: str, key: str, texts: list[str]) -> bool:
    """The search: the key, or any of the texts, holds the words typed (case ignored)."""
    wanted = query.casefold()
    return not wanted or any(wanted in t.casefold() for t in [key, *texts])


@admins_only
async def list_templates(request: web.Request, scope: Scope) -> web.Response:
    """Every message under its stage of the journey; ?q= keeps those whose key, shipped text
    or an override's text in the page's language holds the words. Overrides that change
    nothing (the shipped text) are not listed."""
    catalog = _catalog(request)
    query = request.query.get("q", "").strip()[:MAX_QUERY]
    overrides = await list_overrides(uow(request))
    cities = await _cities(request)
    vacancies = await _vacancies(request)
    locale = current_locale()
    shown = locale if locale in catalog.templates else catalog.default_locale
    by_key: dict[str, list[dict[str, Any]]] = {}
    texts: dict[str, list[str]] = {}
    for row in changing_overrides(catalog, overrides):
        if row.locale == shown:
            texts.setdefault(row.key, []).append(row.body)
        by_key.setdefault(row.key, []).append(
            {
                "where": _where(request, Place.of(row), cities, vacancies),
                "url": Place.of(row).url(row.key),
                "row": row,
            }
        )
    rows: dict[str, dict[str, Any]] = {}
    for key in template_keys(catalog):
        shipped = catalog.shipped_template(key, shown)
        if not _matches(query, key, [shipped, *texts.get(key, [])]):
            continue
        rows[key] = {
            "key": key,
            "variables": sorted(sample_values(catalog, key)),
            "shipped": shipped,
            "overrides": by_key.get(key, []),
        }
    groups = [
        {
            "stage": stage,
            "title": text(request, f"panel.templates.stage.{stage}"),
            "rows": [rows[key] for key in keys],
        }
        for stage, keys in group_by_stage(list(rows))
    ]
    found = counted(request, "panel.templates.found", len(rows), q=query) if query else ""
    return await render(
        request,
        "message_templates.html",
        scope,
        groups=groups,
        shown=shown,
        query=query,
        found=found,
    )


async def _show(
    request: web.Request,
    scope: Scope,
    key: str,
    place: Place,
    *,
    body: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    catalog = _catalog(request)
    cities = await _cities(request)
    vacancies = await _vacancies(request)
    if place.city_id is not None and place.city_id not in cities:
        raise web.HTTPNotFound()
    if place.vacancy_id is not None and place.vacancy_id not in vacancies:
        raise web.HTTPNotFound()
    overrides = await list_overrides(uow(request), key)
    exact = next(
        (
            r
            for r in overrides
            if (r.locale, r.city_id, r.vacancy_id)
            == (place.locale, place.city_id, place.vacancy_id)
        ),
        None,
    )
    fallback = next(
        (
            r
            for r in overrides
            if r.locale == place.locale and r.city_id is None and r.vacancy_id is None and r.active
        ),
        None,
    )
    shipped = catalog.shipped_template(key, place.locale)
    narrower = place.city_id is not None or place.vacancy_id is not None
    # An override equal to the shipped text changes nothing: the page says the shipped text.
    same = exact is not None and is_redundant_row(catalog, exact, overrides)
    if fallback is not None and is_redundant_row(catalog, fallback, overrides):
        fallback = None
    if exact is not None and exact.active and not same:
        in_use = text(request, "panel.templates.in_use.this")
    elif fallback is not None and narrower:
        in_use = text(request, "panel.templates.in_use.for_all")
    elif same:
        in_use = text(request, "panel.templates.in_use.same")
    else:
        in_use = text(request, "panel.templates.in_use.shipped")
    if place.vacancy_id and not (exact is not None and exact.active and not same):
        in_use += text(request, "panel.templates.in_use.or_city")
    if body is None:
        body = exact.body if exact else fallback.body if fallback else shipped
    preview = await preview_aside(catalog, key, body, current_locale(), place.locale)
    return await render(
        request,
        "message_template.html",
        scope,
        status=status,
        key=key,
        place=place,
        where=_where(request, place, cities, vacancies),
        city_name=cities.get(place.city_id) if place.city_id else None,
        vacancy_name=vacancies.get(place.vacancy_id) if place.vacancy_id else None,
        locales=SUPPORTED_LOCALES,
        per_city=per_city(key),
        cities=sorted(cities.items(), key=lambda item: item[1]),
        vacancies=sorted(vacancies.items(), key=lambda item: item[1]),
        shipped=shipped,
        override=exact,
        in_use=in_use,
        variables=sample_values(catalog, key, place.locale),
        preview=preview,
        same=same,
        values={
            "body": body,
            "locale": place.locale,
            "city_id": place.city_id,
            "vacancy_id": place.vacancy_id,
        },
        errors=errors or {},
        others=[
            {
                "where": _where(request, Place.of(r), cities, vacancies),
                "url": Place.of(r).url(key),
                "row": r,
            }
            for r in changing_overrides(catalog, overrides)
        ],
    )


@admins_only
async def edit_template(request: web.Request, scope: Scope) -> web.Response:
    key = _key(request)
    wanted = ("locale", "city_id", "vacancy_id")
    query = {k: v for k, v in request.query.items() if k in wanted and v.strip()}
    return await _show(request, scope, key, _place(request, query))


@admins_only
async def save(request: web.Request, scope: Scope) -> web.StreamResponse:
    """Save the override, or (the form's Preview button, for pages without the script) show
    the preview of what was typed without saving it."""
    key = _key(request)
    parsed, errors, values = await posted(request, TemplateIn)
    place = _place(request, {k: v for k, v in values.items() if k != "body"})
    previewing = (await request.post()).get("action") == "preview"
    if parsed is not None and previewing:
        return await _show(request, scope, key, place, body=parsed.body)
    if parsed is not None:
        saved, errors = await attempt(
            request,
            save_template(
                uow(request),
                _catalog(request),
                key,
                parsed.locale,
                parsed.city_id,
                parsed.body,
                actor=scope.actor,
                admin_user_id=scope.user_id,
                vacancy_id=parsed.vacancy_id,
                reason_locale=current_locale(),
            ),
        )
        if saved is not None:
            language = text(request, f"panel.templates.lang.{place.locale}")
            notice = text(
                request,
                "panel.templates.saved",
                template=key,
                code=place.locale,
                language=language,
                version=saved.version,
            )
            await done(request, place.url(key), notice)
        elif not errors:  # the shipped text: no override is kept
            await done(request, place.url(key), text(request, "panel.templates.saved_shipped"))
    body = str(values.get("body", ""))
    return await _show(request, scope, key, place, body=body, errors=errors, status=422)


@admins_only
async def reset(request: web.Request, scope: Scope) -> web.StreamResponse:
    key = _key(request)
    _, _, values = await posted(request, TemplatePlaceIn)
    place = _place(request, values)
    removed = await reset_template(
        uow(request),
        key,
        place.locale,
        place.city_id,
        actor=scope.actor,
        admin_user_id=scope.user_id,
        vacancy_id=place.vacancy_id,
    )
    notice = text(
        request, "panel.templates.reset_done" if removed else "panel.templates.reset_nothing"
    )
    await done(request, place.url(key), notice)


@admins_only
async def preview(request: web.Request, scope: Scope) -> web.Response:
    """For the page's script: {"html", "shown", "length"} when the body can be used (the
    Telegram HTML, the same sanitised as Telegram shows it, rendered with samples in the
    template's language), else {"error"}."""
    parsed, errors, _ = await posted(request, TemplatePreviewIn)
    if parsed is None:
        field, reason = next(iter(errors.items()))
        return web.json_response({"error": f"{field}: {reason}"}, status=422)
    if parsed.key not in template_keys(_catalog(request)):
        return web.json_response({"error": text(request, "panel.templates.no_such")}, status=404)
    catalog = _catalog(request)
    samples = parsed.locale or catalog.default_locale
    result = await preview_aside(catalog, parsed.key, parsed.body, current_locale(), samples)
    if result.error is not None or result.html is None:
        return web.json_response({"error": result.error}, status=422)
    shown = telegram_view(result.html)
    return web.json_response({"html": result.html, "shown": shown, "length": result.length})


def install(app: web.Application) -> None:
    app.router.add_get("/templates", list_templates)
    app.router.add_post("/templates/preview", preview)  # before /templates/{key}
    app.router.add_get("/templates/{key}", edit_template)
    app.router.add_post("/templates/{key}", save)
    app.router.add_post("/templates/{key}/reset", reset)

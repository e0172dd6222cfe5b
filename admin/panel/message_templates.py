"""Message templates: every shipped message with its overrides, and an editor per message,
locale and city with the variables it knows and a live preview (JSON for the page's script,
a plain form post without it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from pydantic import ValidationError

from admin.panel.kit import admins_only, attempt, deps, done, posted, render, uow
from admin.schemas.templates import TemplateIn, TemplatePlaceIn, TemplatePreviewIn
from admin.scope import Scope
from core.settings import SUPPORTED_LOCALES
from domain.messaging.templates import (
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


@dataclass(frozen=True)
class Place:
    locale: str
    city_id: int | None

    def url(self, key: str) -> str:
        query = {"locale": self.locale, **({"city_id": self.city_id} if self.city_id else {})}
        return f"/templates/{key}?{urlencode(query)}"


def _catalog(request: web.Request) -> Catalog:
    return deps(request).catalog


def _key(request: web.Request) -> str:
    key = request.match_info["key"]
    if key not in template_keys(_catalog(request)):
        raise web.HTTPNotFound()
    return key


def _place(request: web.Request, values: dict[str, Any]) -> Place:
    """Which override a request is about; anything else than a locale and a city is absent."""
    try:
        place = TemplatePlaceIn.model_validate(
            {"locale": _catalog(request).default_locale, **values}
        )
    except ValidationError:
        raise web.HTTPNotFound() from None
    return Place(place.locale, place.city_id)


async def _cities(request: web.Request) -> dict[int, str]:
    return {c.id: c.name for c in await city_choices(uow(request))}


def _where(row: MessageTemplate, cities: dict[int, str]) -> str:
    city = "all cities" if row.city_id is None else cities.get(row.city_id, f"city {row.city_id}")
    return f"{row.locale} · {city}"


@admins_only
async def list_templates(request: web.Request, scope: Scope) -> web.Response:
    catalog = _catalog(request)
    overrides = await list_overrides(uow(request))
    cities = await _cities(request)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in overrides:
        by_key.setdefault(row.key, []).append(
            {
                "where": _where(row, cities),
                "url": Place(row.locale, row.city_id).url(row.key),
                "row": row,
                "same": row.body == catalog.templates.get(row.locale, {}).get(row.key),
            }
        )
    shown = "en" if "en" in catalog.templates else catalog.default_locale
    rows = [
        {
            "key": key,
            "variables": sorted(sample_values(catalog, key)),
            "shipped": catalog.shipped_template(key, shown),
            "overrides": by_key.get(key, []),
        }
        for key in template_keys(catalog)
    ]
    return await render(request, "message_templates.html", scope, rows=rows)


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
    if place.city_id is not None and place.city_id not in cities:
        raise web.HTTPNotFound()
    overrides = await list_overrides(uow(request), key)
    exact = next(
        (r for r in overrides if r.locale == place.locale and r.city_id == place.city_id), None
    )
    fallback = next(
        (r for r in overrides if r.locale == place.locale and r.city_id is None and r.active),
        None,
    )
    shipped = catalog.shipped_template(key, place.locale)
    if exact is not None and exact.active:
        in_use = "this override"
    elif fallback is not None and place.city_id is not None:
        in_use = "the override for all cities"
    else:
        in_use = "the shipped text"
    if body is None:
        body = exact.body if exact else fallback.body if fallback else shipped
    return await render(
        request,
        "message_template.html",
        scope,
        status=status,
        key=key,
        place=place,
        city_name=cities.get(place.city_id) if place.city_id else None,
        locales=SUPPORTED_LOCALES,
        per_city=per_city(key),
        cities=sorted(cities.items(), key=lambda item: item[1]),
        shipped=shipped,
        override=exact,
        in_use=in_use,
        variables=sample_values(catalog, key),
        preview=await preview_aside(catalog, key, body),
        values={"body": body, "locale": place.locale, "city_id": place.city_id},
        errors=errors or {},
        others=[
            {"where": _where(r, cities), "url": Place(r.locale, r.city_id).url(key), "row": r}
            for r in overrides
        ],
    )


@admins_only
async def edit_template(request: web.Request, scope: Scope) -> web.Response:
    key = _key(request)
    query = {k: v for k, v in request.query.items() if k in ("locale", "city_id") and v.strip()}
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
            ),
        )
        if saved is not None:
            notice = f"Saved {key} ({place.locale}), version {saved.version}."
            await done(request, place.url(key), notice)
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
    )
    notice = "Back to the default text." if removed else "There was no override to reset."
    await done(request, place.url(key), notice)


@admins_only
async def preview(request: web.Request, scope: Scope) -> web.Response:
    """For the page's script: {"html", "length"} when the body can be used, else {"error"}."""
    parsed, errors, _ = await posted(request, TemplatePreviewIn)
    if parsed is None:
        field, reason = next(iter(errors.items()))
        return web.json_response({"error": f"{field}: {reason}"}, status=422)
    if parsed.key not in template_keys(_catalog(request)):
        return web.json_response({"error": "no such template"}, status=404)
    result = await preview_aside(_catalog(request), parsed.key, parsed.body)
    if result.error is not None:
        return web.json_response({"error": result.error}, status=422)
    return web.json_response({"html": result.html, "length": result.length})


def install(app: web.Application) -> None:
    app.router.add_get("/templates", list_templates)
    app.router.add_post("/templates/preview", preview)  # before /templates/{key}
    app.router.add_get("/templates/{key}", edit_template)
    app.router.add_post("/templates/{key}", save)
    app.router.add_post("/templates/{key}/reset", reset)

"""/templates: the texts the bot sends, their overrides per locale and city or vacancy, and
previews."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from admin.api.kit import ApiError, Call, Operation
from admin.locale import current_locale
from admin.schemas.common import Input, Output
from admin.schemas.templates import Body, TemplateIn, TemplatePlaceIn
from domain.messaging.telegram_view import telegram_view
from domain.messaging.templates import (
    changing_overrides,
    known_variables,
    list_overrides,
    per_city,
    preview_aside,
    reset_template,
    save_template,
    template_keys,
)


class OverrideOut(Output):
    key: str
    locale: str
    city_id: int | None
    vacancy_id: int | None
    body: str
    version: int
    updated_at: datetime


class TemplateOut(Output):
    key: str
    variables: list[str]
    shipped: dict[str, str]
    overrides: list[OverrideOut]
    per_city: bool = Field(
        description="Whether an override for one city can be saved (false for messages shown "
        "before the candidate has a city, such as the consent)."
    )


class TemplateListOut(Output):
    items: list[TemplateOut]


class PreviewIn(Input):
    body: Body
    locale: Literal["ru", "en"] | None = Field(
        default=None,
        description="The template's language: the sample values' (default: the answer's).",
    )


class PreviewOut(Output):
    html: str = Field(description="The Telegram HTML the bot would send.")
    shown: str = Field(
        description="The same as Telegram shows it, as HTML safe to insert in a page "
        "(formatting applied, anything else escaped)."
    )
    length: int


def _key(call: Call) -> str:
    key = call.request.match_info["key"]
    if key not in template_keys(call.deps.catalog):
        raise ApiError(404, "reason.no_such.template")
    return key


def _template(call: Call, key: str, overrides: list[Any]) -> dict[str, Any]:
    catalog = call.deps.catalog
    return {
        "key": key,
        "variables": sorted(known_variables(catalog, key)),
        "shipped": {
            locale: bodies[key] for locale, bodies in catalog.templates.items() if key in bodies
        },
        "overrides": [o for o in changing_overrides(catalog, overrides) if o.key == key],
        "per_city": per_city(key),
    }


async def list_templates(call: Call) -> dict[str, Any]:
    overrides = await list_overrides(call.uow)
    return {"items": [_template(call, key, overrides) for key in template_keys(call.deps.catalog)]}


async def get_template(call: Call) -> dict[str, Any]:
    key = _key(call)
    return _template(call, key, await list_overrides(call.uow, key))


async def put_template(call: Call) -> Any:
    key, body = _key(call), call.body
    saved = await save_template(
        call.uow,
        call.deps.catalog,
        key,
        body.locale,
        body.city_id,
        body.body,
        actor=call.scope.actor,
        vacancy_id=body.vacancy_id,
        reason_locale=current_locale(),
    )
    override = saved.unwrap()
    if override is None:  # the shipped text: no override is kept (one was removed, if any)
        raise web.HTTPNoContent()
    return override


async def reset_template_route(call: Call) -> None:
    key, place = _key(call), call.query
    removed = await reset_template(
        call.uow,
        key,
        place.locale,
        place.city_id,
        actor=call.scope.actor,
        vacancy_id=place.vacancy_id,
    )
    if not removed:
        raise ApiError(404, "reason.no_such.override")


async def preview_template(call: Call) -> dict[str, Any]:
    body, locale = call.body.body, current_locale()
    samples = call.body.locale or call.deps.catalog.default_locale  # the templates' language
    preview = await preview_aside(call.deps.catalog, _key(call), body, locale, samples)
    if preview.error is not None or preview.html is None:
        raise ApiError(422, preview.error or "reason.api.nothing_to_show", "body")
    return {"html": preview.html, "shown": telegram_view(preview.html), "length": preview.length}


_ONE = "/templates/{key}"
OPERATIONS = [
    Operation(
        "GET",
        "/templates",
        "Every template with its variables and overrides",
        "templates",
        list_templates,
        answer=TemplateListOut,
        admin_only=True,
    ),
    Operation(
        "GET", _ONE, "One template", "templates", get_template, answer=TemplateOut, admin_only=True
    ),
    Operation(
        "PUT",
        _ONE,
        "Set the override for a locale and a city or a vacancy (neither: for all); a body "
        "that is the shipped text keeps no override (204, the one there was removed)",
        "templates",
        put_template,
        None,
        TemplateIn,
        OverrideOut,
        admin_only=True,
    ),
    Operation(
        "DELETE",
        _ONE,
        "Remove an override: back to the shipped text",
        "templates",
        reset_template_route,
        TemplatePlaceIn,
        status=204,
        admin_only=True,
    ),
    Operation(
        "POST",
        _ONE + "/preview",
        "Render a body with sample values",
        "templates",
        preview_template,
        None,
        PreviewIn,
        PreviewOut,
        admin_only=True,
    ),
]

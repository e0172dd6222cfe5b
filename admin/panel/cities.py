"""Cities: the list, a form to add one, and each city's edit form."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.panel.kit import admins_only, attempt, done, int_param, posted, render, text, uow
from admin.panel.reasons import said
from admin.schemas.places import CityForm, CityIn
from admin.scope import Scope
from domain.organisation.directory import city_choices, find_city
from domain.organisation.places import save_city
from domain.records import City

NEW_CITY = {"timezone": "Europe/Moscow", "active": True, "requires_approval": True}


async def _cities(request: web.Request) -> list[City]:
    return await city_choices(uow(request))


async def _show(
    request: web.Request,
    scope: Scope,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    editing: City | None = None,
    status: int = 200,
) -> web.Response:
    return await render(
        request,
        "cities.html",
        scope,
        status=status,
        cities=await _cities(request),
        values=values if values is not None else NEW_CITY,
        errors=errors or {},
        editing=editing,
    )


@admins_only
async def list_cities(request: web.Request, scope: Scope) -> web.Response:
    return await _show(request, scope)


@admins_only
async def edit_form(request: web.Request, scope: Scope) -> web.Response:
    city = await find_city(uow(request), int_param(request, "city_id"))
    if city is None:
        raise web.HTTPNotFound()
    values = CityIn.model_validate(city, from_attributes=True).model_dump(exclude={"names"})
    values.update({f"name_{locale}": name for locale, name in city.names.items()})
    return await _show(request, scope, values=values, editing=city)


@admins_only
async def save(request: web.Request, scope: Scope) -> web.StreamResponse:
    city_id = int_param(request, "city_id") if "city_id" in request.match_info else None
    editing = None
    if city_id is not None:
        editing = await find_city(uow(request), city_id)
        if editing is None:
            raise web.HTTPNotFound()
    parsed, errors, values = await posted(request, CityForm)
    errors = said(request, errors)
    if parsed is not None:
        _, errors = await attempt(
            request, save_city(uow(request), parsed.fields(), actor=scope.actor, city_id=city_id)
        )
        # A name per language is refused on "names.<locale>": the form's field is name_<locale>.
        errors = {
            (f"name_{k}" if k in parsed.fields()["names"] else k): v for k, v in errors.items()
        }
        if not errors:
            await done(request, "/cities", text(request, "panel.cities.saved", name=parsed.name))
    return await _show(request, scope, values=values, errors=errors, editing=editing, status=422)


def install(app: web.Application) -> None:
    app.router.add_get("/cities", list_cities)
    app.router.add_post("/cities", save)
    app.router.add_get("/cities/{city_id}", edit_form)
    app.router.add_post("/cities/{city_id}", save)

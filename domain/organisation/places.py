"""Cities and recruiters as admins manage them, each change written to the audit log."""

from __future__ import annotations

from typing import Any

from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from core.settings import SUPPORTED_LOCALES
from storage.dto import RecruiterDTO
from storage.models import City, Recruiter
from storage.uow import UnitOfWork

TAKEN = "reason.city.name_taken"


async def _name_taken(uow: UnitOfWork, name: str, except_id: int | None) -> bool:
    """Whether another city is known as `name`, by its main name or a name in any locale: a
    typed name must lead to one city."""
    return bool(await uow.cities.ids_named(name) - {except_id})


async def _taken_field(
    uow: UnitOfWork, name: str, names: dict[str, str | None], city_id: int | None
) -> str | None:
    """The first field whose name another city has, if any (`name`, or `names.<locale>`)."""
    if await _name_taken(uow, name, city_id):
        return "name"
    for locale, own in names.items():
        if own and await _name_taken(uow, own, city_id):
            return f"names.{locale}"
    return None


async def save_city(
    uow: UnitOfWork, fields: dict[str, Any], *, actor: str, city_id: int | None = None
) -> Result[City, InvalidField | NotFound]:
    """Create a city, or change one. `fields` may hold `names`, the city's own name per locale
    (a locale left out keeps its name, None or "" drops it: the main name shows there). Every
    name of a city, main or per locale, is no other city's name in any locale, regardless of
    case. Commits."""
    city = None if city_id is None else await uow.cities.get(city_id)
    if city_id is not None and city is None:
        return Failure(NotFound(f"city {city_id}"))
    columns = {k: v for k, v in fields.items() if k != "names"}
    names: dict[str, str | None] = dict(fields.get("names") or {})
    unknown = sorted(set(names) - set(SUPPORTED_LOCALES))
    if unknown:
        return Failure(InvalidField(f"names.{unknown[0]}", "reason.city.unknown_language"))
    name = columns.get("name", city.name if city else "")
    taken = await _taken_field(uow, name, names, city_id)
    if taken is not None:
        return Failure(InvalidField(taken, TAKEN))
    action = "create" if city is None else "update"
    if city is None:
        city = City(**columns)
    else:
        for key, value in columns.items():
            setattr(city, key, value)
    for locale, own in names.items():
        city.set_name_in(locale, own)
    if not await uow.cities.write_unique(city):  # taken between the check and the write
        return Failure(InvalidField("name", TAKEN))
    uow.audit.record(actor=actor, action=action, entity="city", entity_id=city.id, details=fields)
    await uow.commit()
    return Success(city)


async def save_recruiter(
    uow: UnitOfWork, fields: dict[str, Any], *, actor: str, recruiter_id: int | None = None
) -> Result[Recruiter, InvalidField | NotFound]:
    """Create a recruiter or change one, with the cities they serve. Commits."""
    wanted = list(dict.fromkeys(fields.pop("city_ids")))
    cities = await uow.cities.get_many(wanted)
    if len(cities) != len(wanted):
        return Failure(InvalidField("city_ids", "reason.recruiter.unknown_city"))
    recruiter = None
    if recruiter_id is not None:
        recruiter = await uow.recruiters.get_with_cities(recruiter_id)
        if recruiter is None:
            return Failure(NotFound(f"recruiter {recruiter_id}"))
    if recruiter is None:
        [recruiter] = await uow.recruiters.add_many([Recruiter(**fields, cities=cities)])
        action = "create"
    else:
        for key, value in fields.items():
            setattr(recruiter, key, value)
        recruiter.cities = cities
        action = "update"
    uow.audit.record(
        actor=actor,
        action=action,
        entity="recruiter",
        entity_id=recruiter.id,
        details={**fields, "city_ids": wanted},
    )
    await uow.commit()
    return Success(recruiter)


async def recruiter_for_chat(uow: UnitOfWork, chat_id: int) -> RecruiterDTO | None:
    """The recruiter this chat is linked to (active or not), if any."""
    if chat_id not in await uow.recruiters.linked_chats():
        return None
    return await uow.recruiters.get_by_chat_id(chat_id)


async def recruiter_by_id(uow: UnitOfWork, recruiter_id: int) -> RecruiterDTO | None:
    return await uow.recruiters.get_dto(recruiter_id)


async def linked_recruiter_chats(uow: UnitOfWork) -> list[tuple[int, str | None]]:
    """The chats of the active recruiters linked to the bot, each with the recruiter's language
    (their command menu is set there, in that language)."""
    return [
        (r.telegram_chat_id, r.locale)
        for r in await uow.recruiters.list_linked_active()
        if r.telegram_chat_id is not None
    ]


async def choose_recruiter_language(uow: UnitOfWork, recruiter_id: int, locale: str) -> bool:
    """Speak to the recruiter in `locale` from now on, if it is one we speak. Commits."""
    if locale not in SUPPORTED_LOCALES:
        return False
    recruiter = await uow.recruiters.get(recruiter_id)
    if recruiter is None:
        return False
    recruiter.locale = locale
    await uow.commit()
    return True

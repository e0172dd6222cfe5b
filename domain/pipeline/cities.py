"""The candidate's city: chosen from buttons or typed, matched forgivingly."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from core.clock import Clock
from core.enums import ContactReason
from domain.messaging.texts import Catalog
from domain.pipeline.city_names import city_name as city_name
from domain.pipeline.city_names import city_names as city_names
from domain.pipeline.contact import request_contact
from storage.dto import CityDTO
from storage.models import Candidate
from storage.uow import UnitOfWork


def _all_names(city: CityDTO) -> list[str]:
    return list(dict.fromkeys([city.name, *city.names.values()]))


@dataclass(frozen=True)
class CityMatch:
    city: CityDTO | None
    suggestions: tuple[str, ...] = ()


def _fold(name: str) -> str:
    return " ".join(name.casefold().replace("ё", "е").split())


async def match_city(uow: UnitOfWork, typed: str, locale: str | None = None) -> CityMatch:
    """The active city called `typed` in any locale; else up to three suggestions, each the
    city's name in `locale` (the reader's)."""
    cities = await uow.cities.list_active()
    wanted = _fold(typed)
    for city in cities:
        if any(_fold(name) == wanted for name in _all_names(city)):
            return CityMatch(city)
    shown = {c.id: city_name(c, locale) if locale else c.name for c in cities}
    by_fold = {_fold(name): shown[c.id] for c in cities for name in _all_names(c)}
    close = difflib.get_close_matches(wanted, list(by_fold), n=3, cutoff=0.6)
    starts = [name for folded, name in by_fold.items() if wanted and folded.startswith(wanted)]
    suggestions = tuple(dict.fromkeys([*(by_fold[c] for c in close), *starts]))[:3]
    return CityMatch(None, suggestions)


async def choose_city(
    uow: UnitOfWork, candidate: Candidate, city_id: int, *, commit: bool = True
) -> CityDTO | None:
    """Set the candidate's city (only while it is still open to change) and commit; with
    `commit=False` the caller commits it with what it does next (one transaction)."""
    city = await uow.cities.get_dto(city_id)
    if city is None or not city.active:
        return None
    if candidate.city_id is None:
        candidate.city_id = city.id
        candidate.wanted_city = None  # a listed city after all: no longer waiting for another
        if commit:
            await uow.commit()
    return city


MAX_CITY_NAME = 100


async def ask_for_unlisted_city(
    uow: UnitOfWork, catalog: Catalog, clock: Clock, candidate: Candidate, typed: str
) -> CityDTO | None:
    """ "My city is not here", then its name: a listed city (typed after all) is chosen and
    returned; any other name is noted on the candidate (`wanted_city`, which the panel's
    candidate list shows and filters) and stands in the admins' inbox as a request to be
    contacted. Commits."""
    found = await match_city(uow, typed[:MAX_CITY_NAME])
    if found.city is not None:
        return await choose_city(uow, candidate, found.city.id)
    name = " ".join(typed.split())[:MAX_CITY_NAME]
    if name and candidate.city_id is None:
        candidate.wanted_city = name
        await request_contact(
            uow, catalog, clock, candidate, ContactReason.CITY_MISSING, wrote=name
        )
    return None


async def active_cities(uow: UnitOfWork, locale: str | None = None) -> list[CityDTO]:
    """The cities a candidate may choose, in the order of their names in `locale`."""
    cities = await uow.cities.list_active()
    if locale is None:
        return cities
    return sorted(cities, key=lambda c: _fold(city_name(c, locale)))


async def city_of(uow: UnitOfWork, candidate: Candidate) -> CityDTO | None:
    return await uow.cities.get_dto(candidate.city_id) if candidate.city_id else None

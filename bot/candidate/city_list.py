"""The list of cities to choose from, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup

from bot.buttons import button
from bot.callbacks import CityChoice, CityMissing
from bot.candidate.texts import text
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.pipeline.cities import active_cities, city_name
from domain.records import Candidate
from domain.vacancies.choosing import cities_offered, vacancy_of
from storage.dto import CityDTO
from storage.uow import UnitOfWork

CITIES_PER_PAGE = 8


def city_keyboard(
    cities: Sequence[CityDTO], page: int, catalog: Catalog, locale: str
) -> InlineKeyboardMarkup:
    pages = max(1, -(-len(cities) // CITIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = cities[page * CITIES_PER_PAGE : (page + 1) * CITIES_PER_PAGE]
    rows = [[button(city_name(c, locale), CityChoice(city_id=c.id, page=page))] for c in chunk]
    nav = []
    if page > 0:
        nav.append(
            button(catalog.text("button.prev", locale), CityChoice(city_id=0, page=page - 1))
        )
    if page < pages - 1:
        nav.append(
            button(catalog.text("button.next", locale), CityChoice(city_id=0, page=page + 1))
        )
    if nav:
        rows.append(nav)
    rows.append([button(catalog.text("button.city_missing", locale), CityMissing())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def cities_for(uow: UnitOfWork, candidate: Candidate) -> list[CityDTO]:
    """The cities offered: all active ones, or the vacancy's when the application has one."""
    cities = await active_cities(uow, candidate.locale)
    return cities_offered(cities, await vacancy_of(uow, candidate))


async def show_cities(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    page: int = 0,
    *,
    edit: bool = False,
) -> None:
    cities = await cities_for(uow, candidate)
    markup = city_keyboard(cities, page, m.catalog, candidate.locale)
    message = await text(uow, m, candidate, "choose_city")
    await reply.show(message, markup, edit=edit)

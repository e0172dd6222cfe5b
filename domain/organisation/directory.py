"""Reading cities and recruiters: the lists and single records the panel and the API show, and
what an account's scope lets it see of them."""

from __future__ import annotations

from storage.models import City, Recruiter
from storage.uow import UnitOfWork

CHOICES_LIMIT = 1000  # a form's city or recruiter select: every one there is, in practice


async def find_city(uow: UnitOfWork, city_id: int) -> City | None:
    return await uow.cities.get(city_id)


async def city_choices(uow: UnitOfWork, *, limit: int = CHOICES_LIMIT) -> list[City]:
    """Cities in id order, for a form's select or a page's list."""
    return list(await uow.cities.list(limit=limit))


async def visible_city_choices(uow: UnitOfWork, city_ids: frozenset[int] | None) -> list[City]:
    """The cities an account sees (`city_ids` None: every one), for a form's select."""
    return [c for c in await city_choices(uow) if city_ids is None or c.id in city_ids]


async def cities_page(
    uow: UnitOfWork, city_ids: frozenset[int] | None, *, limit: int, offset: int
) -> tuple[list[City], int]:
    """One page of the cities an account sees (`city_ids` None: every one) in id order, and
    how many it sees in all."""
    if city_ids is None:
        return list(await uow.cities.list(limit=limit, offset=offset)), await uow.cities.count()
    ids = sorted(city_ids)  # a recruiter's few cities, in id order as an admin sees them
    found = [await uow.cities.get(i) for i in ids[offset : offset + limit]]
    return [c for c in found if c is not None], len(ids)


async def find_recruiter(uow: UnitOfWork, recruiter_id: int) -> Recruiter | None:
    return await uow.recruiters.get(recruiter_id)


async def recruiter_with_cities(uow: UnitOfWork, recruiter_id: int) -> Recruiter | None:
    """A recruiter with the cities they serve loaded."""
    return await uow.recruiters.get_with_cities(recruiter_id)


async def recruiter_city_ids(uow: UnitOfWork, recruiter_id: int) -> frozenset[int]:
    """The ids of the cities a recruiter serves."""
    return await uow.recruiters.city_ids(recruiter_id)


async def recruiter_choices(uow: UnitOfWork, *, limit: int = CHOICES_LIMIT) -> list[Recruiter]:
    """Recruiters in id order, for a form's select."""
    return list(await uow.recruiters.list(limit=limit))


async def recruiters_with_cities(uow: UnitOfWork) -> list[Recruiter]:
    """Recruiters in id order with their cities, as the panel lists them."""
    return await uow.recruiters.list_with_cities()


async def recruiters_page(
    uow: UnitOfWork, *, is_admin: bool, recruiter_id: int | None, limit: int, offset: int
) -> tuple[list[Recruiter], int]:
    """One page of the recruiters an account sees, with their cities, and how many it sees in
    all: an admin every one, a recruiter's account only its own (none while none is linked)."""
    if is_admin:
        rows = await uow.recruiters.list_with_cities(limit=limit, offset=offset)
        return rows, await uow.recruiters.count()
    mine = None if recruiter_id is None else await uow.recruiters.get_with_cities(recruiter_id)
    if mine is None:
        return [], 0
    return ([mine] if offset == 0 else []), 1


async def highest_telegram_id(uow: UnitOfWork) -> int | None:
    """The highest Telegram user or chat id anyone here is known by: candidates, recruiters'
    chats (linked now or once) and the recipients of queued messages."""
    known = (
        await uow.candidates.highest_telegram_id(),
        await uow.recruiters.highest_chat_id(),
        await uow.notifications.highest_recipient(),
    )
    return max((i for i in known if i is not None), default=None)

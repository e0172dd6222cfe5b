"""/cities and /recruiters (with their invite links)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field

from admin.api.kit import ApiError, Call, Operation
from admin.calendar_feeds import absolute_feed_url
from admin.locale import current_locale
from admin.schemas.common import Input, Output, Page, listing
from admin.schemas.places import (
    BusyCalendarIn,
    BusyCalendarOut,
    CityIn,
    CityOut,
    RecruiterIn,
    RecruiterOut,
)
from domain.calendars.busy_sources import busy_calendar_status, set_busy_calendar
from domain.calendars.feeds import feed_for_recruiter, recruiter_feed_path, renew_recruiter_feed
from domain.organisation.directory import (
    cities_page,
    find_city,
    recruiter_with_cities,
    recruiters_page,
)
from domain.organisation.invites import create_invite, invite_link
from domain.organisation.places import save_city, save_recruiter
from domain.records import City, Recruiter


def _recruiter_out(recruiter: Recruiter) -> dict[str, Any]:
    return {
        "id": recruiter.id,
        "name": recruiter.name,
        "timezone": recruiter.timezone,
        "meeting_link": recruiter.meeting_link,
        "active": recruiter.active,
        "linked": recruiter.telegram_chat_id is not None,
        "city_ids": sorted(c.id for c in recruiter.cities),
    }


async def list_cities(call: Call) -> dict[str, Any]:
    page: Page = call.query
    items, total = await cities_page(
        call.uow, call.scope.city_ids, limit=page.limit, offset=page.offset
    )
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}


async def get_city(call: Call) -> City:
    city = await find_city(call.uow, call.ids["city_id"])
    if city is None or not call.scope.sees_city(city.id):
        raise ApiError(404, "reason.no_such.city")
    return city


async def create_city(call: Call) -> City:
    return await _save_city(call, None)


async def update_city(call: Call) -> City:
    return await _save_city(call, call.ids["city_id"])


async def _save_city(call: Call, city_id: int | None) -> City:
    fields = call.body.model_dump()
    if fields["names"] is None:  # left out: the names per language stay
        del fields["names"]
    saved = await save_city(call.uow, fields, actor=call.scope.actor, city_id=city_id)
    return saved.unwrap()


async def list_recruiters(call: Call) -> dict[str, Any]:
    page: Page = call.query
    rows, total = await recruiters_page(
        call.uow,
        is_admin=call.scope.is_admin,
        recruiter_id=call.scope.recruiter_id,
        limit=page.limit,
        offset=page.offset,
    )
    items = [_recruiter_out(r) for r in rows]
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}


async def get_recruiter(call: Call) -> dict[str, Any]:
    recruiter_id = call.ids["recruiter_id"]
    recruiter = await recruiter_with_cities(call.uow, recruiter_id)
    if recruiter is None or not call.scope.sees_recruiter(recruiter_id):
        raise ApiError(404, "reason.no_such.recruiter")
    return _recruiter_out(recruiter)


async def create_recruiter(call: Call) -> dict[str, Any]:
    return await _save_recruiter(call, None)


async def update_recruiter(call: Call) -> dict[str, Any]:
    return await _save_recruiter(call, call.ids["recruiter_id"])


async def _save_recruiter(call: Call, recruiter_id: int | None) -> dict[str, Any]:
    result = await save_recruiter(
        call.uow, call.body.model_dump(), actor=call.scope.actor, recruiter_id=recruiter_id
    )
    saved = await recruiter_with_cities(call.uow, result.unwrap().id)
    assert saved is not None
    return _recruiter_out(saved)


async def _seen_recruiter(call: Call) -> int:
    recruiter_id = call.ids["recruiter_id"]
    if not call.scope.sees_recruiter(recruiter_id) or (
        await recruiter_with_cities(call.uow, recruiter_id) is None
    ):
        raise ApiError(404, "reason.no_such.recruiter")
    return recruiter_id


async def _busy_out(call: Call, recruiter_id: int) -> dict[str, Any]:
    status = await busy_calendar_status(
        call.uow, call.deps.catalog, current_locale(), recruiter_id, call.deps.clock.now()
    )
    if status is None:
        return {
            "busy_calendar_url": None,
            "fetched_at": None,
            "checked_at": None,
            "error": None,
            "error_at": None,
            "busy_ahead": 0,
        }
    return {
        "busy_calendar_url": status.url,
        "fetched_at": status.fetched_at,
        "checked_at": status.checked_at,
        "error": status.error,
        "error_at": status.error_at,
        "busy_ahead": status.busy_ahead,
    }


async def get_busy_calendar(call: Call) -> dict[str, Any]:
    return await _busy_out(call, await _seen_recruiter(call))


async def set_recruiter_busy_calendar(call: Call) -> dict[str, Any]:
    recruiter_id = await _seen_recruiter(call)
    body: BusyCalendarIn = call.body
    saved = await set_busy_calendar(
        call.uow,
        call.deps.catalog,
        current_locale(),
        recruiter_id,
        body.busy_calendar_url or "",
        actor=call.scope.actor,
    )
    saved.unwrap()  # an address that cannot be read: 422 on busy_calendar_url
    return await _busy_out(call, recruiter_id)


class InviteIn(Input):
    hours: float = Field(72.0, gt=0, le=24 * 30, description="How long the link works")


class InviteOut(Output):
    payload: str
    link: str
    expires_in_hours: float


async def create_recruiter_invite(call: Call) -> dict[str, Any]:
    hours = call.body.hours
    recruiter_id = call.ids["recruiter_id"]
    created = await create_invite(
        call.uow, recruiter_id, call.deps.clock, timedelta(hours=hours), actor=call.scope.actor
    )
    payload = created.unwrap()  # an unknown recruiter: 404 "no such recruiter"
    link = invite_link(call.deps.bot_username, payload)
    return {"payload": payload, "link": link, "expires_in_hours": hours}


class CalendarFeedOut(Output):
    url: str = Field(description="The secret iCalendar feed of the recruiter's coming bookings")


async def get_recruiter_calendar_feed(call: Call) -> dict[str, Any]:
    token = await feed_for_recruiter(call.uow, call.ids["recruiter_id"])
    return {"url": absolute_feed_url(call.request, recruiter_feed_path(token))}


async def renew_recruiter_calendar_feed(call: Call) -> dict[str, Any]:
    token = await renew_recruiter_feed(
        call.uow, call.ids["recruiter_id"], call.deps.clock.now(), actor=call.scope.actor
    )
    return {"url": absolute_feed_url(call.request, recruiter_feed_path(token))}


OPERATIONS = [
    Operation("GET", "/cities", "List cities", "cities", list_cities, Page, None, listing(CityOut)),
    Operation(
        "POST",
        "/cities",
        "Add a city",
        "cities",
        create_city,
        None,
        CityIn,
        CityOut,
        status=201,
        errors=(),
        admin_only=True,
    ),
    Operation("GET", "/cities/{city_id}", "One city", "cities", get_city, answer=CityOut),
    Operation(
        "PUT",
        "/cities/{city_id}",
        "Change a city",
        "cities",
        update_city,
        None,
        CityIn,
        CityOut,
        admin_only=True,
    ),
    Operation(
        "GET",
        "/recruiters",
        "List recruiters",
        "recruiters",
        list_recruiters,
        Page,
        None,
        listing(RecruiterOut),
    ),
    Operation(
        "POST",
        "/recruiters",
        "Add a recruiter",
        "recruiters",
        create_recruiter,
        None,
        RecruiterIn,
        RecruiterOut,
        status=201,
        errors=(),
        admin_only=True,
    ),
    Operation(
        "GET",
        "/recruiters/{recruiter_id}",
        "One recruiter",
        "recruiters",
        get_recruiter,
        answer=RecruiterOut,
    ),
    Operation(
        "PUT",
        "/recruiters/{recruiter_id}",
        "Change a recruiter",
        "recruiters",
        update_recruiter,
        None,
        RecruiterIn,
        RecruiterOut,
        admin_only=True,
    ),
    Operation(
        "GET",
        "/recruiters/{recruiter_id}/busy-calendar",
        "The recruiter's own calendar read for busy times, and how its reads went",
        "recruiters",
        get_busy_calendar,
        answer=BusyCalendarOut,
    ),
    Operation(
        "PUT",
        "/recruiters/{recruiter_id}/busy-calendar",
        "Give (or remove, with null) the recruiter's own calendar address; slots overlapping "
        "its events are not offered to candidates",
        "recruiters",
        set_recruiter_busy_calendar,
        None,
        BusyCalendarIn,
        BusyCalendarOut,
    ),
    Operation(
        "POST",
        "/recruiters/{recruiter_id}/invites",
        "A one-time Telegram link for the recruiter",
        "recruiters",
        create_recruiter_invite,
        None,
        InviteIn,
        InviteOut,
        status=201,
        admin_only=True,
    ),
    Operation(
        "GET",
        "/recruiters/{recruiter_id}/calendar-feed",
        "The recruiter's secret calendar feed URL (made on first request)",
        "recruiters",
        get_recruiter_calendar_feed,
        answer=CalendarFeedOut,
        admin_only=True,
    ),
    Operation(
        "POST",
        "/recruiters/{recruiter_id}/calendar-feed/renew",
        "A new calendar feed URL for the recruiter: the old one stops working",
        "recruiters",
        renew_recruiter_calendar_feed,
        answer=CalendarFeedOut,
        admin_only=True,
    ),
]

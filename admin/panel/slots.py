"""Slots: a recruiter's week as a grid (opening on the week being planned), a day with the
candidates' cards, or the list of coming slots; adding one slot or a weekly series (previewed
first), and deleting free ones. Times are read and shown in the city's zone; a
recruiter's account manages only its own recruiter's slots, an admin anyone's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from admin.locale import current_locale
from admin.panel.kit import (
    attempt,
    check,
    deps,
    done,
    form_values,
    int_param,
    render,
    signed_in,
    text,
    uow,
)
from admin.panel.plurals import counted
from admin.panel.slot_grid import day_cards, week_grid
from admin.schemas.common import parse_id
from admin.schemas.slots import LocalSlotIn, SeriesIn, SlotIn
from admin.scope import Scope
from core.enums import SlotPurpose
from core.iso import sane_year
from domain.calendars.busy_sources import busy_calendar_status, busy_slot_ids
from domain.messaging.dates import day_label, local, time_label
from domain.organisation.directory import find_city, recruiter_choices, recruiter_with_cities
from domain.records import Recruiter
from domain.scheduling.planning import SlotCard, monday_of, planning_week, slot_cards
from domain.scheduling.slots import (
    SeriesPlan,
    create_series,
    create_slot,
    delete_slot,
    plan_series,
    recruiter_slot_page,
    visible_slot,
)

LIST_DAYS = 60
LIST_LIMIT = 200
PURPOSES = (SlotPurpose.INTERVIEW.value, SlotPurpose.INTRO_DAY.value)
# The one-slot form asks for a local day and time; SlotIn's and the service's complaints about
# the start belong next to the time field.
_ON_FORM = {"starts_at": "start_time"}


def _id(raw: object) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    value = parse_id(str(raw).strip())
    if value is None:
        raise web.HTTPNotFound()
    return value


async def _recruiter(request: web.Request, scope: Scope, raw: object) -> Recruiter | None:
    """The recruiter whose slots these are: a recruiter's account always its own (another one
    is not found), an admin the one asked for (None: not chosen yet)."""
    wanted = _id(raw)
    if not scope.is_admin:
        if wanted is not None and wanted != scope.recruiter_id:
            raise web.HTTPNotFound()
        wanted = scope.recruiter_id
    if wanted is None:
        return None
    recruiter = await recruiter_with_cities(uow(request), wanted)
    if recruiter is None:
        raise web.HTTPNotFound()
    return recruiter


async def _chosen(request: web.Request, scope: Scope, raw: object) -> Recruiter:
    """The same, for a change: there must be one."""
    recruiter = await _recruiter(request, scope, raw)
    if recruiter is None:
        raise web.HTTPNotFound(text=text(request, "panel.slots.choose_first"))
    return recruiter


def _zone(recruiter: Recruiter, city_id: int | None = None) -> str:
    """The zone times are shown in: the city's, else the recruiter's first city's."""
    cities = sorted(recruiter.cities, key=lambda c: c.id)
    for city in cities:
        if city.id == city_id:
            return city.timezone
    return cities[0].timezone if cities else recruiter.timezone


def _url(recruiter_id: int, **params: object) -> str:
    return "/slots?" + urlencode({"recruiter_id": recruiter_id, **params})


def _offset(request: web.Request, raw: str | None) -> int:
    if not raw:
        return 0
    if not raw.isdecimal() or len(raw) > 7:
        raise web.HTTPBadRequest(text=text(request, "panel.slots.bad_offset"))
    return int(raw)


def _day(request: web.Request, raw: str | None, key: str) -> date | None:
    """A date asked for in the address (`week` or `day`), None when not asked."""
    if not raw:
        return None
    try:
        return sane_year(date.fromisoformat(raw))
    except ValueError:
        raise web.HTTPBadRequest(text=text(request, f"panel.slots.bad_{key}")) from None


async def _cards(
    request: web.Request, recruiter: Recruiter, first: date, days: int
) -> list[SlotCard]:
    """The recruiter's slots of `days` days from `first`, with their candidates, one query."""
    zone = ZoneInfo(_zone(recruiter))
    # A day wider on each side: a slot's own city may lie in another zone than the page's.
    start = datetime.combine(first - timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    end = start + timedelta(days=days + 2)
    return await slot_cards(uow(request), recruiter.id, start, end, current_locale())


def _one_defaults(recruiter: Recruiter, first: date) -> dict[str, Any]:
    cities = sorted(recruiter.cities, key=lambda c: c.id)
    return {
        "city_id": cities[0].id if cities else None,
        "day": first.isoformat(),
        "start_time": "10:00",
        "duration_minutes": 30,
        "purpose": SlotPurpose.INTERVIEW.value,
        "capacity": 1,
    }


def _series_defaults(
    recruiter: Recruiter, first: date, today: date, horizon_days: int
) -> dict[str, Any]:
    last = max(first, today + timedelta(days=horizon_days - 1))  # all of it bookable
    return {
        **_one_defaults(recruiter, first),
        "weekdays": [0, 1, 2, 3, 4],
        "start": "10:00",
        "end": "18:00",
        "step_minutes": 60,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
    }


async def _show(
    request: web.Request,
    scope: Scope,
    recruiter: Recruiter | None,
    *,
    status: int = 200,
    view: str = "week",
    week: date | None = None,
    day: date | None = None,
    **forms: Any,
) -> web.Response:
    """The page; `forms` overrides what the forms hold (one, series, their errors, preview,
    errors for the page as a whole); `week` or `day` the one shown instead of the address's."""
    now = deps(request).clock.now()
    context: dict[str, Any] = {
        "recruiter": recruiter,
        "view": view,
        "recruiters": [],
        "errors": {},
        "one_errors": {},
        "series_errors": {},
        "preview": None,
        "busy_ids": set(),
    }
    if scope.is_admin:
        listed = await recruiter_choices(uow(request))
        context["recruiters"] = [(r.id, r.name) for r in listed]
    if recruiter is not None:
        zone = _zone(recruiter)
        today = local(now, zone).date()
        context["busy"] = await busy_calendar_status(
            uow(request), deps(request).catalog, current_locale(), recruiter.id, now
        )
        context.update(
            zone=zone,
            cities=[(c.id, c.name) for c in sorted(recruiter.cities, key=lambda c: c.id)],
        )
        shown = today  # the forms offer what is shown: from tomorrow, or the day or week shown
        if view == "list":
            offset = _offset(request, request.query.get("offset"))
            until = now + timedelta(days=LIST_DAYS)
            rows, total = await recruiter_slot_page(
                uow(request), recruiter.id, now, until, limit=LIST_LIMIT, offset=offset
            )
            context["busy_ids"] = await busy_slot_ids(uow(request), [row.slot for row in rows])
            context.update(
                rows=rows,
                total=total,
                first=offset + 1 if rows else 0,
                last=offset + len(rows),
                previous=_url(recruiter.id, view="list", offset=max(0, offset - LIST_LIMIT))
                if offset
                else None,
                next=_url(recruiter.id, view="list", offset=offset + LIST_LIMIT)
                if offset + LIST_LIMIT < total
                else None,
            )
        elif view == "day":
            day = day or _day(request, request.query.get("day"), "day") or today
            cards = day_cards(await _cards(request, recruiter, day, 1), day)
            context["busy_ids"] = await busy_slot_ids(uow(request), [c.slot for c in cards])
            shown = day
            context.update(
                day=day,
                day_title=day_label(day, current_locale()),
                cards=cards,
                today=today,
                now=now,
                previous=_url(recruiter.id, view="day", day=(day - timedelta(days=1)).isoformat()),
                next=_url(recruiter.id, view="day", day=(day + timedelta(days=1)).isoformat()),
            )
        else:
            asked = week or _day(request, request.query.get("week"), "week")
            monday = monday_of(asked) if asked else planning_week(local(now, zone))
            grid = week_grid(
                await _cards(request, recruiter, monday, 7),
                monday,
                local(now, zone),
                current_locale(),
            )
            context["busy_ids"] = await busy_slot_ids(
                uow(request),
                [c.slot for _, cells in grid.rows for cell in cells for c in cell.cards],
            )
            shown = monday
            context.update(
                grid=grid,
                monday=monday,
                today=today,
                now=now,
                previous=_url(recruiter.id, week=(monday - timedelta(days=7)).isoformat()),
                next=_url(recruiter.id, week=(monday + timedelta(days=7)).isoformat()),
            )
        # The Day tab opens on the day shown, or on the week shown (today if it holds today).
        in_week = view == "week" and shown <= today < shown + timedelta(days=7)
        context["day_tab"] = (today if in_week or view == "list" else shown).isoformat()
        first = max(today + timedelta(days=1), shown)
        horizon = deps(request).rules.horizon.days
        context.update(
            one=_one_defaults(recruiter, first),
            series=_series_defaults(recruiter, first, today, horizon),
        )
    context.update(forms)
    return await render(
        request,
        "slots.html",
        scope,
        status=status,
        purposes=[(p, text(request, f"panel.slots.purpose.{p}")) for p in PURPOSES],
        weekdays=[(n, text(request, f"panel.slots.weekday.{n}")) for n in range(7)],
        day_label=lambda d: day_label(d, current_locale()),
        url=_url,
        **context,
    )


@signed_in
async def slots_page(request: web.Request, scope: Scope) -> web.Response:
    recruiter = await _recruiter(request, scope, request.query.get("recruiter_id"))
    asked = request.query.get("view")
    view = asked if asked in ("list", "day") else "week"
    return await _show(request, scope, recruiter, view=view)


@signed_in
async def add_slot(request: web.Request, scope: Scope) -> web.StreamResponse:
    form = await request.post()
    recruiter = await _chosen(request, scope, form.get("recruiter_id"))
    values = form_values(LocalSlotIn, form)
    parsed, errors = check(LocalSlotIn, values)
    if parsed is not None:
        city = await find_city(uow(request), parsed.city_id)
        zone = city.timezone if city is not None else _zone(recruiter)
        starts_at = datetime.combine(parsed.day, parsed.start_time, tzinfo=ZoneInfo(zone))
        slot_in, errors = check(
            SlotIn,
            {
                "recruiter_id": recruiter.id,
                "city_id": parsed.city_id,
                "starts_at": starts_at,
                "duration_minutes": parsed.duration_minutes,
                "purpose": parsed.purpose,
                "capacity": parsed.capacity,
            },
        )
        if slot_in is not None:
            now = deps(request).clock.now()
            _, errors = await attempt(
                request,
                create_slot(
                    uow(request),
                    **slot_in.model_dump(),
                    now=now,
                    rules=deps(request).rules,
                    editor=scope,
                ),
            )
            if not errors:
                when = f"{day_label(parsed.day, current_locale())} {parsed.start_time:%H:%M}"
                notice = text(request, "panel.slots.added", when=when)
                await done(request, _url(recruiter.id, week=parsed.day), notice)
        errors = {_ON_FORM.get(name, name): reason for name, reason in errors.items()}
    return await _show(request, scope, recruiter, status=422, one=values, one_errors=errors)


def _preview(
    request: web.Request, planned: SeriesPlan, values: dict[str, Any], horizon_days: int
) -> dict[str, Any]:
    """What the series would add, day by day in the city's zone, and the fields to re-post."""
    days: dict[date, list[str]] = {}
    for start in planned.starts:
        days.setdefault(local(start, planned.timezone).date(), []).append(
            time_label(start, planned.timezone)
        )
    fields = [
        (name, item)
        for name, value in values.items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return {
        "count": len(planned.starts),
        "count_words": counted(request, "panel.slots.new_slots", len(planned.starts)),
        "create_words": counted(request, "panel.slots.create", len(planned.starts)),
        "skipped": planned.skipped,
        "beyond_horizon": planned.beyond_horizon,
        "horizon_days": horizon_days,
        "days": [(day_label(day, current_locale()), times) for day, times in days.items()],
        "fields": fields,
    }


@signed_in
async def add_series(request: web.Request, scope: Scope) -> web.StreamResponse:
    form = await request.post()
    recruiter = await _chosen(request, scope, form.get("recruiter_id"))
    values = {**form_values(SeriesIn, form), "recruiter_id": recruiter.id}
    parsed, errors = check(SeriesIn, values)
    preview = None
    if parsed is not None:
        now, rules = deps(request).clock.now(), deps(request).rules
        if form.get("action") == "create":
            count, errors = await attempt(
                request,
                create_series(uow(request), parsed.series(), now=now, rules=rules, editor=scope),
            )
            if count is not None:
                notice = counted(request, "panel.slots.created", count)
                await done(request, _url(recruiter.id, week=parsed.first_day), notice)
        else:
            planned, errors = await attempt(
                request, plan_series(uow(request), parsed.series(), now=now, rules=rules)
            )
            if planned is not None:
                preview = _preview(request, planned, values, rules.horizon.days)
    status = 200 if preview is not None else 422
    return await _show(
        request,
        scope,
        recruiter,
        status=status,
        week=parsed.first_day if parsed is not None else None,
        series=values,
        series_errors=errors,
        preview=preview,
    )


def _back(request: web.Request, recruiter_id: int, form: Any) -> tuple[str, str, date | None]:
    """Where a deletion returns to: the week or the day it was made from (a hidden field of the
    grid's and the day's forms), else the list; with the view and its week or day to show on a
    refusal."""
    day = _day(request, str(form.get("day") or ""), "day")
    if day is not None:
        return _url(recruiter_id, view="day", day=day.isoformat()), "day", day
    week = _day(request, str(form.get("week") or ""), "week")
    if week is not None:
        return _url(recruiter_id, week=monday_of(week).isoformat()), "week", monday_of(week)
    return _url(recruiter_id, view="list"), "list", None


@signed_in
async def remove_slot(request: web.Request, scope: Scope) -> web.StreamResponse:
    slot_id = int_param(request, "slot_id")
    slot = await visible_slot(uow(request), slot_id, scope.own_recruiter)
    if slot is None:
        raise web.HTTPNotFound()
    recruiter = await _chosen(request, scope, slot.recruiter_id)
    back, view, shown = _back(request, recruiter.id, await request.post())
    now = deps(request).clock.now()
    _, errors = await attempt(request, delete_slot(uow(request), slot_id, now=now, editor=scope))
    if not errors:
        zone = _zone(recruiter, slot.city_id)
        when = f"{day_label(local(slot.starts_at, zone).date(), current_locale())} "
        when += time_label(slot.starts_at, zone)
        notice = text(request, "panel.slots.deleted", when=when)
        await done(request, back, notice)
    return await _show(
        request, scope, recruiter, status=422, view=view, week=shown, day=shown, errors=errors
    )


def install(app: web.Application) -> None:
    app.router.add_get("/slots", slots_page)
    app.router.add_post("/slots", add_slot)
    app.router.add_post("/slots/series", add_series)
    app.router.add_post("/slots/{slot_id}/delete", remove_slot)

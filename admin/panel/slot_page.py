"""One slot's page: its seats, the people holding them with their status (came / no-show marked
per person), its capacity changed, and one message to everyone holding a seat. A recruiter's
account sees only its own recruiter's slots, an admin every one."""

from __future__ import annotations

from typing import Any

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
)
from admin.panel.kit import uow as unit
from admin.panel.plurals import counted
from admin.schemas.candidates import MessageIn
from admin.schemas.slots import CapacityIn
from admin.scope import Scope
from domain.bookings.attendees import attendees, change_seats, mark_attendee, message_attendees
from domain.messaging.dates import day_label, local, time_label
from domain.organisation.directory import find_city
from domain.records import Slot
from domain.scheduling.capacity import seats_taken
from domain.scheduling.slots import visible_slot


def _url(slot_id: int) -> str:
    return f"/slots/{slot_id}"


async def _slot(request: web.Request, scope: Scope) -> Slot:
    slot = await visible_slot(unit(request), int_param(request, "slot_id"), scope.own_recruiter)
    if slot is None:
        raise web.HTTPNotFound()
    return slot


async def _show(
    request: web.Request, scope: Scope, slot: Slot, *, status: int = 200, **forms: Any
) -> web.Response:
    city = await find_city(unit(request), slot.city_id)
    zone = city.timezone if city is not None else "UTC"
    taken = await seats_taken(unit(request), slot.id)
    context: dict[str, Any] = {
        "slot": slot,
        "city_name": city.name if city is not None else "",
        "when": f"{day_label(local(slot.starts_at, zone).date(), current_locale())} "
        f"{time_label(slot.starts_at, zone)}–{time_label(slot.ends_at, zone)}",
        "zone": zone,
        "taken": taken,
        "left": max(slot.capacity - taken, 0),
        "seats_words": counted(
            request, "panel.slot.seats_taken", slot.capacity, left=max(slot.capacity - taken, 0)
        ),
        "people": await attendees(unit(request), slot.id),
        "begun": slot.starts_at <= deps(request).clock.now(),
        "capacity_form": {"capacity": slot.capacity},
        "capacity_errors": {},
        "message_form": {},
        "message_errors": {},
        "errors": {},
    }
    context.update(forms)
    return await render(request, "slot.html", scope, status=status, **context)


@signed_in
async def slot_page(request: web.Request, scope: Scope) -> web.Response:
    return await _show(request, scope, await _slot(request, scope))


@signed_in
async def post_capacity(request: web.Request, scope: Scope) -> web.StreamResponse:
    slot = await _slot(request, scope)
    values = form_values(CapacityIn, await request.post())
    parsed, errors = check(CapacityIn, values)
    if parsed is not None:
        _, errors = await attempt(
            request,
            change_seats(
                unit(request),
                deps(request).messaging,
                slot,
                parsed.capacity,
                actor=scope.actor,
                admin_user_id=scope.user_id,
            ),
        )
        if not errors:
            notice = text(request, "panel.slot.capacity_saved", n=parsed.capacity)
            await done(request, _url(slot.id), notice)
    return await _show(
        request, scope, slot, status=422, capacity_form=values, capacity_errors=errors
    )


@signed_in
async def post_message(request: web.Request, scope: Scope) -> web.StreamResponse:
    slot = await _slot(request, scope)
    values = form_values(MessageIn, await request.post())
    parsed, errors = check(MessageIn, values)
    if parsed is not None:
        m = deps(request).messaging
        sent, errors = await attempt(
            request,
            message_attendees(
                unit(request),
                m.catalog,
                m.clock,
                slot,
                parsed.text,
                actor=scope.actor,
                admin_user_id=scope.user_id,
            ),
        )
        if sent is not None:
            notice = counted(request, "panel.slot.sent", sent.sent)
            if sent.unreachable:
                notice += text(request, "panel.slot.unreachable", n=sent.unreachable)
            else:
                notice += "."
            await done(request, _url(slot.id), notice)
    return await _show(request, scope, slot, status=422, message_form=values, message_errors=errors)


@signed_in
async def post_attendance(request: web.Request, scope: Scope) -> web.StreamResponse:
    slot = await _slot(request, scope)
    booking_id = int_param(request, "booking_id")
    came = (await request.post()).get("came") == "1"
    _, errors = await attempt(
        request,
        mark_attendee(
            unit(request), deps(request).messaging, slot, booking_id, came=came, actor=scope.actor
        ),
    )
    if not errors:
        notice = text(request, "panel.slot.marked_came" if came else "panel.slot.marked_no_show")
        await done(request, _url(slot.id), notice)
    return await _show(request, scope, slot, status=422, errors=errors)


def install(app: web.Application) -> None:
    app.router.add_get(r"/slots/{slot_id:\d+}", slot_page)
    app.router.add_post(r"/slots/{slot_id:\d+}/capacity", post_capacity)
    app.router.add_post(r"/slots/{slot_id:\d+}/message", post_message)
    app.router.add_post(
        r"/slots/{slot_id:\d+}/bookings/{booking_id:\d+}/attendance", post_attendance
    )

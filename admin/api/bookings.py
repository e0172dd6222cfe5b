"""/bookings: the list (a recruiter's token sees its own slots' bookings) and cancelling one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from admin.api.kit import ApiError, Call, Operation
from admin.schemas.candidates import BookingCancelIn
from admin.schemas.common import Output, listing
from domain.bookings.directory import BookingFilter, search_bookings
from domain.pipeline.actions import cancel_booking


class BookingOut(Output):
    id: int
    status: str
    purpose: str
    created_at: datetime
    starts_at: datetime
    duration_minutes: int
    candidate_id: int
    candidate_name: str | None
    recruiter_id: int
    recruiter_name: str
    city_id: int
    city_name: str


async def cancel_booking_route(call: Call) -> dict[str, Any]:
    booking_id = call.ids["booking_id"]
    body: BookingCancelIn = call.body
    uow = call.uow
    rows, _ = await search_bookings(
        uow, BookingFilter(limit=1), call.scope.city_ids, call.scope.own_recruiter, booking_id
    )
    if not rows:
        raise ApiError(404, "reason.no_such.booking")
    canceled = await cancel_booking(
        uow,
        call.deps.messaging,
        rows[0]["candidate_id"],
        booking_id,
        body.reason,
        actor=call.scope.actor,
        admin_user_id=call.scope.user_id,
        acting_recruiter_id=call.scope.own_recruiter,
    )
    canceled.unwrap()
    rows, _ = await search_bookings(uow, BookingFilter(limit=1), booking_id=booking_id)
    return rows[0]


async def list_bookings(call: Call) -> dict[str, Any]:
    flt: BookingFilter = call.query
    items, total = await search_bookings(
        call.uow, flt, call.scope.city_ids, call.scope.own_recruiter
    )
    return {"items": items, "total": total, "limit": flt.limit, "offset": flt.offset}


OPERATIONS = [
    Operation(
        "GET",
        "/bookings",
        "List bookings, newest slot first",
        "bookings",
        list_bookings,
        BookingFilter,
        None,
        listing(BookingOut),
    ),
    Operation(
        "POST",
        "/bookings/{booking_id}/cancel",
        "Cancel a booking: the slot is freed and the candidate told",
        "bookings",
        cancel_booking_route,
        None,
        BookingCancelIn,
        BookingOut,
        errors=(404, 409),
    ),
]

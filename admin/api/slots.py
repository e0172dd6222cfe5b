"""/slots: a recruiter's slots with their bookings, one slot or a weekly series, deleting a free
one. A recruiter's token manages only its own recruiter's slots."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import ConfigDict, Field

from admin.api.kit import ApiError, Call, Operation
from admin.schemas.candidates import MessageIn
from admin.schemas.common import Id, Output, Page, listing
from admin.schemas.slots import (
    AttendeesOut,
    CapacityIn,
    SeriesIn,
    SlotIn,
    SlotMessageOut,
    SlotOut,
)
from core.iso import Instant
from domain.bookings.attendees import attendees, change_seats, message_attendees
from domain.records import Slot
from domain.scheduling.capacity import seats_taken
from domain.scheduling.slots import (
    create_series,
    create_slot,
    delete_slot,
    plan_series,
    recruiter_slot_page,
    visible_slot,
)


class SlotQuery(Page):
    # The document requires it, as an admin's token must give it; a recruiter's token may
    # leave it out (its own slots are meant).
    model_config = ConfigDict(json_schema_extra={"required": ["recruiter_id"]})

    recruiter_id: Id | None = Field(None, description="Whose slots (a recruiter's token: its own)")
    starts_from: Instant | None = Field(None, description="Default: now")
    starts_to: Instant | None = Field(None, description="Default: 60 days after the start")


class SeriesPlanOut(Output):
    count: int
    skipped: int = Field(description="Times skipped: they overlap a slot the recruiter has")
    beyond_horizon: int = Field(
        0, description="Times skipped: further ahead than candidates may book (the horizon)"
    )
    starts: list[datetime]


class SeriesOut(Output):
    created: int


def _recruiter(call: Call, wanted: int | None) -> int:
    """The recruiter whose slots are meant; another's, for a recruiter's token, is not found."""
    if call.scope.is_admin:
        if wanted is None:
            raise ApiError(422, "reason.api.which_recruiter", "recruiter_id")
        return wanted
    if call.scope.recruiter_id is None or wanted not in (None, call.scope.recruiter_id):
        raise ApiError(404, "reason.no_such.recruiter")
    return call.scope.recruiter_id


async def list_slots(call: Call) -> dict[str, Any]:
    query: SlotQuery = call.query
    recruiter_id = _recruiter(call, query.recruiter_id)
    start = query.starts_from or call.deps.clock.now()
    end = query.starts_to or start + timedelta(days=60)
    page, total = await recruiter_slot_page(
        call.uow, recruiter_id, start, end, limit=query.limit, offset=query.offset
    )
    # Plain dicts of SlotOut's fields, validated once with the answer (not once more per row).
    items = [
        {
            "id": row.slot.id,
            "recruiter_id": row.slot.recruiter_id,
            "city_id": row.slot.city_id,
            "starts_at": row.slot.starts_at,
            "ends_at": row.slot.ends_at,
            "duration_minutes": row.slot.duration_minutes,
            "purpose": row.slot.purpose,
            "withdrawn": row.slot.withdrawn,
            "capacity": row.slot.capacity,
            "seats_taken": row.seats_taken,
            "seats_left": row.seats_left,
            "booking_id": row.booking_id,
            "booking_status": row.booking_status,
            "candidate_name": row.candidate_name,
        }
        for row in page
    ]
    return {"items": items, "total": total, "limit": query.limit, "offset": query.offset}


async def create_slot_route(call: Call) -> Any:
    body: SlotIn = call.body
    _recruiter(call, body.recruiter_id)
    created = await create_slot(
        call.uow,
        recruiter_id=body.recruiter_id,
        city_id=body.city_id,
        starts_at=body.starts_at,
        duration_minutes=body.duration_minutes,
        purpose=body.purpose,
        capacity=body.capacity,
        now=call.deps.clock.now(),
        rules=call.deps.rules,
        editor=call.scope,
    )
    return await _slot_out(call, created.unwrap())


async def _slot_out(call: Call, slot: Slot) -> dict[str, Any]:
    taken = await seats_taken(call.uow, slot.id)
    return {
        "id": slot.id,
        "recruiter_id": slot.recruiter_id,
        "city_id": slot.city_id,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "duration_minutes": slot.duration_minutes,
        "purpose": slot.purpose,
        "withdrawn": slot.withdrawn,
        "capacity": slot.capacity,
        "seats_taken": taken,
        "seats_left": max(slot.capacity - taken, 0),
    }


async def _visible(call: Call) -> Slot:
    slot = await visible_slot(call.uow, call.ids["slot_id"], call.scope.own_recruiter)
    if slot is None:
        raise ApiError(404, "reason.no_such.slot")
    return slot


async def get_slot(call: Call) -> dict[str, Any]:
    return await _slot_out(call, await _visible(call))


async def update_slot(call: Call) -> dict[str, Any]:
    body: CapacityIn = call.body
    slot = await _visible(call)
    changed = await change_seats(
        call.uow,
        call.deps.messaging,
        slot,
        body.capacity,
        actor=call.scope.actor,
        admin_user_id=call.scope.user_id,
    )
    return await _slot_out(call, changed.unwrap())


async def slot_attendees(call: Call) -> dict[str, Any]:
    slot = await _visible(call)
    people = await attendees(call.uow, slot.id)
    return {
        "slot_id": slot.id,
        "capacity": slot.capacity,
        "seats_taken": await seats_taken(call.uow, slot.id),
        "items": [
            {
                "booking_id": a.booking_id,
                "seat": a.seat,
                "status": a.status,
                "candidate_id": a.candidate_id,
                "name": a.name,
            }
            for a in people
        ],
    }


async def message_slot(call: Call) -> dict[str, Any]:
    body: MessageIn = call.body
    slot = await _visible(call)
    m = call.deps.messaging
    sent = await message_attendees(
        call.uow,
        m.catalog,
        m.clock,
        slot,
        body.text,
        actor=call.scope.actor,
        admin_user_id=call.scope.user_id,
    )
    done = sent.unwrap()
    return {"sent": done.sent, "unreachable": done.unreachable}


async def preview_series(call: Call) -> dict[str, Any]:
    body: SeriesIn = call.body
    _recruiter(call, body.recruiter_id)
    plan = (
        await plan_series(call.uow, body.series(), now=call.deps.clock.now(), rules=call.deps.rules)
    ).unwrap()
    return {
        "count": len(plan.starts),
        "skipped": plan.skipped,
        "beyond_horizon": plan.beyond_horizon,
        "starts": plan.starts,
    }


async def create_series_route(call: Call) -> dict[str, Any]:
    body: SeriesIn = call.body
    _recruiter(call, body.recruiter_id)
    created = await create_series(
        call.uow, body.series(), now=call.deps.clock.now(), rules=call.deps.rules, editor=call.scope
    )
    return {"created": created.unwrap()}


async def delete_slot_route(call: Call) -> None:
    slot_id = call.ids["slot_id"]
    if await visible_slot(call.uow, slot_id, call.scope.own_recruiter) is None:
        raise ApiError(404, "reason.no_such.slot")
    (await delete_slot(call.uow, slot_id, now=call.deps.clock.now(), editor=call.scope)).unwrap()


OPERATIONS = [
    Operation(
        "GET",
        "/slots",
        "A recruiter's slots with their seats and (one-seat slots) active bookings",
        "slots",
        list_slots,
        SlotQuery,
        None,
        listing(SlotOut),
    ),
    Operation(
        "POST",
        "/slots",
        "Add one slot",
        "slots",
        create_slot_route,
        None,
        SlotIn,
        SlotOut,
        status=201,
    ),
    Operation(
        "POST",
        "/slots/series/preview",
        "The slots a series would add (writes nothing)",
        "slots",
        preview_series,
        None,
        SeriesIn,
        SeriesPlanOut,
    ),
    Operation(
        "POST",
        "/slots/series",
        "Add a weekly series of slots",
        "slots",
        create_series_route,
        None,
        SeriesIn,
        SeriesOut,
        status=201,
    ),
    Operation(
        "GET", "/slots/{slot_id}", "One slot with its seats", "slots", get_slot, answer=SlotOut
    ),
    Operation(
        "PATCH",
        "/slots/{slot_id}",
        "Change a slot's capacity (never below the seats taken)",
        "slots",
        update_slot,
        None,
        CapacityIn,
        SlotOut,
        errors=(401, 404, 422),
    ),
    Operation(
        "GET",
        "/slots/{slot_id}/attendees",
        "The people holding (or who held) a seat of the slot, by seat",
        "slots",
        slot_attendees,
        answer=AttendeesOut,
    ),
    Operation(
        "POST",
        "/slots/{slot_id}/message",
        "Message everyone holding a seat of the slot (through the outbox)",
        "slots",
        message_slot,
        None,
        MessageIn,
        SlotMessageOut,
        errors=(401, 404, 422),
    ),
    Operation(
        "DELETE",
        "/slots/{slot_id}",
        "Delete a free, coming slot",
        "slots",
        delete_slot_route,
        status=204,
        errors=(404, 409),
    ),
]

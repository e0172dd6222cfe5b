"""Who answers for a candidate: the recruiter of their active booking, else their city's active
recruiters; a candidate none of them covers is the admins' (the panel's inbox). And who may see
a candidate's conversation: an account limited to cities sees those cities' candidates; a
recruiter in the chat, their cities' and those booked with them."""

from __future__ import annotations

from core.enums import SlotPurpose
from domain.pipeline.directory import in_scope
from storage.dto import RecruiterDTO
from storage.models import Candidate
from storage.uow import UnitOfWork


async def booking_recruiter_id(uow: UnitOfWork, candidate_id: int) -> int | None:
    """The recruiter of the candidate's active booking (an intro day before an interview)."""
    for purpose in (SlotPurpose.INTRO_DAY, SlotPurpose.INTERVIEW):
        booking = await uow.bookings.active_for_candidate(candidate_id, purpose)
        if booking is not None:
            slot = await uow.slots.get(booking.slot_id)
            if slot is not None:
                return slot.recruiter_id
    return None


async def answering_recruiters(uow: UnitOfWork, candidate: Candidate) -> list[RecruiterDTO]:
    """Who is told when the candidate writes: active and linked to a chat. Empty: the admins."""
    booked_with = await booking_recruiter_id(uow, candidate.id)
    if booked_with is not None:
        recruiter = await uow.recruiters.get_dto(booked_with)
        if recruiter is not None and recruiter.active and recruiter.telegram_chat_id is not None:
            return [recruiter]
    if candidate.city_id is None:
        return []
    return await city_recruiters(uow, candidate.city_id)


async def city_recruiters(uow: UnitOfWork, city_id: int) -> list[RecruiterDTO]:
    """The city's recruiters who can be told in the chat: active, and linked to one."""
    return [r for r in await uow.recruiters.list_active_for_city(city_id) if r.telegram_chat_id]


async def recruiter_may_see(uow: UnitOfWork, recruiter_id: int, candidate: Candidate) -> bool:
    """A recruiter reads and answers candidates of their cities, and those booked with them."""
    if candidate.city_id is not None and candidate.city_id in await uow.recruiters.city_ids(
        recruiter_id
    ):
        return True
    return await booking_recruiter_id(uow, candidate.id) == recruiter_id


async def visible_candidate(
    uow: UnitOfWork, candidate_id: int, city_ids: frozenset[int] | None
) -> Candidate | None:
    """The candidate, when someone limited to `city_ids` (None: every city) may see them."""
    candidate = await uow.candidates.get(candidate_id)
    if candidate is None or not in_scope(candidate.city_id, city_ids):
        return None
    return candidate

"""Where in a candidate's journey (or a recruiter's day) each shipped message belongs: the one
map the Templates page groups and orders its messages by. A new template key needs a stage
here (a unit test checks every shipped key has one)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# The stages in the order a candidate meets them; the recruiter's messages and the rest last.
STAGES = (
    "start",
    "screening",
    "booking",
    "outcome",
    "test2",
    "intro_day",
    "recruiter",
    "other",
)

_KEYS_BY_STAGE: dict[str, tuple[str, ...]] = {
    "start": (
        "consent",
        "welcome",
        "choose_language",
        "choose_city",
        "city_not_found",
        "city_missing_ask",
        "city_wait_listed",
        "city_chosen",
        "vacancy_applying",
        "vacancy_switched",
        "vacancy_choose",
        "vacancy_closed",
        "vacancy_current",
        "vacancies_overview",
        "vacancies_none",
    ),
    "screening": (
        "question",
        "answer_invalid",
        "screening_rejected",
        "screening_passed",
        "screening_summary",
        "final_screening_failed",
        "already_done",
    ),
    "booking": (
        "choose_recruiter",
        "choose_day",
        "choose_time",
        "no_slots",
        "waitlist_joined",
        "waitlist_offer",
        "waitlist_gone",
        "contact_requested",
        "booking_requested",
        "booking_confirmed",
        "booking_summary",
        "no_booking",
        "ask_cancel_reason",
        "booking_canceled",
        "reschedule_pick",
        "booking_moved",
        "booking_declined",
        "booking_move_requested",
        "booking_move_pending",
        "booking_move_declined",
        "booking_move_expired",
        "booking_rejected",
        "booking_canceled_by_recruiter",
        "booking_another_time",
        "booking_expired",
        "reminder",
        "reminder_confirm",
        "coming_ack",
        "cant_come_ack",
        "calendar_cancel",
        "what_interview",
        "what_intro_day",
    ),
    "outcome": (
        "no_show",
        "no_show_passed_on",
        "interview_failed",
        "final_no_show",
        "final_interviewed_failed",
    ),
    "test2": (
        "test2_invite",
        "test2_question",
        "test2_wrong",
        "test2_passed",
        "test2_failed",
        "final_test2_failed",
    ),
    "intro_day": ("intro_day_booked", "final_hired", "final_not_hired"),
    "recruiter": (
        "recruiter_linked",
        "recruiter_new_booking",
        "recruiter_booking_card",
        "recruiter_candidate_coming",
        "recruiter_candidate_cant_come",
        "recruiter_booking_canceled",
        "recruiter_booking_canceled_in_panel",
        "recruiter_booking_expired",
        "recruiter_move_expired",
        "recruiter_no_show_wrote",
        "recruiter_inbound",
        "recruiter_thread",
        "contact_request_for_recruiter",
        "agenda_today",
        "agenda_week",
        "agenda_empty",
        "agenda_line",
        "attendance_prompt",
        "attendance_prompt_event",
        "result_prompt",
        "daily_digest",
        "slots_menu",
        "slot_pick_city",
        "slot_pick_day",
        "slot_pick_time",
        "slot_created",
        "series_ask",
        "series_preview",
        "series_created",
        "free_slots",
        "free_slots_empty",
        "booked_slot_line",
        "slot_deleted",
    ),
    "other": ("final_withdrawn", "staff_reply", "inbound_received", "inbound_kept"),
}

STAGE_OF: Mapping[str, str] = MappingProxyType(
    {key: stage for stage, keys in _KEYS_BY_STAGE.items() for key in keys}
)


def stage_of(key: str) -> str:
    """The stage a message belongs to; a key missing from the map shows under "other" rather
    than vanish from the page (the unit test keeps the map complete)."""
    return STAGE_OF.get(key, "other")


def group_by_stage(keys: list[str]) -> list[tuple[str, list[str]]]:
    """The keys under their stages, in the journey's order; a stage with no key is left out.
    Keys keep their given order inside a stage."""
    grouped: dict[str, list[str]] = {stage: [] for stage in STAGES}
    for key in keys:
        grouped[stage_of(key)].append(key)
    return [(stage, found) for stage, found in grouped.items() if found]

"""The panel's human names for stored values, from the locale catalogs in the request's
language: candidate and booking statuses, the funnel's stages, who made a change."""

from __future__ import annotations

from typing import Any

from admin.locale import current_catalog, current_locale
from core.enums import CandidateStatus
from domain.screening.first_test import KNOCKED_OUT_REASON

# Who made a change, by the kind the domain resolves an actor to (domain.pipeline.directory
# actor_name): a name as it is, or a catalog text with {name} (the recruiter's name or the
# account's login) and {actor} (the raw value).
ACTOR_LABELS: dict[str, str | None] = {
    "recruiter": None,
    "admin": None,
    "api_token": "panel.actor.api_token",
    "candidate": "panel.actor.candidate",
    "system": "panel.actor.system",
    "gone": "panel.actor.gone",
    "other": None,
}
TIMES_IN = "panel.times_in"
UTC_TIME = "%Y-%m-%d %H:%M UTC"
# The funnel's stages (domain.reporting.dashboard.STAGES), by the name the domain gives them.
STAGE_KEYS = {
    "Started": "panel.stage.started",
    "Passed screening": "panel.stage.passed_screening",
    "Booked an interview": "panel.stage.booked_interview",
    "Came to the interview": "panel.stage.came_to_interview",
    "Passed the interview": "panel.stage.passed_interview",
    "Intro day": "panel.stage.intro_day",
    "Came to the intro day": "panel.stage.came_to_intro_day",
    "Hired": "panel.stage.hired",
}


def say(key: str, **values: Any) -> str:
    """A catalog text in the request's language (for filters, which have no request)."""
    return current_catalog().text(key, current_locale(), **values)


def known(key: str) -> bool:
    """Whether the catalogs hold `key`."""
    return current_catalog().has(key)


def status_label(status: str | None) -> str:
    """A candidate status's human name; an unknown value is shown as stored."""
    if status is None:
        return "—"
    key = f"panel.status.{status}"
    return say(key) if known(key) else str(status).replace("_", " ")


def booking_status_label(status: str | None) -> str:
    """A booking's status as people read it; an unknown value as stored."""
    if status is None:
        return "—"
    key = f"panel.booking.{status}"
    return say(key) if known(key) else str(status).replace("_", " ")


def stage_label(name: str) -> str:
    key = STAGE_KEYS.get(name)
    return say(key) if key else name


def statuses() -> list[tuple[str, str]]:
    """Every status with its name, in the pipeline's order (a form's choices)."""
    return [(s.value, status_label(s.value)) for s in CandidateStatus]


def ordered_statuses(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Counts by status in the pipeline's order (the enum's), unknown values last."""
    order = {s.value: n for n, s in enumerate(CandidateStatus)}
    return sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def actor_label(kind: str, name: str | None, actor: str) -> str:
    """A history's "by" column: a name, not "recruiter:1"."""
    if kind in ("recruiter", "admin", "api_token") and name is None:
        kind = "gone"
    if kind not in ACTOR_LABELS:
        kind = "other"
    key = ACTOR_LABELS[kind]
    if key is None:
        return name if kind in ("recruiter", "admin") and name is not None else actor
    return say(key, name=name, actor=actor)


def label(value: str | None, prefix: str) -> str:
    """A stored value of a kind (`prefix`: "panel.purpose", "panel.delivery"...) as people
    read it; an unknown value as stored, its underscores as spaces."""
    if value is None:
        return "—"
    key = f"{prefix}.{value}"
    return say(key) if known(key) else str(value).replace("_", " ")


# Reasons the system writes into a history (in English, as stored), by their catalog key.
SYSTEM_REASONS = {KNOCKED_OUT_REASON: "reason.status.knocked_out"}


def history_reason(reason: str | None) -> str:
    """A history's reason: a person's words as written, the system's in the reader's language."""
    if not reason:
        return ""
    key = SYSTEM_REASONS.get(reason)
    return say(key) if key else reason


def sent_kind(kind: str | None) -> str:
    """What the bot sent, as people read it ("a reminder", "a broadcast"); nothing for a kind
    without a name (the message's text says what it is)."""
    key = f"panel.sent_kind.{kind}"
    return say(key) if kind and known(key) else ""

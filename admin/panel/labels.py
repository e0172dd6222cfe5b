"""The panel's human names for stored values, in one table (the panel is English today; a
translation of the panel replaces these tables per language)."""

from __future__ import annotations

from core.enums import CandidateStatus

S = CandidateStatus

STATUS_LABELS: dict[str, str] = {
    S.NEW: "New",
    S.SCREENING: "In screening",
    S.SCREENING_FAILED: "Failed screening",
    S.SCREENING_PASSED: "Passed screening",
    S.INTERVIEW_REQUESTED: "Interview requested",
    S.INTERVIEW_SCHEDULED: "Interview scheduled",
    S.INTERVIEW_CONFIRMED: "Interview confirmed",
    S.INTERVIEWED_PASSED: "Passed the interview",
    S.INTERVIEWED_FAILED: "Failed the interview",
    S.NO_SHOW: "Did not come",
    S.TEST2_PASSED: "Passed test 2",
    S.TEST2_FAILED: "Failed test 2",
    S.INTRO_DAY_SCHEDULED: "Intro day scheduled",
    S.HIRED: "Hired",
    S.NOT_HIRED: "Not hired",
    S.WITHDRAWN: "Withdrew",
}
# Who made a change, by the kind the domain resolves an actor to (domain.pipeline.directory
# actor_name); {name} is the recruiter's name or the account's login, {actor} the raw value.
ACTOR_LABELS: dict[str, str] = {
    "recruiter": "{name}",
    "admin": "{name}",
    "api_token": "{name} (API token)",
    "candidate": "Candidate",
    "system": "System",
    "gone": "{actor} (deleted)",
    "other": "{actor}",
}
TIMES_IN = "Times in {zone}"
UTC_TIME = "%Y-%m-%d %H:%M UTC"


def status_label(status: str | None) -> str:
    """A candidate status's human name; an unknown value is shown as stored."""
    if status is None:
        return "—"
    return STATUS_LABELS.get(str(status), str(status).replace("_", " "))


def ordered_statuses(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Counts by status in the pipeline's order (the enum's), unknown values last."""
    order = {s.value: n for n, s in enumerate(CandidateStatus)}
    return sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def actor_label(kind: str, name: str | None, actor: str) -> str:
    """A history's "by" column: a name, not "recruiter:1"."""
    if kind in ("recruiter", "admin", "api_token") and name is None:
        kind = "gone"
    template = ACTOR_LABELS.get(kind, ACTOR_LABELS["other"])
    return template.format(name=name, actor=actor)

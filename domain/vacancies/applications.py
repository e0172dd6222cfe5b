"""Applying to a vacancy. A person (one Telegram account) may apply to several; each
application is its own candidate row with its own status, history, results and bookings. The
one the person goes through now is current: the bot reads and writes that one."""

from __future__ import annotations

from core.enums import CandidateStatus
from domain.pipeline.journey import final_answer
from domain.records import Candidate
from storage.dto import VacancyDTO
from storage.uow import UnitOfWork

# What one application of a person carries over to a new one: who they are and how to reach
# them, never where they are in a pipeline.
_PERSON_FIELDS = (
    "telegram_id",
    "username",
    "full_name",
    "phone",
    "locale",
    "reachable",
    "consent",
    "consent_version",
    "consent_at",
)


async def applications_of(uow: UnitOfWork, candidate: Candidate) -> list[Candidate]:
    """Every application of the person `candidate` is one of (`candidate` among them)."""
    return await uow.vacancies.applications_of(candidate.telegram_id)


async def apply(
    uow: UnitOfWork, current: Candidate, vacancy: VacancyDTO, *, source: str | None = None
) -> Candidate:
    """Make the person's application to `vacancy` the current one, creating it if they have
    none: the current application itself when it has no vacancy yet, else a new row (status
    new; the city kept when the vacancy is in it). The caller commits."""
    if current.vacancy_id == vacancy.id:
        return current
    if current.vacancy_id is None and current.status is CandidateStatus.NEW:
        current.vacancy_id = vacancy.id
        if current.city_id is not None and current.city_id not in vacancy.city_ids:
            current.city_id = None
        if current.source is None:
            current.source = source
        return current
    existing = next(
        (a for a in await applications_of(uow, current) if a.vacancy_id == vacancy.id), None
    )
    if existing is not None:
        return await uow.candidates.hand_over_current(current, existing)
    fresh = Candidate(
        **{field: getattr(current, field) for field in _PERSON_FIELDS},
        vacancy_id=vacancy.id,
        city_id=current.city_id if current.city_id in vacancy.city_ids else None,
        source=source,
        status=CandidateStatus.NEW,
    )
    return await uow.candidates.hand_over_current(current, fresh)


async def switch_to(uow: UnitOfWork, current: Candidate, application_id: int) -> Candidate | None:
    """Make another of the person's applications the current one (None: not theirs). The
    caller commits."""
    if application_id == current.id:
        return current
    target = next((a for a in await applications_of(uow, current) if a.id == application_id), None)
    if target is None:
        return None
    return await uow.candidates.hand_over_current(current, target)


async def application_for_message(
    uow: UnitOfWork, current: Candidate, chat_id: int, message_id: int
) -> Candidate:
    """The application a message of the bot in the person's chat was sent for (its buttons
    pressed, or replied to): when it is another of the person's applications (not erased),
    the update acts on it, and when that application's journey goes on it becomes current, so
    the steps after it do too (one whose journey ended, a rejection replied to, is not made
    current: the person's application under way stays so). Any other message (sent for the
    current one, for no application, or not through the outbox) leaves the current one. One
    indexed read; commits only a switch."""
    sent = await uow.notifications.relayed_as(chat_id, message_id)
    if sent is None or sent.candidate_id is None or sent.candidate_id == current.id:
        return current
    other = await uow.candidates.get(sent.candidate_id)
    if other is None or other.telegram_id != current.telegram_id or other.erased_at is not None:
        return current
    if final_answer(other) is not None:
        return other
    switched = await uow.candidates.hand_over_current(current, other)
    await uow.commit()
    return switched

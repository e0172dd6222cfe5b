"""Candidates arriving from a link."""

from __future__ import annotations

from core.settings import SUPPORTED_LOCALES
from domain.privacy.states import AGREED
from storage.dto import CandidateDTO
from storage.models import Candidate
from storage.uow import UnitOfWork


async def register_candidate(
    uow: UnitOfWork,
    *,
    telegram_id: int,
    username: str | None,
    locale: str,
    source: str | None,
) -> CandidateDTO:
    """Find or create the candidate; the first source seen is kept. Commits."""
    found = await uow.candidates.get_by_telegram_id(telegram_id)
    candidate = await arrive(
        uow,
        found,
        telegram_id=telegram_id,
        username=username,
        locale=locale,
        source=source,
    )
    return CandidateDTO.model_validate(candidate)


async def arrive(
    uow: UnitOfWork,
    candidate: Candidate | None,
    *,
    telegram_id: int,
    username: str | None,
    locale: str,
    source: str | None,
) -> Candidate:
    """Create the candidate for this account, or mark the one already read (`candidate`, this
    unit's own copy) as reachable again; the first source seen is kept. The Telegram profile
    (`username`, the name) is personal: kept only once the candidate agreed to its
    processing (`domain.privacy.consent.agree` keeps it then). Commits."""
    if candidate is None:
        candidate = uow.candidates.add(
            Candidate(telegram_id=telegram_id, locale=locale, source=source)
        )
    else:
        if candidate.consent == AGREED:
            candidate.username = username
        if not candidate.reachable:  # back: every application of theirs
            await uow.candidates.set_reachable(telegram_id, True)
        if candidate.source is None and source is not None:
            candidate.source = source
    await uow.commit()
    return candidate


async def candidate_for(uow: UnitOfWork, telegram_id: int) -> Candidate | None:
    """The candidate writing from this Telegram account, if they have started."""
    return await uow.candidates.get_by_telegram_id(telegram_id)


async def candidate_by_id(uow: UnitOfWork, candidate_id: int) -> Candidate | None:
    return await uow.candidates.get(candidate_id)


async def choose_language(uow: UnitOfWork, candidate: Candidate, locale: str) -> bool:
    """Speak to the candidate in `locale` from now on, if it is one we speak. Commits."""
    if locale not in SUPPORTED_LOCALES:
        return False
    candidate.locale = locale
    await uow.commit()
    return True

"""Consent to the processing of personal data: its text (a template, per locale, with the
privacy policy's address), the text's version (a hash of it as shown in every language: a
changed text or address is a new version, asked again at the next contact; changing one's
language is not), Agree and Decline."""

from __future__ import annotations

import hashlib

from core.settings import SUPPORTED_LOCALES
from domain.bookings.booking import Messaging
from domain.messaging.rendering import render
from domain.messaging.texts import Catalog, render_message
from domain.privacy.erasure import erase_person
from domain.privacy.states import AGREED, DECLINED, PRIOR
from domain.records import Candidate
from domain.vacancies.applications import applications_of
from storage.uow import UnitOfWork

CONSENT_KEY = "consent"


def version_of(texts: list[str]) -> str:
    return hashlib.sha256("\n\x00".join(texts).encode()).hexdigest()[:16]


async def consent_text(uow: UnitOfWork, m: Messaging, locale: str) -> str:
    return await render_message(
        uow, m.catalog, CONSENT_KEY, locale, None, policy_url=m.privacy_policy_url
    )


async def current_version(uow: UnitOfWork, m: Messaging) -> str:
    return version_of([await consent_text(uow, m, locale) for locale in SUPPORTED_LOCALES])


def shipped_version(catalog: Catalog, policy_url: str = "") -> str:
    """The version of the shipped consent texts (no admin's override)."""
    values = {"policy_url": policy_url}
    return version_of(
        [
            render(catalog.shipped_template(CONSENT_KEY, locale), values)
            for locale in SUPPORTED_LOCALES
        ]
    )


async def needs_consent(uow: UnitOfWork, m: Messaging, candidate: Candidate) -> bool:
    """True until the candidate agreed to the consent text shown now in their language."""
    if candidate.consent != AGREED or candidate.erased_at is not None:
        return True
    return candidate.consent_version != await current_version(uow, m)


async def agree(
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    *,
    username: str | None,
    full_name: str | None,
) -> None:
    """Record the agreement to the text shown now, for each of the person's applications (it
    is the person who agrees); only now is the Telegram profile kept. Commits."""
    version = await current_version(uow, m)
    for application in {*await applications_of(uow, candidate), candidate}:
        application.consent = AGREED
        application.consent_version = version
        application.consent_at = m.clock.now()
    candidate.username = username
    if candidate.full_name is None:
        candidate.full_name = full_name
    await uow.commit()


def withdrawal_needs_confirming(candidate: Candidate) -> bool:
    """A Decline from someone who had agreed, or whose data was collected before consent was
    asked (`PRIOR`), withdraws and erases what they gave: it is confirmed first, as /forgetme
    is. A first Decline keeps nothing and needs no confirming."""
    return candidate.consent in (AGREED, PRIOR) and candidate.erased_at is None


def consent_label(catalog: Catalog, state: str | None, locale: str) -> str:
    """The consent state in words, for the candidate's copy, the panel and the API."""
    return catalog.text(f"consent.state.{state or 'none'}", locale)


async def decline(uow: UnitOfWork, m: Messaging, candidate: Candidate) -> None:
    """Record the refusal. Someone who had agreed before withdraws it: what they gave is
    erased. Only the Telegram id stays, so that the bot does not ask again unprompted.
    Commits."""
    if withdrawal_needs_confirming(candidate):
        await erase_person(uow, m, candidate, actor="candidate", reason="consent declined")
    candidate.consent = DECLINED
    candidate.consent_version = await current_version(uow, m)
    candidate.consent_at = m.clock.now()
    candidate.username = None
    candidate.full_name = None
    await uow.commit()

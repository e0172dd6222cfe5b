"""Linking a recruiter's Telegram chat through a one-time invite link (never by typing a name)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from core.clock import Clock
from core.errors import AppError, NotFound
from core.result import Failure, Result, Success
from storage.dto import RecruiterDTO
from storage.models import RecruiterInvite
from storage.uow import UnitOfWork

INVITE_PREFIX = "rec_"
DEFAULT_TTL = timedelta(hours=72)


class InviteRefused(AppError):
    """Used, expired or unknown: the three are told apart for the person who opens it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.message_key = f"recruiter.invite_{reason}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_invite(
    uow: UnitOfWork,
    recruiter_id: int,
    clock: Clock,
    ttl: timedelta = DEFAULT_TTL,
    *,
    actor: str = "admin",
) -> Result[str, NotFound]:
    """A new invite for the recruiter; returns the /start payload. Commits."""
    recruiter = await uow.recruiters.get(recruiter_id)
    if recruiter is None:
        return Failure(NotFound(f"recruiter {recruiter_id}"))
    token = secrets.token_urlsafe(24)
    uow.recruiters.add_invite(
        RecruiterInvite(
            recruiter_id=recruiter_id, token_hash=_hash(token), expires_at=clock.now() + ttl
        )
    )
    uow.audit.record(actor=actor, action="invite", entity="recruiter", entity_id=recruiter_id)
    await uow.commit()
    return Success(INVITE_PREFIX + token)


def invite_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


async def redeem_invite(
    uow: UnitOfWork, payload: str, chat_id: int, clock: Clock, locale: str | None = None
) -> Result[RecruiterDTO, InviteRefused]:
    """Link the opener's chat to the invite's recruiter, once, in the chat's language (`locale`,
    from Telegram's; changed later by /lang). Commits."""
    invite = await uow.recruiters.get_invite(_hash(payload.removeprefix(INVITE_PREFIX)))
    if invite is None:
        return Failure(InviteRefused("unknown"))
    if invite.used_at is not None:
        return Failure(InviteRefused("used"))
    if invite.expires_at <= clock.now():
        return Failure(InviteRefused("expired"))
    recruiter = await uow.recruiters.get_with_cities(invite.recruiter_id)
    if recruiter is None or not recruiter.active:
        return Failure(InviteRefused("unknown"))
    previous = await uow.recruiters.get_by_chat_id(chat_id)
    if previous is not None and previous.id != recruiter.id:
        await uow.recruiters.unlink_chat(previous.id)  # one chat serves one recruiter
    invite.used_at = clock.now()
    invite.used_by_chat_id = chat_id
    recruiter.telegram_chat_id = chat_id
    if locale is not None:
        recruiter.locale = locale
    uow.audit.record(
        actor=f"chat:{chat_id}", action="link", entity="recruiter", entity_id=recruiter.id
    )
    await uow.commit()
    dto = await uow.recruiters.get_dto(recruiter.id)
    assert dto is not None
    return Success(dto)

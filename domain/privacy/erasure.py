"""Erasing a person's personal data, asked by themselves (`/forgetme`, or declining consent),
by an admin (panel, API, with a reason) or by the retention limit. The candidate row stays,
anonymous, with its status and milestones, so the funnel and the reports count it as before;
their bookings are cancelled the way any cancellation is (recruiters told, slots offered on),
and what is queued for them is dropped. The audit log says who erased whom and why, never
what was erased."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from core.enums import BookingStatus, SlotPurpose
from core.errors import Conflict, InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.bookings.booking import Messaging, release_booking
from domain.records import Candidate
from domain.vacancies.applications import applications_of
from storage.uow import UnitOfWork

MAX_REASON = 500
ERASE_ACTION = "erase"  # the audit log's action
# What erasure does to each table holding a person's rows (`storage`'s personal tables, found
# by foreign keys): a table added there must be named here (a test checks), with a decision.
TABLES: dict[str, str] = {
    "candidates": "personal fields cleared; the row stays, anonymous, with its status",
    "candidate_status_history": "reasons cleared; the changes stay (reports count them)",
    "bookings": "active ones cancelled (recruiters told, slots offered on); reasons cleared",
    "booking_history": "reasons cleared",
    "notifications": "queued ones to or about them dropped; every text blanked",
    "notification_subjects": "kept; in the texts of the messages they link (to others, naming"
    " several) the person's name, @username and phone become #id",
    "test_results": "kept: scores, no words",
    "test_answers": "answers blanked",
    "waitlist_entries": "deleted",
    "contact_requests": "what they wrote cleared",
    "inbound_messages": "deleted, media references with them",
    "candidate_notes": "deleted",
    "candidate_tags": "kept: the organisation's labels, no words of the person",
}
RECRUITER_CANCELED_KEY = "recruiter_booking_canceled"


def anonymous_telegram_id(candidate_id: int) -> int:
    """Telegram ids are positive: the erased row keeps a number no account can write from."""
    return -candidate_id


def redaction(candidate: Candidate) -> Callable[[str], str]:
    """What takes the person out of a text naming others too: their name, @username, phone
    (with and without its +) and Telegram id become #id, whole words only, so other names stay
    intact."""
    # The Telegram id too: a line shows it for someone with no name or username.
    values = [candidate.full_name, candidate.username, candidate.phone, str(candidate.telegram_id)]
    if candidate.phone:
        values.append(candidate.phone.lstrip("+"))
    if candidate.username:
        values.append(f"@{candidate.username}")
    plain = {v.strip() for v in values if v and v.strip()}
    # As the text shows them: rendered templates escape what they quote.
    words = sorted(plain | {escape(v, quote=False) for v in plain}, key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile(
        r"(?<![\w@+])(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    mark = f"#{candidate.id}"
    return lambda text: pattern.sub(mark, text)


async def erase_now(
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    *,
    actor: str,
    reason: str,
    admin_user_id: int | None = None,
) -> bool:
    """Erase; the caller commits. False (and nothing done) when the person is erased already,
    by anyone, even by another process meanwhile."""
    data = uow.personal_data
    if not await data.claim_erasure(candidate.id, m.clock.now()):
        return False
    chat_id = candidate.telegram_id
    anonymous = anonymous_telegram_id(candidate.id)
    await data.redact_where_named(candidate.id, redaction(candidate))
    await data.cancel_pending_messages(candidate.id, chat_id)
    await data.blank_messages(candidate.id, chat_id, anonymous)
    # Recruiters are told of the cancelled bookings under a number, never the name.
    candidate.full_name = f"#{candidate.id}"
    candidate.username = None
    for purpose in (SlotPurpose.INTRO_DAY, SlotPurpose.INTERVIEW):
        booking = await uow.bookings.active_for_candidate(candidate.id, purpose)
        if booking is not None:
            await release_booking(
                uow,
                m,
                candidate,
                booking,
                to=BookingStatus.CANCELED,
                reason="personal data erased",
                recruiter_key=RECRUITER_CANCELED_KEY,
                actor=actor,
                calendar=False,  # to be forgotten: nothing more is sent
            )
    await data.cancel_pending_to(chat_id)  # what the cancellations owed the candidate
    await data.remove_words(candidate.id)
    candidate.full_name = None
    candidate.phone = None
    candidate.wanted_city = None
    candidate.telegram_id = anonymous
    candidate.reachable = False
    candidate.erased_at = m.clock.now()
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action=ERASE_ACTION,
        entity="candidate",
        entity_id=candidate.id,
        details={"reason": reason},
    )
    return True


async def erase_person(
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    *,
    actor: str,
    reason: str,
    admin_user_id: int | None = None,
) -> int:
    """Erase the person `candidate` is an application of: every application they made (one
    Telegram account), each as `erase_now` does. The caller commits. How many applications
    were erased now (0: none was left to erase)."""
    applications = [candidate]
    if candidate.erased_at is None:
        applications += [a for a in await applications_of(uow, candidate) if a is not candidate]
    erased = 0
    for application in applications:
        if application.erased_at is None:
            erased += await erase_now(
                uow, m, application, actor=actor, reason=reason, admin_user_id=admin_user_id
            )
    return erased


async def erase_candidate(
    uow: UnitOfWork,
    m: Messaging,
    candidate_id: int,
    *,
    actor: str,
    reason: str,
    admin_user_id: int | None = None,
) -> Result[int, NotFound | InvalidField | Conflict]:
    """An admin's erasure: a reason is required. Commits."""
    words = reason.strip()
    if not words:
        return Failure(InvalidField("reason", "reason.required"))
    if len(words) > MAX_REASON:
        return Failure(InvalidField("reason", "reason.at_most_characters", max=MAX_REASON))
    candidate = await uow.candidates.get(candidate_id)
    if candidate is None:
        return Failure(NotFound("candidate"))
    erased = candidate.erased_at is None and await erase_person(
        uow, m, candidate, actor=actor, reason=words, admin_user_id=admin_user_id
    )
    if not erased:
        return Failure(Conflict("reason.privacy.erased_already"))
    await uow.commit()
    return Success(candidate.id)


async def forget_me(uow: UnitOfWork, m: Messaging, candidate: Candidate) -> None:
    """The person's own erasure (`/forgetme`, confirmed). Commits."""
    if candidate.erased_at is None:
        await erase_person(uow, m, candidate, actor="candidate", reason="asked by the candidate")
        await uow.commit()

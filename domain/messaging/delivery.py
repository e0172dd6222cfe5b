"""How a queued message's attempt ends: sent, tried again later, given up, or its recipient
unreachable. The sender (`scheduler.outbox_delivery`) talks to Telegram and reports here."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.enums import NotificationStatus
from domain.bookings.reminders import REMINDERS
from domain.records import Notification
from storage.uow import UnitOfWork

MAX_ATTEMPTS = 5
REMINDER_KINDS = frozenset(kind for kind, _before, _asks in REMINDERS)


async def claim(
    uow: UnitOfWork, now: datetime, worker: str, lease: timedelta, limit: int
) -> list[Notification]:
    """Take up to `limit` due messages for one worker until `now + lease`: no other worker takes
    them meanwhile, and they come free again if this one dies."""
    return await uow.notifications.claim_due(now, worker, lease, limit)


async def renew(uow: UnitOfWork, ids: list[int], worker: str, until: datetime) -> None:
    """Keep holding messages a slow pass has not reached yet."""
    await uow.notifications.extend_lease(ids, worker, until)


async def still_mine(uow: UnitOfWork, row: Notification, worker: str) -> bool:
    """Whether a claimed message may still be sent by `worker`: asked just before sending it,
    since a pause of its auto-message takes back (holds) what a pass has claimed but not sent."""
    return await uow.notifications.is_claimed_by(row.id, worker)


async def hand_back(uow: UnitOfWork, ids: list[int], worker: str) -> None:
    """Give back messages a stopping worker will not send."""
    await uow.notifications.release_claim(ids, worker)


async def next_due(uow: UnitOfWork) -> datetime | None:
    """When the sender next has work: the earliest pending message or lease to run out."""
    return await uow.notifications.next_due_at()


def backoff(attempts: int) -> timedelta:
    """How long a message that failed `attempts` times waits before the next try."""
    return timedelta(seconds=2 ** (attempts + 1))


async def record_sent(
    uow: UnitOfWork, row: Notification, now: datetime, message_id: int | None = None
) -> None:
    """`message_id`: the Telegram message it went out as, so a reply to it can be traced."""
    await uow.notifications.settle(
        row.id, NotificationStatus.SENT, sent_at=now, sent_message_id=message_id
    )


async def drop_if_started(uow: UnitOfWork, row: Notification, now: datetime) -> bool:
    """A reminder for a booking that has started is dropped, not sent late."""
    if row.kind not in REMINDER_KINDS or row.booking_id is None:
        return False
    booking = await uow.bookings.get(row.booking_id)
    slot = await uow.slots.get(booking.slot_id) if booking else None
    if slot is None or slot.starts_at > now:
        return False
    await uow.notifications.settle(
        row.id,
        NotificationStatus.CANCELED,
        error="dropped: the booking had already started",
        attempted=False,
    )
    return True


async def record_retry(
    uow: UnitOfWork,
    row: Notification,
    now: datetime,
    error: str,
    *,
    wait: timedelta | None = None,
    counted: bool = True,
    text_sent: bool = False,
) -> NotificationStatus:
    """Try again after `wait` (Telegram's own, or the backoff), unless this was the last of
    `MAX_ATTEMPTS` counted attempts: then it is kept as failed; a row held (its auto-message
    paused) during the attempt stays held. What the row became."""
    attempts = row.attempts + (1 if counted else 0)
    status = NotificationStatus.FAILED if attempts >= MAX_ATTEMPTS else NotificationStatus.PENDING
    current = await uow.notifications.get(row.id)
    if (
        status is NotificationStatus.PENDING
        and current
        and current.status is NotificationStatus.HELD
    ):
        status = NotificationStatus.HELD  # paused while this attempt was under way: stays held
    await uow.notifications.settle(
        row.id,
        status,
        error=error,
        due_at=now + (wait or backoff(row.attempts))
        if status is NotificationStatus.PENDING
        else None,
        attempted=counted,
        text_sent=text_sent,
    )
    return status


async def record_unreachable(uow: UnitOfWork, row: Notification, error: str) -> None:
    """The recipient blocked the bot: nothing more is sent to them until they come back."""
    await uow.notifications.settle(row.id, NotificationStatus.UNREACHABLE, error=error)
    await uow.notifications.cancel_pending_for_recipient(row.recipient_chat_id)
    if row.candidate_id is not None:
        candidate = await uow.candidates.get(row.candidate_id)
        # A message about the candidate to a recruiter who blocked the bot leaves them be.
        if candidate is not None and candidate.telegram_id == row.recipient_chat_id:
            # the person blocked the bot: every application of theirs (a broadcast reaching
            # another one would write to them again)
            await uow.candidates.set_reachable(candidate.telegram_id, False)

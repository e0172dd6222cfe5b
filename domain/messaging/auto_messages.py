"""Auto-messages an admin defines: a broadcast to an audience at a time, or a trigger that
writes to each candidate who reaches a condition. Every message is an outbox row under a
dedupe key (auto message + person: a person applying to two vacancies matched by the audience
is written to once), so a run repeated after a restart adds nothing twice,
and the sender's pace and limits apply. Progress is counted from those rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from core.clock import Clock
from core.enums import (
    AutoMessageKind,
    AutoMessageState,
    AutoMessageTrigger,
    CandidateStatus,
    NotificationStatus,
)
from core.errors import NotFound
from core.result import Failure, Result, Success
from domain.messaging.audience import (
    InvalidAutoMessage,
    audience_filter,
    checked_audience,
    recipient_key,
)
from domain.messaging.quiet_hours import in_quiet_hours
from domain.messaging.rendering import aside, render
from domain.messaging.templates import REASON_LOCALE, check_body
from domain.messaging.texts import Catalog
from domain.refusals import REQUIRED, refusal
from domain.scheduling.picker import BookingRules
from storage.models import AutoMessage
from storage.repositories.auto_messages import RecipientFilter
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

BATCH = 500
# What an auto-message's text (or shipped template) may use: it goes to many candidates at
# once, knowing only each one's name.
VARIABLES = frozenset({"name"})


def usable_template_keys(catalog: Catalog) -> list[str]:
    """The shipped templates an auto-message can send: those needing only the name."""
    keys = catalog.templates.get(catalog.default_locale, {})
    return sorted(key for key in keys if _shipped_problem(catalog, key) is None)


def _shipped_problem(catalog: Catalog, key: str) -> str | None:
    """Why the shipped template `key` cannot be an auto-message's text (in some language)."""
    for locale in catalog.templates:
        if problem := check_body(catalog, catalog.shipped_template(key, locale), VARIABLES).error:
            return problem
    return None


async def checked_body(
    catalog: Catalog, spec: dict[str, Any], reason_locale: str = REASON_LOCALE
) -> Result[tuple[str | None, str], InvalidAutoMessage]:
    """What an auto-message sends: (its own text, "custom") or (None, a usable shipped
    template's key); or the field that breaks a rule, a text's problem said in
    `reason_locale`."""
    key = str(spec.get("template_key") or "")
    body = spec.get("text")
    if isinstance(body, str) and body.strip():
        checked = await aside(check_body, catalog, body, VARIABLES, reason_locale)
        if (problem := checked.error) is not None:
            return Failure(InvalidAutoMessage("text", problem))
        return Success((body, key or "custom"))
    if key not in catalog.templates.get(catalog.default_locale, {}):
        return Failure(InvalidAutoMessage("template_key", "reason.auto_message.template_key"))
    if (problem := _shipped_problem(catalog, key)) is not None:
        # Most shipped texts speak of a booking, a test…: an auto-message has only the name.
        return Failure(
            refusal(
                "template_key",
                "reason.auto_message.needs_more",
                InvalidAutoMessage,
                problem=problem,
            )
        )
    return Success((None, key))


def body_in(catalog: Catalog, own_text: str | None, template_key: str, locale: str) -> str:
    """The template an auto-message sends to someone reading `locale`."""
    return own_text or catalog.shipped_template(template_key, locale)


@dataclass(frozen=True)
class Progress:
    queued: int
    sent: int
    failed: int
    unreachable: int
    pending: int

    @property
    def settled(self) -> int:
        """Messages the sender is done with: sent, failed or unreachable."""
        return self.sent + self.failed + self.unreachable


# A send time this far back is a mistake, not "now" (the form's minute, typed a moment ago).
PAST_GRACE = timedelta(minutes=5)
# A broadcast due this long without its run having queued anything is not waited for: the
# page stops refreshing (the scheduler's failure is in its log).
STILL_DUE = timedelta(minutes=10)


def still_sending(message: AutoMessage, done: Progress, now: datetime) -> bool:
    """Whether the list should keep refreshing its numbers: a broadcast due but not yet run,
    or messages queued and not yet settled. A paused one waits for its admin, not the sender;
    one due for longer than STILL_DUE that queued nothing is no longer waited for."""
    if message.state is AutoMessageState.PAUSED:
        return False
    due = (
        message.kind is AutoMessageKind.BROADCAST
        and message.state in (AutoMessageState.SCHEDULED, AutoMessageState.RUNNING)
        and message.send_at is not None
        and now - STILL_DUE < message.send_at <= now
    )
    return due or done.pending > 0


async def create_auto_message(
    uow: UnitOfWork,
    catalog: Catalog,
    spec: dict[str, Any],
    clock: Clock,
    *,
    actor: str = "api",
    admin_user_id: int | None = None,
    reason_locale: str = REASON_LOCALE,
) -> Result[AutoMessage, InvalidAutoMessage]:
    """Check an admin's definition field by field and store it scheduled; the audit row names
    `actor` (and the panel account, when there is one). Commits."""
    name = str(spec.get("name") or "").strip()
    if not name:
        return Failure(InvalidAutoMessage("name", REQUIRED))
    try:
        kind = AutoMessageKind(str(spec.get("kind")))
    except ValueError:
        return Failure(InvalidAutoMessage("kind", "reason.auto_message.kind"))
    body = await checked_body(catalog, spec, reason_locale)
    if isinstance(body, Failure):
        return body
    text, key = body.value
    audience = checked_audience(spec.get("audience"))
    if isinstance(audience, Failure):
        return audience
    message = AutoMessage(
        name=name[:200],
        kind=kind,
        template_key=key,
        audience={**audience.value, **({"text": text} if text is not None else {})},
        state=AutoMessageState.SCHEDULED,
    )
    if kind is AutoMessageKind.BROADCAST:
        try:
            send_at = (
                datetime.fromisoformat(str(spec["send_at"])) if spec.get("send_at") else clock.now()
            )
        except ValueError:
            return Failure(InvalidAutoMessage("send_at", "reason.auto_message.zoned_time"))
        if send_at.tzinfo is None:
            return Failure(InvalidAutoMessage("send_at", "reason.auto_message.zoned_time"))
        if send_at < clock.now() - PAST_GRACE:  # a time gone by: "now" is said by leaving it out
            return Failure(InvalidAutoMessage("send_at", "reason.auto_message.send_at_past"))
        message.send_at = send_at
    else:
        try:
            message.trigger = AutoMessageTrigger(str(spec.get("trigger")))
        except ValueError:
            return Failure(
                refusal(
                    "trigger",
                    "reason.auto_message.trigger",
                    InvalidAutoMessage,
                    triggers=", ".join(t.value for t in AutoMessageTrigger),
                )
            )
        hours = spec.get("after_hours")
        if not isinstance(hours, int) or isinstance(hours, bool) or not 0 < hours <= 24 * 90:
            return Failure(InvalidAutoMessage("after_hours", "reason.auto_message.after_hours"))
        message.trigger_after_hours = hours
    [message] = await uow.auto_messages.add_many([message])  # flushed: the audit needs its id
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="create",
        entity="auto_message",
        entity_id=message.id,
        details={"name": message.name, "kind": kind.value},
    )
    await uow.commit()
    return Success(message)


async def set_paused(
    uow: UnitOfWork,
    message_id: int,
    paused: bool,
    *,
    actor: str = "api",
    admin_user_id: int | None = None,
) -> Result[AutoMessage, NotFound]:
    """Pause: its messages not yet sent are held back, including those a sender has claimed
    but not sent; resume: they go out again. Audited; commits."""
    message = await uow.auto_messages.get_locked(message_id)  # a run under way finishes first
    if message is None:
        return Failure(NotFound("auto-message"))
    # A broadcast that has run stays done: pausing and resuming hold and release what it
    # queued, and never make it run again (it would reach everyone who joined since).
    if message.state is not AutoMessageState.DONE:
        if paused:
            message.state = AutoMessageState.PAUSED
        elif message.state is AutoMessageState.PAUSED:
            message.state = AutoMessageState.SCHEDULED
    # Pause holds everything not yet sent, also what a sender has claimed for its current pass
    # (SENDING): the sender asks before each row whether it still holds it (delivery.still_mine).
    sources, target = (
        ((NotificationStatus.PENDING, NotificationStatus.SENDING), NotificationStatus.HELD)
        if paused
        else ((NotificationStatus.HELD,), NotificationStatus.PENDING)
    )
    await uow.auto_messages.move_queued(message_id, sources, target)
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="pause" if paused else "resume",
        entity="auto_message",
        entity_id=message_id,
    )
    await uow.commit()
    return Success(message)


async def progress(uow: UnitOfWork, message_id: int) -> Progress:
    return (await progress_of(uow, [message_id]))[message_id]


async def progress_of(uow: UnitOfWork, message_ids: Sequence[int]) -> dict[int, Progress]:
    """Each message's progress, counted in one query for all of them."""
    counts: dict[int, Counter[str]] = {message_id: Counter() for message_id in message_ids}
    if counts:
        for message_id, status, n in await uow.auto_messages.count_queued(list(counts)):
            counts[message_id][status.value] = n
    return {
        message_id: Progress(
            queued=sum(c.values()),
            sent=c["sent"],
            failed=c["failed"],
            unreachable=c["unreachable"],
            pending=c["pending"] + c["sending"] + c["held"],
        )
        for message_id, c in counts.items()
    }


async def newest_with_progress(
    uow: UnitOfWork, limit: int = 200
) -> list[tuple[AutoMessage, Progress]]:
    """The newest messages, each with its progress: two queries however many there are."""
    messages = await uow.auto_messages.newest(limit)
    counted = await progress_of(uow, [m.id for m in messages])
    return [(m, counted[m.id]) for m in messages]


def _trigger_filter(message: AutoMessage, now: datetime) -> RecipientFilter:
    """The audience narrowed to those who have met the trigger's condition for its hours:
    passed screening and booked nothing, did not come, or have waited on a waitlist."""
    cutoff = now - timedelta(hours=message.trigger_after_hours or 0)
    audience = audience_filter(message.audience)
    if message.trigger is AutoMessageTrigger.SCREENING_PASSED_NO_BOOKING:
        return replace(
            audience,
            status=CandidateStatus.SCREENING_PASSED,
            status_changed_by=cutoff,
            without_active_booking=True,
        )
    if message.trigger is AutoMessageTrigger.NO_SHOW_FOLLOW_UP:
        return replace(audience, status=CandidateStatus.NO_SHOW, status_changed_by=cutoff)
    return replace(audience, waiting_since_by=cutoff)


async def run_auto_messages(
    uows: UnitOfWorkFactory, catalog: Catalog, clock: Clock, rules: BookingRules
) -> int:
    """Queue what is due: broadcasts whose time has come (once each), and trigger messages for
    candidates who now meet their condition. Returns how many messages were queued."""
    queued = 0
    async with uows() as uow:
        ids = [
            m.id
            for m in await uow.auto_messages.list_in_state(
                AutoMessageState.SCHEDULED, AutoMessageState.RUNNING
            )
        ]
    for message_id in ids:
        try:
            queued += await _run_one(uows, catalog, rules, clock, message_id)
        except Exception:  # one broken message must not keep the others from going out
            log.exception("auto_message.run_failed", auto_message_id=message_id)
    return queued


async def _run_one(
    uows: UnitOfWorkFactory, catalog: Catalog, rules: BookingRules, clock: Clock, message_id: int
) -> int:
    """Queue what one scheduled or running auto-message owes now. Commits."""
    async with uows() as uow:
        # Locked: a pause (or another instance's run) waits for this one, then sees it done.
        message = await uow.auto_messages.get_locked(message_id)
        if message is None or message.state not in (
            AutoMessageState.SCHEDULED,
            AutoMessageState.RUNNING,
        ):
            return 0
        now = clock.now()
        if message.kind is AutoMessageKind.BROADCAST:
            if message.send_at is None or message.send_at > now:
                return 0
            where = audience_filter(message.audience)
        else:
            where = _trigger_filter(message, now)
        message.state = AutoMessageState.RUNNING
        queued = await _queue_for(uow, catalog, rules, message, where, now)
        if message.kind is AutoMessageKind.BROADCAST:
            message.state = AutoMessageState.DONE
        message.queued_count = (await progress(uow, message.id)).queued
        await uow.commit()
    return queued


async def _queue_for(
    uow: UnitOfWork,
    catalog: Catalog,
    rules: BookingRules,
    message: AutoMessage,
    where: RecipientFilter,
    now: datetime,
) -> int:
    added = 0
    last_id = 0
    while True:
        batch = await uow.auto_messages.recipients(where, after_id=last_id, limit=BATCH)
        if not batch:
            return added
        rows = []
        for candidate, zone in batch:
            body = body_in(
                catalog, message.audience.get("text"), message.template_key, candidate.locale
            )
            due = now
            if zone and in_quiet_hours(now, zone, rules.quiet_start, rules.quiet_end):
                due = _quiet_end(now, zone, rules)
            rows.append(
                {
                    "kind": "auto_message",
                    "recipient_chat_id": candidate.telegram_id,
                    "candidate_id": candidate.id,
                    "auto_message_id": message.id,
                    "payload": {"text": render(body, {"name": candidate.full_name or ""})},
                    "due_at": due,
                    "dedupe_key": recipient_key(message.id, candidate.telegram_id),
                    "status": NotificationStatus.PENDING,
                    "attempts": 0,
                }
            )
        added += await uow.notifications.enqueue(rows)  # a dedupe key queued before is skipped
        last_id = batch[-1][0].id


def _quiet_end(now: datetime, zone: str, rules: BookingRules) -> datetime:
    """Broadcasts and triggers wait until the recipient's quiet hours end."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    end = datetime.combine(local.date(), rules.quiet_end, tzinfo=tz)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(now.tzinfo)


async def find_auto_message(uow: UnitOfWork, message_id: int) -> AutoMessage | None:
    return await uow.auto_messages.get(message_id)


async def auto_messages_page(
    uow: UnitOfWork, *, limit: int, offset: int
) -> tuple[list[tuple[AutoMessage, Progress]], int]:
    """One page of auto-messages in id order, each with its progress (one query for the page),
    and how many there are in all."""
    messages = await uow.auto_messages.list(limit=limit, offset=offset)
    counted = await progress_of(uow, [m.id for m in messages])
    return [(m, counted[m.id]) for m in messages], await uow.auto_messages.count()

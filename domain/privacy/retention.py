"""The retention limit (`RETENTION_DAYS`): candidates with no activity for that long have their
personal data erased, by the nightly job, and the dashboard counts how many were."""

from __future__ import annotations

from datetime import timedelta

import structlog

from domain.bookings.booking import Messaging
from domain.privacy.erasure import ERASE_ACTION, erase_person
from storage.models import AuditLogEntry
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

RETENTION_ACTOR = "retention"
BATCH = 200


async def erase_inactive(uows: UnitOfWorkFactory, m: Messaging, days: int) -> int:
    """Erase every candidate (application) inactive for `days`, as are the person's others (0:
    the limit is off); how many were. Each person in their own transaction: one that fails is
    logged and skipped, the others go on."""
    if days <= 0:
        return 0
    now = m.clock.now()
    cutoff = now - timedelta(days=days)
    erased = 0
    after = 0
    while True:
        async with uows() as uow:
            ids = await uow.personal_data.inactive_since(cutoff, now, BATCH, after)
        for candidate_id in ids:
            try:
                erased += await _erase_one(uows, m, candidate_id, days)
            except Exception:
                log.exception("retention.failed", candidate_id=candidate_id)
        if len(ids) < BATCH:
            break
        after = ids[-1]
    log.info("retention.erased", candidates=erased, days=days)
    return erased


async def _erase_one(uows: UnitOfWorkFactory, m: Messaging, candidate_id: int, days: int) -> int:
    """Erase the person (all their applications, inactive alike); how many applications."""
    async with uows() as uow:
        candidate = await uow.candidates.get(candidate_id)
        if candidate is None or candidate.erased_at is not None:
            return 0
        done = await erase_person(
            uow, m, candidate, actor=RETENTION_ACTOR, reason=f"no activity for {days} days"
        )
        await uow.commit()
        return done


async def retention_erasures(uow: UnitOfWork) -> int:
    """How many candidates the retention limit has erased, ever (the dashboard's figure)."""
    return await uow.audit.count(
        AuditLogEntry.action == ERASE_ACTION, AuditLogEntry.actor == RETENTION_ACTOR
    )

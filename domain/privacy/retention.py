"""The retention limit (`RETENTION_DAYS`): candidates with no activity for that long have their
personal data erased, by the nightly job, and the dashboard counts how many were."""

from __future__ import annotations

from datetime import timedelta

import structlog

from domain.bookings.booking import Messaging
from domain.privacy.erasure import ERASE_ACTION, erase_now
from storage.models import AuditLogEntry
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

RETENTION_ACTOR = "retention"
BATCH = 200


async def erase_inactive(uows: UnitOfWorkFactory, m: Messaging, days: int) -> int:
    """Erase every candidate inactive for `days` (0: the limit is off); how many were."""
    if days <= 0:
        return 0
    cutoff = m.clock.now() - timedelta(days=days)
    erased = 0
    while True:
        async with uows() as uow:
            ids = await uow.personal_data.inactive_since(cutoff, BATCH)
            for candidate_id in ids:
                candidate = await uow.candidates.get(candidate_id)
                assert candidate is not None
                await erase_now(
                    uow,
                    m,
                    candidate,
                    actor=RETENTION_ACTOR,
                    reason=f"no activity for {days} days",
                )
            await uow.commit()
        erased += len(ids)
        if len(ids) < BATCH:
            break
    log.info("retention.erased", candidates=erased, days=days)
    return erased


async def retention_erasures(uow: UnitOfWork) -> int:
    """How many candidates the retention limit has erased, ever (the dashboard's figure)."""
    return await uow.audit.count(
        AuditLogEntry.action == ERASE_ACTION, AuditLogEntry.actor == RETENTION_ACTOR
    )

"""Reading the audit log: newest first, a page at a time, filtered by exact values."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import AuditLogEntry
from storage.repositories.audit import AuditFilter
from storage.uow import UnitOfWork

PER_PAGE = 50


@dataclass(frozen=True)
class AuditPage:
    entries: list[tuple[AuditLogEntry, str | None]]  # each with its account's login, if any
    has_next: bool


async def audit_page(
    uow: UnitOfWork,
    page: int,
    *,
    entity: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    per_page: int = PER_PAGE,
) -> AuditPage:
    """Page `page` (from 1) of the entries matching every filter given (None matches all;
    `actor` is the recorded actor or the login of the account an entry names), and whether a
    later page has any: one query, asking for one entry more than a page."""
    where = AuditFilter(entity=entity, action=action, actor=actor)
    found = await uow.audit.newest(where, limit=per_page + 1, offset=(page - 1) * per_page)
    return AuditPage(found[:per_page], has_next=len(found) > per_page)

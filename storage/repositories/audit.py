from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from storage.models import AdminUser, AuditLogEntry
from storage.repositories.base import Repository

ADMIN_ACTOR = "admin:"


@dataclass(frozen=True)
class AuditFilter:
    """Exact matches; None matches everything. `actor` is the recorded actor or the login of
    the account the entry names."""

    entity: str | None = None
    action: str | None = None
    actor: str | None = None


class AuditLogRepository(Repository[AuditLogEntry]):
    model = AuditLogEntry
    cache_tag = "audit_log"

    def record(
        self,
        *,
        actor: str,
        action: str,
        entity: str,
        entity_id: object = None,
        admin_user_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditLogEntry:
        if admin_user_id is None and actor.startswith(ADMIN_ACTOR):
            # A panel or API account named in the actor ("admin:12", "admin:12:token:3") is
            # linked as well.
            number = actor.removeprefix(ADMIN_ACTOR).split(":", 1)[0]
            admin_user_id = int(number) if number.isdigit() else None
        return self.add(
            AuditLogEntry(
                actor=actor,
                action=action,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                admin_user_id=admin_user_id,
                details=details or {},
            )
        )

    async def newest(
        self, where: AuditFilter, *, limit: int, offset: int = 0
    ) -> list[tuple[AuditLogEntry, str | None]]:
        """Entries newest first, each with its account's login (None without one): one query."""
        stmt = (
            select(AuditLogEntry, AdminUser.login)
            .outerjoin(AdminUser, AdminUser.id == AuditLogEntry.admin_user_id)
            .order_by(AuditLogEntry.created_at.desc(), AuditLogEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if where.entity is not None:
            stmt = stmt.where(AuditLogEntry.entity == where.entity)
        if where.action is not None:
            stmt = stmt.where(AuditLogEntry.action == where.action)
        if where.actor is not None:
            stmt = stmt.where(
                or_(AuditLogEntry.actor == where.actor, AdminUser.login == where.actor)
            )
        return [(entry, login) for entry, login in (await self.session.execute(stmt)).all()]

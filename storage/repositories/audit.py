from __future__ import annotations

from typing import Any

from storage.models import AuditLogEntry
from storage.repositories.base import Repository


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

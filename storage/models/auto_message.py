from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.enums import AutoMessageKind, AutoMessageState, AutoMessageTrigger
from storage.models.base import Base, CreatedAt
from storage.types import UTCDateTime, str_enum


class AutoMessage(CreatedAt, Base):
    """An admin-defined broadcast or trigger. `audience` holds the filters:
    {"city_ids": [...], "statuses": [...], "source": ..., "registered_from": ..., ...}."""

    __tablename__ = "auto_messages"
    __table_args__ = (Index("ix_auto_messages_state_send_at", "state", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AutoMessageKind] = mapped_column(str_enum(AutoMessageKind))
    trigger: Mapped[AutoMessageTrigger | None] = mapped_column(str_enum(AutoMessageTrigger, 48))
    trigger_after_hours: Mapped[int | None] = mapped_column(Integer)
    template_key: Mapped[str] = mapped_column(String(100))
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quiet_start_hour: Mapped[int] = mapped_column(Integer, default=22)
    quiet_end_hour: Mapped[int] = mapped_column(Integer, default=8)
    state: Mapped[AutoMessageState] = mapped_column(
        str_enum(AutoMessageState), default=AutoMessageState.DRAFT
    )
    queued_count: Mapped[int] = mapped_column(Integer, default=0)
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    unreachable_count: Mapped[int] = mapped_column(Integer, default=0)

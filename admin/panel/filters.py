"""Template filters: instants are stored in UTC and shown in the zone of the city they belong to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from admin.panel.labels import actor_label, ordered_statuses, status_label
from domain.messaging.dates import local, time_label


def local_time(moment: datetime | None, zone: str = "UTC") -> str:
    return time_label(moment, zone) if moment else "—"


def local_datetime(moment: datetime | None, zone: str = "UTC") -> str:
    return local(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


FILTERS: dict[str, Callable[..., Any]] = {
    "local_time": local_time,
    "local_datetime": local_datetime,
    "status_label": status_label,
    "actor_label": actor_label,
    "ordered_statuses": ordered_statuses,
}

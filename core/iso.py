"""Dates and instants as ISO 8601 text only: a bare number is not read as a Unix timestamp."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator


def _iso_text(value: Any) -> Any:
    if isinstance(value, int | float) or (
        isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit()
    ):
        raise ValueError("an ISO 8601 date or date-time, e.g. 2026-12-01T10:00:00+03:00")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
IsoDate = Annotated[date, BeforeValidator(_iso_text)]

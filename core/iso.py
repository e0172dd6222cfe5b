"""Dates, instants and clock times as admins and API clients give them: ISO 8601 text only (a
bare number is not read as a Unix timestamp), within years any schedule can mean (a day added
to 9999-12-31 would overflow), and clock times without an offset (the city's zone applies)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, WithJsonSchema

FIRST_YEAR, LAST_YEAR = 1900, 2999
D = TypeVar("D", date, datetime)


def _from_iso(kind: type[date] | type[datetime] | type[time], example: str) -> Callable[[Any], Any]:
    """Text parsed here, so that the type's own check gets an object even where the model is
    validated strictly (JSON bodies), and numbers are refused instead of read as timestamps."""

    def parse(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        if isinstance(value, str) and not value.replace(".", "", 1).lstrip("-").isdigit():
            try:
                return kind.fromisoformat(value)
            except ValueError:
                pass
        raise ValueError(
            f"an ISO 8601 {kind.__name__.replace('datetime', 'date-time')}, e.g. {example}"
        )

    return parse


def sane_year(value: D) -> D:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"a date between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


def _clock_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a time of day as on the city's clocks, without a UTC offset")
    return value


# What the OpenAPI document says of each, so that it promises only what is accepted.
SANE_YEAR_PATTERN = "^(19[0-9]{2}|2[0-9]{3})-"
_INSTANT_SCHEMA = WithJsonSchema(
    {"type": "string", "format": "date-time", "pattern": SANE_YEAR_PATTERN}, mode="validation"
)
_DATE_SCHEMA = WithJsonSchema(
    {"type": "string", "format": "date", "pattern": SANE_YEAR_PATTERN}, mode="validation"
)
_CLOCK_SCHEMA = WithJsonSchema(
    {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?$",
        "description": "A time of day as on the city's clocks (HH:MM), without a UTC offset.",
    },
    mode="validation",
)
_INSTANT = BeforeValidator(_from_iso(datetime, "2026-12-01T10:00:00+03:00"))
Instant = Annotated[AwareDatetime, _INSTANT, AfterValidator(sane_year), _INSTANT_SCHEMA]
IsoDate = Annotated[
    date,
    BeforeValidator(_from_iso(date, "2026-12-01")),
    AfterValidator(sane_year),
    _DATE_SCHEMA,
]
# A date and time as on the city's clocks (the panel's datetime-local fields).
LocalDateTime = Annotated[
    datetime, BeforeValidator(_from_iso(datetime, "2026-12-01T10:00")), AfterValidator(sane_year)
]
ClockTime = Annotated[
    time, BeforeValidator(_from_iso(time, "10:00")), AfterValidator(_clock_time), _CLOCK_SCHEMA
]

"""Field types every schema uses."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model

# The IANA zones the forms offer (a searchable list) and the only ones accepted: ZoneInfo alone
# also opens odd files of the zone database ("posixrules", "Factory").
TIME_ZONES: tuple[str, ...] = tuple(
    sorted(z for z in available_timezones() if z not in ("Factory", "localtime", "posixrules"))
)
_KNOWN_ZONES = frozenset(TIME_ZONES)


def _zone(name: str) -> str:
    try:
        if name not in _KNOWN_ZONES:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("an IANA time zone such as Europe/Moscow") from None
    return name


def _link(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError("a link starting with https://")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TimeZone = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_zone)]
Link = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_link)
]
MAX_ID = 2**31 - 1  # ids are 32-bit integer columns
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def parse_id(raw: str) -> int | None:
    """An id as a path carries it: ASCII digits within the columns' range, else None."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def is_list_field(annotation: Any) -> bool:
    """Whether a field takes several values (`list[X]`, also `list[X] | None`): a form's
    multi-select or a repeated query parameter."""
    if get_origin(annotation) in (Union, types.UnionType):
        return any(is_list_field(arg) for arg in get_args(annotation))
    return get_origin(annotation) is list


class Input(BaseModel):
    """Unknown fields are refused: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel):
    """Where a list starts and how much of it to give."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def listing(item: type[Output]) -> type[Output]:
    """A page of `item`s with the total, as every list route answers."""
    name = item.__name__.removesuffix("Out") + "List"
    return create_model(
        name,
        __base__=Output,
        items=(list[item], ...),  # type: ignore[valid-type]
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
    )

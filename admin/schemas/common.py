"""Field types every schema uses."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
)

from core.inputs import MAX_ID

# The IANA zones the forms offer (a searchable list), the API's document lists, and the only
# ones accepted: ZoneInfo alone also opens odd files of the zone database ("posixrules",
# "Factory") and long or odd names as paths.
TIME_ZONES: tuple[str, ...] = tuple(
    sorted(z for z in available_timezones() if z not in ("Factory", "localtime", "posixrules"))
)
ZONES = frozenset(TIME_ZONES)


def _zone(name: str) -> str:
    """Only a zone of `TIME_ZONES` (a long or odd name is not looked up as a file)."""
    if name not in ZONES:
        raise ValueError("reason.time_zone")  # a catalog key: said in the reader's language
    return name


def not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _link(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError("a link starting with https://")
    return value.strip()


# Not blank: the document says "some non-space character" and the length is of the text as
# sent, so the server accepts exactly what the document allows (then strips the spaces).
# Python's strip also takes the separators \x1c-\x1f and \x85, which JSON Schema's (ECMA) `\s`
# does not name: the class names them, so a name of separators alone is refused by both.
NOT_BLANK = "[^\\s\\x1c-\\x1f\\x85]"
Text = Annotated[
    str, Field(min_length=1, json_schema_extra={"pattern": NOT_BLANK}), AfterValidator(not_blank)
]

NAMED = {"pattern": NOT_BLANK}
# Names up to the length of their column, not blank.
Name = Annotated[
    str,
    Field(min_length=1, max_length=200, json_schema_extra=NAMED),
    AfterValidator(not_blank),
]
CityName = Annotated[
    str,
    Field(min_length=1, max_length=120, json_schema_extra=NAMED),
    AfterValidator(not_blank),
]
ShortName = Annotated[
    str,
    Field(min_length=1, max_length=100, json_schema_extra=NAMED),
    AfterValidator(not_blank),
]
TimeZone = Annotated[
    str,
    AfterValidator(_zone),
    WithJsonSchema({"type": "string", "enum": list(TIME_ZONES)}, mode="validation"),
]
Link = Annotated[
    str,
    Field(max_length=500, json_schema_extra={"pattern": "^https?://"}),
    AfterValidator(_link),
]
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

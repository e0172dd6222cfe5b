"""A refusal of one field said by a catalog key, so the panel and the API say it in the
reader's language (admin.errors.reason_of fills the key's placeholders from `values`)."""

from __future__ import annotations

from typing import TypeVar

from core.errors import InvalidField

E = TypeVar("E", bound=InvalidField)
REQUIRED = "reason.required"
TOO_LONG = "reason.too_long"  # {limit}


def refusal(field: str, key: str, kind: type[E] = InvalidField, **values: object) -> E:  # type: ignore[assignment]
    error = kind(field, key)
    error.values = dict(values)
    return error

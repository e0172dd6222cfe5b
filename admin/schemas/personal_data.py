"""A candidate's personal data through the API: the copy of everything held, and erasure."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from admin.schemas.common import Output


class PersonalCopyOut(Output):
    candidate_id: int
    tables: dict[str, list[dict[str, Any]]] = Field(
        description="Every row held about the person, by table (the candidate's own first)."
    )


class ErasedOut(Output):
    candidate_id: int
    erased: bool = True

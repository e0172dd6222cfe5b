"""The candidate page's note and tag forms. Their rules (length, what a tag may be) are the
domain's (domain.conversations.notes, .tags); these only read the form."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from admin.schemas.common import NAMED, Input, not_blank
from domain.conversations.notes import MAX_NOTE
from domain.conversations.tags import MAX_TAG

NoteText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NOTE, json_schema_extra=NAMED),
    AfterValidator(not_blank),
]


class NoteIn(Input):
    text: NoteText


class TagsIn(Input):
    """Several tags at once, separated by commas."""

    tags: Annotated[str, Field(min_length=1, max_length=20 * (MAX_TAG + 2))]


class TagRemoveIn(Input):
    tag: Annotated[str, Field(min_length=1, max_length=MAX_TAG + 1)]

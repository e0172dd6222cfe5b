"""The conversation with a candidate as the API shows it: the thread both directions, the
inbox of unread conversations, private notes and tags."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from admin.schemas.common import NOT_BLANK, Input, Output, Page, not_blank
from core.enums import NotificationStatus
from core.errors import InvalidField
from domain.conversations.notes import MAX_NOTE, NOTES_SHOWN
from domain.conversations.tags import MAX_TAG, tag_name
from domain.conversations.thread import MESSAGES_SHOWN

# Some character that is not a space, a "#" (a leading one is dropped) or a comma (the panel
# takes several tags at once, separated by commas), and no comma anywhere.
TAG_PATTERN = f"^[^,]*[^{NOT_BLANK[2:-1]}#,][^,]*$"
# In a path a tag also needs a character other than a dot: "." and ".." are no path segments.
TAG_IN_PATH = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_TAG,
    "pattern": f"^[^,]*[^{NOT_BLANK[2:-1]}#,.][^,]*$",
    "description": "The tag's name, URL-encoded; any case (tags are one whatever their case).",
}
MAX_THREAD_OFFSET = 10_000


def _tag(raw: str) -> str:
    name = tag_name(raw)
    if isinstance(name, InvalidField):
        # The reason's catalog key, with its values (the limit) for the reader's language.
        raise PydanticCustomError("value_error", name.reason, dict(name.values))
    return name


TagName = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TAG, json_schema_extra={"pattern": TAG_PATTERN}),
    AfterValidator(_tag),
]
NoteText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NOTE, json_schema_extra={"pattern": NOT_BLANK}),
    AfterValidator(not_blank),
]


class ThreadQuery(Page):
    """The thread is read from its end: `offset` skips the newest messages."""

    limit: int = Field(50, ge=1, le=MESSAGES_SHOWN)
    offset: int = Field(0, ge=0, le=MAX_THREAD_OFFSET)


class ThreadMessageOut(Output):
    direction: Literal["in", "out"] = Field(
        description="in: the candidate wrote it; out: the product queued it to them."
    )
    id: int = Field(description="The inbound message's id (in) or the outbox row's (out).")
    at: datetime = Field(description="Received (in); sent, or queued while not sent (out).")
    kind: str = Field(
        description="in: what they sent (text, photo, document, voice, video, video_note, "
        "audio, sticker, animation, other); out: the outbox kind (panel_message for a "
        "person's reply, else the bot's template or job)."
    )
    text: str | None = Field(
        description="in: the text or caption as written; out: the text as sent (Telegram HTML)."
    )
    author_kind: str | None = Field(
        None, description="out, written by a person: recruiter, admin or api_token."
    )
    author_name: str | None = Field(
        None, description="out, written by a person: the recruiter's name or account's login."
    )
    status: NotificationStatus | None = Field(None, description="out: how its delivery went.")
    file_name: str | None = Field(None, description="in: a document's file name.")
    has_file: bool = Field(False, description="in: media kept by its Telegram file id.")
    read: bool = Field(True, description="in: whether someone opened the thread since.")


class ThreadOut(Output):
    items: list[ThreadMessageOut] = Field(description="Oldest first.")
    total: int = Field(description="Messages in the whole thread, both directions.")
    limit: int
    offset: int


class ReadOut(Output):
    read: int = Field(description="How many of the candidate's messages were unread.")


class InboxThreadOut(Output):
    candidate_id: int
    full_name: str | None
    username: str | None
    city_id: int | None
    city: str | None
    unread: int
    waiting_since: datetime = Field(description="When the oldest unread message came.")
    last_at: datetime = Field(description="When the latest unread message came.")


class InboxOut(Output):
    items: list[InboxThreadOut] = Field(description="Who has waited longest first.")
    total: int = Field(description="Candidates with unread messages.")
    unread: int = Field(description="Their unread messages, in all.")
    limit: int
    offset: int


class NoteIn(Input):
    text: NoteText


class NoteOut(Output):
    id: int
    text: str
    created_at: datetime
    author_kind: str = Field(description="recruiter, admin, api_token, ...")
    author_name: str | None = Field(description="The recruiter's name or the account's login.")


class NoteListOut(Output):
    items: list[NoteOut] = Field(description=f"Oldest first: the latest {NOTES_SHOWN}.")


class TagIn(Input):
    name: TagName


class TagOut(Output):
    id: int = Field(description="`tag_id` in GET /candidates filters by it.")
    name: str


class TagCountOut(TagOut):
    count: int = Field(description="Candidates carrying it.")


class TagListOut(Output):
    items: list[TagCountOut] = Field(description="By name.")


class CandidateTagsOut(Output):
    items: list[TagOut] = Field(description="By name.")

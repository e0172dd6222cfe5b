"""The pipeline board's forms: a card moved to another column, and an action on a selection.
What each action needs besides the selection is the candidate page's own form (status and
reason, tags, a message), checked by its schema."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from admin.schemas.candidates import Reason
from admin.schemas.common import Input
from core.enums import CandidateStatus
from core.inputs import MAX_ID

CandidateId = Annotated[int, Field(ge=1, le=MAX_ID)]
BulkAction = Literal["status", "tag", "message", "export"]


class BoardMoveIn(Input):
    candidate_id: CandidateId
    status: CandidateStatus
    reason: Reason


class BoardBulkIn(Input):
    """Which candidates and what to do; how many may be chosen is the domain's rule."""

    ids: list[CandidateId] = Field(default_factory=list)
    action: BulkAction

"""/tags and /candidates/{id}/tags: labels on candidates ("Night shift" and "night shift" are
one), which the candidate list filters by (`tag_id`). A recruiter's token tags its own cities'
candidates only (404 otherwise); the tags themselves are shared."""

from __future__ import annotations

from typing import Any

from admin.api.kit import ApiError, Call, Operation
from admin.schemas.conversations import (
    TAG_IN_PATH,
    CandidateTagsOut,
    TagIn,
    TagListOut,
)
from core.errors import InvalidField
from domain.conversations.tags import (
    add_tag,
    all_tags,
    candidate_tags,
    remove_tag,
    tag_name,
)
from domain.refusals import refusal


async def list_tags(call: Call) -> dict[str, Any]:
    found = await all_tags(call.uow)
    return {"items": [{"id": tag.id, "name": tag.name, "count": n} for tag, n in found]}


async def _tags_of(call: Call) -> dict[str, Any]:
    found = await candidate_tags(call.uow, call.ids["candidate_id"], call.scope.city_ids)
    if found is None:
        raise ApiError(404, "reason.no_such.candidate")
    return {"items": found}


async def list_candidate_tags(call: Call) -> dict[str, Any]:
    return await _tags_of(call)


async def add_candidate_tag(call: Call) -> dict[str, Any]:
    body: TagIn = call.body
    added = await add_tag(call.uow, call.ids["candidate_id"], body.name, **call.who())
    added.unwrap()
    return await _tags_of(call)


async def remove_candidate_tag(call: Call) -> None:
    name = tag_name(call.request.match_info["name"])
    if isinstance(name, InvalidField):  # no tag is named so
        raise refusal("name", name.reason, InvalidField, **name.values)
    removed = await remove_tag(call.uow, call.ids["candidate_id"], name, **call.who())
    removed.unwrap()  # not carried: done all the same (204), as a DELETE may be repeated


_TAGS = "/candidates/{candidate_id}/tags"
OPERATIONS = [
    Operation(
        "GET",
        "/tags",
        "Every tag with how many candidates carry it",
        "notes and tags",
        list_tags,
        answer=TagListOut,
    ),
    Operation(
        "GET",
        _TAGS,
        "The candidate's tags",
        "notes and tags",
        list_candidate_tags,
        answer=CandidateTagsOut,
    ),
    Operation(
        "POST",
        _TAGS,
        "Give the candidate a tag (made on first use; giving it twice changes nothing); "
        "answers the candidate's tags",
        "notes and tags",
        add_candidate_tag,
        None,
        TagIn,
        CandidateTagsOut,
    ),
    Operation(
        "DELETE",
        _TAGS + "/{name}",
        "Take a tag away (204 also when the candidate did not carry it, so a repeated "
        "DELETE is harmless; 404 only for the candidate)",
        "notes and tags",
        remove_candidate_tag,
        errors=(401, 404, 422),
        path_schemas={"name": TAG_IN_PATH},
    ),
]

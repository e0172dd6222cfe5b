"""Tags on candidates: a short label, one tag per folded name ("Night shift" and "night shift"
are one), given and taken away by recruiters and accounts, audited; the list and the export
filter by them."""

from __future__ import annotations

import re

from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.conversations.routing import visible_candidate
from domain.refusals import REQUIRED, TOO_LONG, refusal
from storage.models import Tag
from storage.uow import UnitOfWork

TagError = InvalidField | NotFound
MAX_TAG = 50
_SPACES = re.compile(r"\s+")
COMMA = "reason.tag.comma"
# A tag's refusal among several written at once names the tag.
_NAMED = {REQUIRED: "reason.tag.empty_in", TOO_LONG: "reason.tag.too_long_in"}


def tag_name(raw: str) -> str | InvalidField:
    """A tag as written, spaces collapsed; refused when empty, too long or with a comma (the
    panel takes several at once, separated by commas)."""
    name = _SPACES.sub(" ", raw).strip().lstrip("#")
    if not name:
        return InvalidField("tag", REQUIRED)
    if len(name) > MAX_TAG:
        return refusal("tag", TOO_LONG, limit=MAX_TAG)
    if "," in name:
        return InvalidField("tag", COMMA)
    return name


def tag_key(name: str) -> str:
    return name.casefold().replace("ё", "е")


async def _candidate_in_scope(
    uow: UnitOfWork, candidate_id: int, city_ids: frozenset[int] | None
) -> bool:
    return await visible_candidate(uow, candidate_id, city_ids) is not None


async def _checked(
    uow: UnitOfWork, candidate_id: int, raw: str, city_ids: frozenset[int] | None
) -> str | Failure[TagError]:
    """The tag's name, for a candidate in scope; else the refusal."""
    if not await _candidate_in_scope(uow, candidate_id, city_ids):
        return Failure(NotFound(f"candidate {candidate_id}"))
    name = tag_name(raw)
    return Failure(name) if isinstance(name, InvalidField) else name


async def _audited(
    uow: UnitOfWork,
    action: str,
    candidate_id: int,
    tag: Tag,
    actor: str,
    admin_user_id: int | None,
) -> None:
    """The tag given or taken, in the audit log; committed."""
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action=action,
        entity="candidate",
        entity_id=candidate_id,
        details={"tag": tag.name},
    )
    await uow.commit()


async def add_tag(
    uow: UnitOfWork,
    candidate_id: int,
    raw: str,
    *,
    actor: str,
    admin_user_id: int | None = None,
    city_ids: frozenset[int] | None = None,
) -> Result[Tag, TagError]:
    """Give the candidate the tag (made on first use); giving it twice changes nothing.
    Commits."""
    name = await _checked(uow, candidate_id, raw, city_ids)
    if isinstance(name, Failure):
        return name
    tag = await uow.tags.find_or_create(name, tag_key(name))
    if await uow.tags.attach(candidate_id, tag.id, actor):
        await _audited(uow, "add_tag", candidate_id, tag, actor, admin_user_id)
    return Success(tag)


async def remove_tag(
    uow: UnitOfWork,
    candidate_id: int,
    raw: str,
    *,
    actor: str,
    admin_user_id: int | None = None,
    city_ids: frozenset[int] | None = None,
) -> Result[bool, TagError]:
    """Take the tag away; whether the candidate had it. Commits."""
    name = await _checked(uow, candidate_id, raw, city_ids)
    if isinstance(name, Failure):
        return name
    tag = await uow.tags.by_key(tag_key(name))
    if tag is None or not await uow.tags.detach(candidate_id, tag.id):
        return Success(False)
    await _audited(uow, "remove_tag", candidate_id, tag, actor, admin_user_id)
    return Success(True)


async def tags_of(uow: UnitOfWork, candidate_id: int) -> list[str]:
    return [tag.name for tag in await uow.tags.of_candidate(candidate_id)]


async def all_tags(uow: UnitOfWork) -> list[tuple[Tag, int]]:
    """Every tag and how many candidates carry it, by name (the list's filter offers them)."""
    return await uow.tags.all_tags()


async def tags_of_candidates(uow: UnitOfWork, candidate_ids: list[int]) -> dict[int, list[str]]:
    """Tag names per candidate, for a page of the list (one query)."""
    return await uow.tags.of_candidates(candidate_ids)


async def add_tags(
    uow: UnitOfWork,
    candidate_id: int,
    written: str,
    *,
    actor: str,
    admin_user_id: int | None = None,
    city_ids: frozenset[int] | None = None,
) -> Result[list[Tag], TagError]:
    """Several tags written at once, separated by commas (empty pieces skipped): every one is
    checked before any is given, so a bad one changes nothing. Commits."""
    pieces = [piece for piece in written.split(",") if piece.strip()]
    if not pieces:
        return Failure(InvalidField("tags", REQUIRED))
    for piece in pieces:
        name = tag_name(piece)
        if isinstance(name, InvalidField):
            # Which of the tags written is refused, and why.
            key = _NAMED.get(name.reason, "reason.tag.bad_in")
            return Failure(
                refusal("tags", key, InvalidField, tag=piece.strip()[:MAX_TAG], **name.values)
            )
    given: list[Tag] = []
    for piece in pieces:
        result = await add_tag(
            uow, candidate_id, piece, actor=actor, admin_user_id=admin_user_id, city_ids=city_ids
        )
        if isinstance(result, Failure):
            return result
        given.append(result.value)
    return Success(given)


async def candidate_tags(
    uow: UnitOfWork, candidate_id: int, city_ids: frozenset[int] | None
) -> list[Tag] | None:
    """The candidate's tags by name, for someone limited to `city_ids`; None when out of scope."""
    if not await _candidate_in_scope(uow, candidate_id, city_ids):
        return None
    return await uow.tags.of_candidate(candidate_id)

"""Finding candidates: the filtered, sorted, paged list, one candidate's line of it, and the
whole list in batches for export, each with the city's name joined in. What a filter means is
decided above (domain.pipeline.directory); here it becomes SQL that an index serves on SQLite
and PostgreSQL, with the id as the tie-breaker so pages are stable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from core.enums import CandidateStatus
from storage.cache.decorators import cached
from storage.models import Candidate, CandidateTag, City
from storage.repositories.base import Repository

CandidateOrder = Literal["created_at", "full_name", "status", "updated_at"]
# Below this many matches per row of the page wanted, sorting the matches beats walking an
# index in order and testing each row (measured at 100k candidates on SQLite).
_FEW_MATCHES = 8


@dataclass(frozen=True)
class CandidateCriteria:
    """Which candidates: every field given must hold; None (or no needles) matches everything.
    `text` matches a `search_text` containing any of the needles, compared as given."""

    city_ids: frozenset[int] | None = None
    city_id: int | None = None
    status: CandidateStatus | None = None
    source: str | None = None
    created_since: datetime | None = None  # included
    created_before: datetime | None = None  # excluded
    text: tuple[str, ...] = ()
    unlisted_city: bool = False  # only those who asked for a city not in the list
    tag_id: int | None = None  # only those carrying this tag
    vacancy_id: int | None = None  # only the applications to this vacancy
    candidate_ids: frozenset[int] | None = None  # only these (a selection on the board)


class CandidateListing(NamedTuple):
    """One line of the list: the candidate's own columns and the city's name."""

    id: int
    telegram_id: int
    full_name: str | None
    username: str | None
    phone: str | None
    city_id: int | None
    city: str | None
    status: CandidateStatus
    source: str | None
    locale: str
    reachable: bool
    created_at: datetime
    updated_at: datetime
    wanted_city: str | None
    consent: str | None
    consent_at: datetime | None
    erased_at: datetime | None
    vacancy_id: int | None


# Core columns, not the ORM's attributes: the list reads plain rows, and the ORM's row loading
# cost more per page than the database's part.
_candidates = Candidate.__table__
_cities = City.__table__
_c = _candidates.c
_tagged = CandidateTag.__table__


def _conditions(criteria: CandidateCriteria) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if criteria.city_ids is not None:
        where.append(_c.city_id.in_(sorted(criteria.city_ids)))
    if criteria.city_id is not None:
        where.append(_c.city_id == criteria.city_id)
    if criteria.status is not None:
        where.append(_c.status == criteria.status)
    if criteria.source is not None:
        where.append(_c.source == criteria.source)
    if criteria.created_since is not None:
        where.append(_c.created_at >= criteria.created_since)
    if criteria.created_before is not None:
        where.append(_c.created_at < criteria.created_before)
    if criteria.unlisted_city:
        where.append(_c.wanted_city.is_not(None))
    if criteria.vacancy_id is not None:
        where.append(_c.vacancy_id == criteria.vacancy_id)
    if criteria.candidate_ids is not None:
        where.append(_c.id.in_(sorted(criteria.candidate_ids)))
    if criteria.tag_id is not None:
        tagged = select(_tagged.c.candidate_id).where(_tagged.c.tag_id == criteria.tag_id)
        where.append(_c.id.in_(tagged))
    if criteria.text:
        found = [_c.search_text.contains(n, autoescape=True) for n in criteria.text]
        where.append(found[0] if len(found) == 1 else or_(*found))
    return where


# The board (storage.repositories.board) filters the same way as the list.
matching_conditions = _conditions


def _order(by: CandidateOrder, descending: bool) -> list[Any]:
    """The sort key and the id as tie-breaker, in the order its index lists them."""
    by_name: dict[str, list[Any]] = {
        "created_at": [_c.created_at],
        "full_name": [_c.full_name],
        # ix_candidates_status_updated: within a status, by when it was last changed.
        "status": [_c.status, _c.updated_at],
        "updated_at": [_c.updated_at],
    }
    ordered = [c.desc() if descending else c.asc() for c in (*by_name[by], _c.id)]
    if by == "full_name":
        # No name sorts after every name on both databases, as PostgreSQL's index keeps it.
        ordered[0] = ordered[0].nulls_first() if descending else ordered[0].nulls_last()
    return ordered


_LISTING = select(
    _c.id,
    _c.telegram_id,
    _c.full_name,
    _c.username,
    _c.phone,
    _c.city_id,
    _cities.c.name.label("city"),
    _c.status,
    _c.source,
    _c.locale,
    _c.reachable,
    _c.created_at,
    _c.updated_at,
    _c.wanted_city,
    _c.consent,
    _c.consent_at,
    _c.erased_at,
    _c.vacancy_id,
).outerjoin(_cities, _cities.c.id == _c.city_id)


def _listing_query() -> Select[*tuple[Any, ...]]:
    """The list's columns, built once (a statement is immutable: each use adds to a copy)."""
    return _LISTING


class CandidateSearchRepository(Repository[Candidate]):
    """Reads only."""

    model = Candidate
    cache_tag = "candidates"

    @cached()
    async def count_matching(self, criteria: CandidateCriteria) -> int:
        """How many match in all. Counting reads every matching row (the whole table for the
        unfiltered list), so the count is kept in the cache under the `candidates` tag: paging
        through, or asking again, counts nothing until a candidate is written; it is exact."""
        stmt = select(func.count()).select_from(_candidates).where(*_conditions(criteria))
        return int(await self.session.scalar(stmt) or 0)

    async def page(
        self,
        criteria: CandidateCriteria,
        *,
        order: CandidateOrder,
        descending: bool,
        limit: int,
        offset: int,
        matching: int,
    ) -> list[CandidateListing]:
        """One page in the order asked; `matching` (how many match in all, from
        `count_matching`) chooses how the database finds it."""
        where = _conditions(criteria)
        stmt = _listing_query()
        if criteria.text and matching < _FEW_MATCHES * (offset + limit):
            # Few matches: walking the sort's index would visit most of the table to find a page
            # of them. Collect them first (MATERIALIZED: a fence on both databases), sort only
            # those.
            matches = select(_c.id).where(*where).cte("matches").prefix_with("MATERIALIZED")
            stmt = stmt.join(matches, matches.c.id == _c.id)
        else:
            stmt = stmt.where(*where)
        stmt = stmt.order_by(*_order(order, descending)).limit(limit).offset(offset)
        return [CandidateListing._make(row) for row in await self.session.execute(stmt)]

    async def listing(self, candidate_id: int) -> CandidateListing | None:
        stmt = _listing_query().where(_c.id == candidate_id)
        found = (await self.session.execute(stmt)).first()
        return None if found is None else CandidateListing._make(found)

    async def batch_after(
        self, criteria: CandidateCriteria, after_id: int, limit: int
    ) -> list[CandidateListing]:
        """The next `limit` matches in id order after `after_id` (keyset paging: the same cost
        at any depth). Rows, not models: an export of 100k adds up."""
        stmt = (
            _listing_query()
            .where(*_conditions(criteria), _c.id > after_id)
            .order_by(_c.id)
            .limit(limit)
        )
        return [CandidateListing._make(row) for row in await self.session.execute(stmt)]

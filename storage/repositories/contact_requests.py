"""Candidates' requests to be contacted: the panel's inbox."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, select

from core.enums import ContactReason
from storage.models import Candidate, City, ContactRequest
from storage.repositories.base import Repository


@dataclass(frozen=True)
class InboxFilter:
    """`handled`: handled ones instead of open ones; `admins_only`: only those no recruiter was
    told of; `city_ids`: only these cities (None: every city, and requests with no city)."""

    handled: bool = False
    admins_only: bool = False
    city_ids: Collection[int] | None = None


class InboxRow(NamedTuple):
    request: ContactRequest
    candidate_name: str | None
    username: str | None
    phone: str | None
    telegram_id: int
    wanted_city: str | None
    city_name: str | None


def _conditions(where: InboxFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [
        ContactRequest.handled_at.is_not(None)
        if where.handled
        else ContactRequest.handled_at.is_(None)
    ]
    if where.admins_only:
        found.append(ContactRequest.recruiters_told == 0)
    if where.city_ids is not None:
        found.append(ContactRequest.city_id.in_(list(where.city_ids)))
    return found


def _inbox_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            ContactRequest,
            Candidate.full_name,
            Candidate.username,
            Candidate.phone,
            Candidate.telegram_id,
            Candidate.wanted_city,
            City.name,
        )
        .join(Candidate, Candidate.id == ContactRequest.candidate_id)
        .outerjoin(City, City.id == ContactRequest.city_id)
    )


class ContactRequestRepository(Repository[ContactRequest]):
    model = ContactRequest
    cache_tag = "contact_requests"

    async def create(self, request: ContactRequest) -> ContactRequest:
        """Add and flush, so the request has its id."""
        self.session.add(request)
        await self.session.flush()
        return request

    async def open_since(
        self, candidate_id: int, reason: ContactReason, since: datetime
    ) -> ContactRequest | None:
        """The candidate's newest open request for this reason made at or after `since`."""
        stmt = (
            select(ContactRequest)
            .where(
                ContactRequest.candidate_id == candidate_id,
                ContactRequest.reason == reason,
                ContactRequest.created_at >= since,
                ContactRequest.handled_at.is_(None),
            )
            .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def inbox(self, where: InboxFilter, *, limit: int, offset: int = 0) -> list[InboxRow]:
        """Open requests oldest first (who has waited longest on top); handled ones newest
        first. One query."""
        order = (
            [ContactRequest.handled_at.desc(), ContactRequest.id.desc()]
            if where.handled
            else [ContactRequest.created_at, ContactRequest.id]
        )
        stmt = _inbox_query().where(*_conditions(where)).order_by(*order).limit(limit)
        rows = await self.session.execute(stmt.offset(offset))
        return [InboxRow(*row) for row in rows.all()]

    async def count(self, where: InboxFilter) -> int:
        stmt = select(func.count(ContactRequest.id)).where(*_conditions(where))
        return int((await self.session.execute(stmt)).scalar_one())

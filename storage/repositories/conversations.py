"""The conversation with candidates: their messages no flow was waiting for (the inbox), private
notes, and tags."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    any_,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from storage.dialect import on_postgresql
from storage.models import Candidate, CandidateNote, CandidateTag, City, InboundMessage, Tag
from storage.repositories.base import Repository


def _tags_where(condition: ColumnElement[bool]) -> Select[int, str]:
    return (
        select(CandidateTag.candidate_id, Tag.name)
        .join(Tag, Tag.id == CandidateTag.tag_id)
        .where(condition)
        .order_by(Tag.key)
    )


# Tag names of a page's candidates, built once. On PostgreSQL the ids go as one array
# (`= ANY`), so the statement's SQL is the same for every page; an expanding IN (SQLite has no
# arrays) is rendered again for each list of ids.
_TAGS_OF_ANY = _tags_where(
    CandidateTag.candidate_id == any_(bindparam("ids", type_=ARRAY(Integer)))
)
_TAGS_OF_IN = _tags_where(CandidateTag.candidate_id.in_(bindparam("ids", expanding=True)))


class UnreadThread(NamedTuple):
    """A candidate with unread messages: how many, the first unread's time, the last one's."""

    candidate_id: int
    candidate_name: str | None
    username: str | None
    telegram_id: int
    city_id: int | None
    city_name: str | None
    unread: int
    waiting_since: datetime
    last_at: datetime


def _in_cities(city_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    return [] if city_ids is None else [Candidate.city_id.in_(sorted(city_ids))]


class InboundMessageRepository(Repository[InboundMessage]):
    model = InboundMessage
    cache_tag = "inbound_messages"

    async def create(self, message: InboundMessage) -> InboundMessage:
        """Add and flush, so the message has its id."""
        self.session.add(message)
        await self.session.flush()
        return message

    async def by_telegram_id(
        self, candidate_id: int, telegram_message_id: int
    ) -> InboundMessage | None:
        """The candidate's message kept from this Telegram message, if it was kept."""
        stmt = select(InboundMessage).where(
            InboundMessage.candidate_id == candidate_id,
            InboundMessage.telegram_message_id == telegram_message_id,
        )
        return (await self.session.scalars(stmt.limit(1))).first()

    async def of_candidate(self, candidate_id: int, limit: int) -> list[InboundMessage]:
        """The candidate's latest `limit` messages, newest first."""
        stmt = (
            select(InboundMessage)
            .where(InboundMessage.candidate_id == candidate_id)
            .order_by(InboundMessage.created_at.desc(), InboundMessage.id.desc())
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def count_of_candidate(self, candidate_id: int) -> int:
        stmt = select(func.count(InboundMessage.id)).where(
            InboundMessage.candidate_id == candidate_id
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def mark_read(
        self, candidate_id: int, at: datetime, by: str, up_to: int | None = None
    ) -> int:
        """Every unread message of the candidate (up to id `up_to`) read; how many were."""
        stmt = (
            update(InboundMessage)
            .where(InboundMessage.candidate_id == candidate_id, InboundMessage.read_at.is_(None))
            .values(read_at=at, read_by=by)
        )
        if up_to is not None:
            stmt = stmt.where(InboundMessage.id <= up_to)
        result = await self.session.execute(stmt)
        self._uow.mark_written(self.cache_tag)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def unread_count(self, city_ids: Collection[int] | None) -> int:
        """Unread messages of candidates in these cities (None: everyone's)."""
        stmt = select(func.count(InboundMessage.id)).where(InboundMessage.read_at.is_(None))
        if city_ids is not None:
            stmt = stmt.join(Candidate, Candidate.id == InboundMessage.candidate_id).where(
                *_in_cities(city_ids)
            )
        return int((await self.session.execute(stmt)).scalar_one())

    async def unread_of(self, candidate_id: int) -> int:
        stmt = select(func.count(InboundMessage.id)).where(
            InboundMessage.candidate_id == candidate_id, InboundMessage.read_at.is_(None)
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def unread_thread_count(self, city_ids: Collection[int] | None) -> int:
        """How many candidates in these cities (None: everyone) have unread messages."""
        stmt = select(func.count(func.distinct(InboundMessage.candidate_id))).where(
            InboundMessage.read_at.is_(None)
        )
        if city_ids is not None:
            stmt = stmt.join(Candidate, Candidate.id == InboundMessage.candidate_id).where(
                *_in_cities(city_ids)
            )
        return int((await self.session.execute(stmt)).scalar_one())

    async def unread_threads(
        self, city_ids: Collection[int] | None, *, limit: int, offset: int = 0
    ) -> list[UnreadThread]:
        """Candidates with unread messages, who has waited longest first."""
        unread = (
            select(
                InboundMessage.candidate_id.label("candidate_id"),
                func.count(InboundMessage.id).label("unread"),
                func.min(InboundMessage.created_at).label("waiting_since"),
                func.max(InboundMessage.created_at).label("last_at"),
            )
            .where(InboundMessage.read_at.is_(None))
            .group_by(InboundMessage.candidate_id)
            .subquery()
        )
        stmt = (
            select(
                Candidate.id,
                Candidate.full_name,
                Candidate.username,
                Candidate.telegram_id,
                Candidate.city_id,
                City.name,
                unread.c.unread,
                unread.c.waiting_since,
                unread.c.last_at,
            )
            .join(unread, unread.c.candidate_id == Candidate.id)
            .outerjoin(City, City.id == Candidate.city_id)
            .where(*_in_cities(city_ids))
            .order_by(unread.c.waiting_since, Candidate.id)
            .limit(limit)
            .offset(offset)
        )
        return [UnreadThread(*row) for row in (await self.session.execute(stmt)).all()]


class NoteRepository(Repository[CandidateNote]):
    model = CandidateNote
    cache_tag = "candidate_notes"

    async def create(self, note: CandidateNote) -> CandidateNote:
        """Add and flush, so the note has its id."""
        self.session.add(note)
        await self.session.flush()
        return note

    async def of_candidate(self, candidate_id: int, limit: int) -> list[CandidateNote]:
        """The candidate's latest `limit` notes, newest first."""
        stmt = (
            select(CandidateNote)
            .where(CandidateNote.candidate_id == candidate_id)
            .order_by(CandidateNote.created_at.desc(), CandidateNote.id.desc())
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())


class TagRepository(Repository[Tag]):
    model = Tag
    cache_tag = "tags"

    async def find_or_create(self, name: str, key: str) -> Tag:
        """The tag of this folded name, made on first use; two people making it at once get
        the one the database kept (a savepoint keeps the unit of work usable)."""
        found = await self.by_key(key)
        if found is not None:
            return found
        tag = Tag(name=name, key=key)
        try:
            async with self._uow.savepoint():
                self.session.add(tag)
                await self.session.flush()
        except IntegrityError:
            kept = await self.by_key(key)
            assert kept is not None
            return kept
        return tag

    async def by_key(self, key: str) -> Tag | None:
        return (await self.session.scalars(select(Tag).where(Tag.key == key))).first()

    async def all_tags(self) -> list[tuple[Tag, int]]:
        """Every tag with how many candidates carry it, by name."""
        stmt = (
            select(Tag, func.count(CandidateTag.id))
            .outerjoin(CandidateTag, CandidateTag.tag_id == Tag.id)
            .group_by(Tag.id)
            .order_by(Tag.key)
        )
        return [(tag, int(n)) for tag, n in (await self.session.execute(stmt)).all()]

    async def of_candidate(self, candidate_id: int) -> list[Tag]:
        stmt = (
            select(Tag)
            .join(CandidateTag, CandidateTag.tag_id == Tag.id)
            .where(CandidateTag.candidate_id == candidate_id)
            .order_by(Tag.key)
        )
        return list((await self.session.scalars(stmt)).all())

    async def of_candidates(self, candidate_ids: Collection[int]) -> dict[int, list[str]]:
        """Tag names per candidate, for a page of the list or a batch of the export."""
        if not candidate_ids:
            return {}
        stmt = _TAGS_OF_ANY if on_postgresql(self.session) else _TAGS_OF_IN
        found: dict[int, list[str]] = {}
        rows = await self.session.execute(stmt, {"ids": sorted(candidate_ids)})
        for candidate_id, name in rows.all():
            found.setdefault(candidate_id, []).append(name)
        return found

    async def attach(self, candidate_id: int, tag_id: int, actor: str) -> bool:
        """Give the tag; False when the candidate carries it already (also when someone gave it
        at the same moment)."""
        try:
            async with self._uow.savepoint():
                self.session.add(
                    CandidateTag(candidate_id=candidate_id, tag_id=tag_id, actor=actor)
                )
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def detach(self, candidate_id: int, tag_id: int) -> bool:
        stmt = delete(CandidateTag).where(
            CandidateTag.candidate_id == candidate_id, CandidateTag.tag_id == tag_id
        )
        result = await self.session.execute(stmt)
        self._uow.mark_written("candidate_tags", "candidates")
        return bool(result.rowcount)  # type: ignore[attr-defined]

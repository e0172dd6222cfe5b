"""Calendar feeds (secret URLs) and the busy times read from recruiters' own calendars."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from storage.models import BusyCalendar, BusyTime, CalendarFeed, Recruiter
from storage.repositories.base import Repository

Interval = tuple[datetime, datetime]


class CalendarFeedRepository(Repository[CalendarFeed]):
    model = CalendarFeed
    cache_tag = "calendar_feeds"

    async def live_for(
        self, *, recruiter_id: int | None = None, admin_user_id: int | None = None
    ) -> CalendarFeed | None:
        """The holder's feed that is not revoked, if it has one."""
        stmt = select(CalendarFeed).where(
            CalendarFeed.revoked_at.is_(None),
            CalendarFeed.recruiter_id == recruiter_id
            if recruiter_id is not None
            else CalendarFeed.admin_user_id == admin_user_id,
        )
        return (await self.session.scalars(stmt)).first()

    async def live_by_token(self, token: str) -> CalendarFeed | None:
        stmt = select(CalendarFeed).where(
            CalendarFeed.token == token, CalendarFeed.revoked_at.is_(None)
        )
        return (await self.session.scalars(stmt)).first()

    async def create(
        self, *, recruiter_id: int | None = None, admin_user_id: int | None = None
    ) -> CalendarFeed:
        """A new feed with a fresh secret (the caller revokes the holder's old one first)."""
        feed = CalendarFeed(
            token=secrets.token_urlsafe(24),
            recruiter_id=recruiter_id,
            admin_user_id=admin_user_id,
        )
        self.session.add(feed)
        await self.session.flush()
        self._uow.mark_written(self.cache_tag)
        return feed

    async def ensure_live(
        self, *, recruiter_id: int | None = None, admin_user_id: int | None = None
    ) -> CalendarFeed:
        """The holder's live feed, created when it has none (a concurrent creation wins: its
        feed is read back, the unique index refusing the second)."""
        feed = await self.live_for(recruiter_id=recruiter_id, admin_user_id=admin_user_id)
        if feed is not None:
            return feed
        try:
            async with self._uow.savepoint():
                return await self.create(recruiter_id=recruiter_id, admin_user_id=admin_user_id)
        except IntegrityError:
            feed = await self.live_for(recruiter_id=recruiter_id, admin_user_id=admin_user_id)
            if feed is None:
                raise
            return feed

    async def revoke(
        self,
        now: datetime,
        *,
        recruiter_id: int | None = None,
        admin_user_id: int | None = None,
    ) -> bool:
        """Revoke the holder's live feed; False when it had none."""
        result = await self.session.execute(
            update(CalendarFeed)
            .where(
                CalendarFeed.revoked_at.is_(None),
                CalendarFeed.recruiter_id == recruiter_id
                if recruiter_id is not None
                else CalendarFeed.admin_user_id == admin_user_id,
            )
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        self._uow.mark_written(self.cache_tag)
        return bool(result.rowcount)  # type: ignore[attr-defined]


class BusyTimeRepository(Repository[BusyCalendar]):
    """A recruiter's own calendar (`BusyCalendar`, keyed by recruiter) and its busy intervals."""

    model = BusyCalendar
    cache_tag = "busy_calendars"

    async def source_of(self, recruiter_id: int) -> BusyCalendar | None:
        return await self.session.get(BusyCalendar, recruiter_id)

    async def set_source(self, recruiter_id: int, url: str | None) -> None:
        """Give (or change) the recruiter's calendar URL, or take it away with its busy times.
        A changed URL starts afresh: no validators, fetched at the next round."""
        source = await self.session.get(BusyCalendar, recruiter_id)
        self._uow.mark_written(self.cache_tag, "busy_times")
        if url is None:
            if source is not None:
                await self.session.delete(source)
            await self.session.execute(
                delete(BusyTime).where(BusyTime.recruiter_id == recruiter_id)
            )
            return
        if source is None:
            self.session.add(BusyCalendar(recruiter_id=recruiter_id, url=url))
        elif source.url != url:
            source.url = url
            source.etag = source.last_modified = None
            source.checked_at = source.fetched_at = source.error_at = None
            source.read_at = None
            source.error = None
            await self.session.execute(
                delete(BusyTime).where(BusyTime.recruiter_id == recruiter_id)
            )
        await self.session.flush()

    async def _forget_times(self, recruiter_id: int) -> None:
        await self.session.execute(delete(BusyTime).where(BusyTime.recruiter_id == recruiter_id))

    async def due(self, checked_before: datetime) -> list[tuple[BusyCalendar, str]]:
        """Calendars of active recruiters never tried, or last tried before `checked_before`,
        oldest first, each with its recruiter's time zone."""
        stmt = (
            select(BusyCalendar, Recruiter.timezone)
            .join(Recruiter, Recruiter.id == BusyCalendar.recruiter_id)
            .where(
                Recruiter.active.is_(True),
                or_(BusyCalendar.checked_at.is_(None), BusyCalendar.checked_at < checked_before),
            )
            .order_by(BusyCalendar.checked_at.is_not(None), BusyCalendar.checked_at)
        )
        return [(source, zone) for source, zone in (await self.session.execute(stmt)).all()]

    async def claim(
        self, recruiter_id: int, url: str, checked_before: datetime, now: datetime
    ) -> bool:
        """Marks the calendar as being read now, if it is still due and still has this address:
        True when this caller got it (so several instances never read the same one at once)."""
        result = await self.session.execute(
            update(BusyCalendar)
            .where(
                BusyCalendar.recruiter_id == recruiter_id,
                BusyCalendar.url == url,
                or_(BusyCalendar.checked_at.is_(None), BusyCalendar.checked_at < checked_before),
            )
            .values(checked_at=now)
            .execution_options(synchronize_session=False)
        )
        self._uow.mark_written(self.cache_tag)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def _update_if_url(self, recruiter_id: int, url: str, **values: object) -> bool:
        """Updates the calendar only if it still has the address that was read (a conditional
        UPDATE: it waits for, and then sees, an address changed meanwhile)."""
        result = await self.session.execute(
            update(BusyCalendar)
            .where(BusyCalendar.recruiter_id == recruiter_id, BusyCalendar.url == url)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        self._uow.mark_written(self.cache_tag)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def record_copy(
        self,
        recruiter_id: int,
        url: str,
        now: datetime,
        intervals: Iterable[Interval],
        *,
        etag: str | None,
        last_modified: str | None,
    ) -> bool:
        """A good copy of the calendar at `url`: its busy intervals replace the old ones. False
        (nothing written) when the recruiter's calendar no longer has that address."""
        recorded = await self._update_if_url(
            recruiter_id,
            url,
            etag=etag,
            last_modified=last_modified,
            checked_at=now,
            fetched_at=now,
            read_at=now,
            error=None,
            error_at=None,
        )
        if not recorded:
            return False
        await self._forget_times(recruiter_id)
        self.session.add_all(
            BusyTime(recruiter_id=recruiter_id, starts_at=s, ends_at=e) for s, e in intervals
        )
        self._uow.mark_written(self.cache_tag, "busy_times")
        await self.session.flush()
        return True

    async def record_unchanged(self, recruiter_id: int, url: str, now: datetime) -> bool:
        """The calendar answered "not modified": the copy held is still good."""
        return await self._update_if_url(
            recruiter_id, url, checked_at=now, fetched_at=now, error=None, error_at=None
        )

    async def record_error(self, recruiter_id: int, url: str, now: datetime, error: str) -> bool:
        """A failed read: the busy times of the last good copy stay."""
        return await self._update_if_url(
            recruiter_id, url, checked_at=now, error_at=now, error=error[:500]
        )

    async def busy_between(
        self, recruiter_ids: Sequence[int], start: datetime, end: datetime
    ) -> dict[int, list[Interval]]:
        """Each recruiter's busy intervals that overlap [start, end), by start."""
        if not recruiter_ids:
            return {}
        stmt = (
            select(BusyTime.recruiter_id, BusyTime.starts_at, BusyTime.ends_at)
            .where(
                BusyTime.recruiter_id.in_(set(recruiter_ids)),
                BusyTime.starts_at < end,
                BusyTime.ends_at > start,
            )
            .order_by(BusyTime.recruiter_id, BusyTime.starts_at)
        )
        found: dict[int, list[Interval]] = {}
        for recruiter_id, s, e in (await self.session.execute(stmt)).all():
            found.setdefault(recruiter_id, []).append((s, e))
        return found

    async def count_ending_after(self, recruiter_id: int, moment: datetime) -> int:
        """How many of the recruiter's busy intervals end after `moment` (those still ahead)."""
        stmt = select(func.count()).where(
            BusyTime.recruiter_id == recruiter_id, BusyTime.ends_at > moment
        )
        return int((await self.session.scalar(stmt)) or 0)

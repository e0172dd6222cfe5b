"""Panel accounts, their sessions, failed sign-ins and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, case, delete, select

from storage.dialect import upserting
from storage.models import AdminSession, AdminUser, ApiToken, LoginFailure, Recruiter
from storage.repositories.base import Repository


class AdminUserRepository(Repository[AdminUser]):
    model = AdminUser
    cache_tag = "admin_users"

    async def get_by_login(self, login: str) -> AdminUser | None:
        stmt = select(AdminUser).where(AdminUser.login == login)
        return (await self.session.scalars(stmt)).first()

    async def linked_elsewhere(self, recruiter_id: int, besides: int | None) -> bool:
        """Whether an account other than `besides` is linked to the recruiter."""
        stmt = select(AdminUser.id).where(AdminUser.recruiter_id == recruiter_id)
        if besides is not None:
            stmt = stmt.where(AdminUser.id != besides)
        return (await self.session.scalars(stmt.limit(1))).first() is not None

    async def list_with_recruiter_names(self) -> list[tuple[AdminUser, str | None]]:
        """Every account by login, with its linked recruiter's name: one query."""
        stmt = (
            select(AdminUser, Recruiter.name)
            .outerjoin(Recruiter, Recruiter.id == AdminUser.recruiter_id)
            .order_by(AdminUser.login)
        )
        return [(user, name) for user, name in (await self.session.execute(stmt)).all()]


class AdminSessionRepository(Repository[AdminSession]):
    model = AdminSession
    cache_tag = "admin_sessions"

    async def account_for(self, session_id: str, now: datetime) -> AdminUser | None:
        """The active account of an unexpired session: one query, on every panel request."""
        stmt = (
            select(AdminUser)
            .join(AdminSession, AdminSession.admin_user_id == AdminUser.id)
            .where(
                AdminSession.id == session_id,
                AdminSession.expires_at > now,
                AdminUser.active.is_(True),
            )
        )
        return (await self.session.scalars(stmt)).first()

    async def end(self, session_id: str) -> None:
        await self.session.execute(delete(AdminSession).where(AdminSession.id == session_id))

    async def end_for_account(self, admin_user_id: int, *, keep: str | None = None) -> None:
        """Every session of the account ends, except `keep` (the one asking) if given."""
        stmt = delete(AdminSession).where(AdminSession.admin_user_id == admin_user_id)
        if keep is not None:
            stmt = stmt.where(AdminSession.id != keep)
        await self.session.execute(stmt)

    async def end_expired(self, now: datetime) -> None:
        await self.session.execute(delete(AdminSession).where(AdminSession.expires_at <= now))


class LoginFailureRepository(Repository[LoginFailure]):
    model = LoginFailure
    cache_tag = "login_failures"

    async def count_attempt(
        self, login: str, address: str, *, now: datetime, until: datetime, limit: int
    ) -> int | None:
        """Count one more attempt in a single statement (an upsert that adds 1 and returns the
        count), unless `limit` attempts are counted already and not yet expired: then None and
        nothing changes. Concurrent attempts each get their own count, so no more than `limit`
        ever get a number."""
        table = LoginFailure.__table__
        expired = table.c.expires_at <= now
        stmt = (
            upserting(self.session, LoginFailure)
            .values(login=login, address=address, failures=1, expires_at=until)
            .on_conflict_do_update(
                index_elements=["login", "address"],
                set_={
                    "failures": case((expired, 1), else_=table.c.failures + 1),
                    "expires_at": until,
                },
                where=(table.c.failures < limit) | expired,
            )
            .returning(table.c.failures)
        )
        counted = (await self.session.execute(stmt)).scalar_one_or_none()
        return None if counted is None else int(counted)

    async def forget(self, login: str, address: str) -> None:
        await self.session.execute(
            delete(LoginFailure).where(LoginFailure.login == login, LoginFailure.address == address)
        )

    async def forget_expired(self, now: datetime) -> None:
        await self.session.execute(delete(LoginFailure).where(LoginFailure.expires_at <= now))


# Built once: every API call runs it, and building a statement (and its cache key) per call
# cost more than the database's part.
_ACTIVE_WITH_ACCOUNT = (
    select(ApiToken, AdminUser)
    .join(AdminUser, AdminUser.id == ApiToken.admin_user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


class ApiTokenRepository(Repository[ApiToken]):
    model = ApiToken
    cache_tag = "api_tokens"

    async def active_with_account(self, token_hash: str) -> tuple[ApiToken, AdminUser] | None:
        """The unrevoked token of this hash with its account (active or not): one query."""
        found = (
            await self.session.execute(_ACTIVE_WITH_ACCOUNT, {"token_hash": token_hash})
        ).first()
        return None if found is None else (found[0], found[1])

    async def list_with_owner_logins(self) -> list[tuple[ApiToken, str]]:
        """Every token, newest first, with its account's login: one query."""
        stmt = (
            select(ApiToken, AdminUser.login)
            .join(AdminUser, AdminUser.id == ApiToken.admin_user_id)
            .order_by(ApiToken.id.desc())
        )
        return [(token, login) for token, login in (await self.session.execute(stmt)).all()]

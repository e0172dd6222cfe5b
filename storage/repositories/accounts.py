"""Panel accounts and API tokens."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from storage.models import AdminUser, ApiToken, Recruiter
from storage.repositories.base import Repository


class AdminUserRepository(Repository[AdminUser]):
    model = AdminUser
    cache_tag = "admin_users"

    async def get_by_login(self, login: str) -> AdminUser | None:
        stmt = select(AdminUser).where(AdminUser.login == login)
        return (await self.session.scalars(stmt)).first()

    async def list_with_recruiter_names(self) -> list[tuple[AdminUser, str | None]]:
        """Every account by login, with its linked recruiter's name: one query."""
        stmt = (
            select(AdminUser, Recruiter.name)
            .outerjoin(Recruiter, Recruiter.id == AdminUser.recruiter_id)
            .order_by(AdminUser.login)
        )
        return [(user, name) for user, name in (await self.session.execute(stmt)).all()]


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

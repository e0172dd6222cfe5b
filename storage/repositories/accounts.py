"""Panel accounts and API tokens."""

from __future__ import annotations

from sqlalchemy import select

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


class ApiTokenRepository(Repository[ApiToken]):
    model = ApiToken
    cache_tag = "api_tokens"

    async def get_active_by_hash(self, token_hash: str) -> ApiToken | None:
        stmt = select(ApiToken).where(
            ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None)
        )
        return (await self.session.scalars(stmt)).first()

    async def list_with_owner_logins(self) -> list[tuple[ApiToken, str]]:
        """Every token, newest first, with its account's login: one query."""
        stmt = (
            select(ApiToken, AdminUser.login)
            .join(AdminUser, AdminUser.id == ApiToken.admin_user_id)
            .order_by(ApiToken.id.desc())
        )
        return [(token, login) for token, login in (await self.session.execute(stmt)).all()]

"""Panel accounts and API tokens."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AdminUser, ApiToken
from storage.repositories.base import Repository


class AdminUserRepository(Repository[AdminUser]):
    model = AdminUser
    cache_tag = "admin_users"

    async def get_by_login(self, login: str) -> AdminUser | None:
        stmt = select(AdminUser).where(AdminUser.login == login)
        return (await self.session.scalars(stmt)).first()


class ApiTokenRepository(Repository[ApiToken]):
    model = ApiToken
    cache_tag = "api_tokens"

    async def get_active_by_hash(self, token_hash: str) -> ApiToken | None:
        stmt = select(ApiToken).where(
            ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None)
        )
        return (await self.session.scalars(stmt)).first()

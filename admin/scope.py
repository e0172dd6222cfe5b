"""What a signed-in account may see: an admin everything, a recruiter their own cities' candidates
and their own slots and bookings. Everything outside the scope answers 404, as if absent."""

from __future__ import annotations

from dataclasses import dataclass

from core.enums import AdminRole
from core.errors import Forbidden
from domain.organisation.directory import recruiter_city_ids
from domain.records import AdminUser
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Scope:
    user_id: int
    login: str
    is_admin: bool
    recruiter_id: int | None = None
    city_ids: frozenset[int] | None = None  # None: every city
    token_id: int | None = None  # an API call: which of the account's tokens
    locale: str | None = None  # the account's chosen language (None: the browser's)

    @property
    def actor(self) -> str:
        """`admin:<account>` in the panel, `admin:<account>:token:<token>` through the API."""
        account = f"admin:{self.user_id}"
        return account if self.token_id is None else f"{account}:token:{self.token_id}"

    @property
    def own_recruiter(self) -> int | None:
        """Whose slots and bookings this account may see: None for an admin (everyone's), the
        linked recruiter for a recruiter account (-1, no one's, while none is linked)."""
        return None if self.is_admin else (self.recruiter_id or -1)

    def sees_city(self, city_id: int | None) -> bool:
        return self.city_ids is None or (city_id is not None and city_id in self.city_ids)

    def sees_recruiter(self, recruiter_id: int) -> bool:
        return self.is_admin or recruiter_id == self.recruiter_id

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("Only admins can do this.")


async def scope_for(uow: UnitOfWork, user: AdminUser, *, token_id: int | None = None) -> Scope:
    if user.role is AdminRole.ADMIN:
        return Scope(user.id, user.login, is_admin=True, token_id=token_id, locale=user.locale)
    cities: frozenset[int] = frozenset()
    if user.recruiter_id is not None:
        cities = await recruiter_city_ids(uow, user.recruiter_id)
    return Scope(user.id, user.login, False, user.recruiter_id, cities, token_id, user.locale)

"""Panel accounts and API tokens."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator

from admin.schemas.common import Id, Input, ShortName
from core.enums import AdminRole
from domain.organisation.account_admin import link_problem, login_problem, password_problem


class AccountIn(Input):
    """The rules are the service's, so the form says what the service would."""

    login: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    role: AdminRole = AdminRole.RECRUITER
    recruiter_id: Id | None = Field(None, validate_default=True)

    @field_validator("login")
    @classmethod
    def _login(cls, login: str) -> str:
        login = login.strip()
        if (problem := login_problem(login)) is not None:
            raise ValueError(problem)
        return login

    @field_validator("password")
    @classmethod
    def _password(cls, password: str) -> str:
        if (problem := password_problem(password)) is not None:
            raise ValueError(problem)
        return password

    @field_validator("recruiter_id")
    @classmethod
    def _linked(cls, recruiter_id: int | None, info: ValidationInfo) -> int | None:
        role = info.data.get("role")
        if role is not None and (problem := link_problem(role, recruiter_id)) is not None:
            raise ValueError(problem)
        return recruiter_id


class ApiTokenIn(Input):
    admin_user_id: Id
    name: ShortName

"""Recruiter personas for the workspace tests: linked through a real invite."""

from __future__ import annotations

from sqlalchemy import select

from core.result import Success
from domain.organisation.invites import create_invite
from storage.models import Recruiter
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp


async def recruiter_id(app: RunningApp, name: str) -> int:
    async with app.app.uow_factory() as uow:
        return (await uow.session.scalars(select(Recruiter.id).where(Recruiter.name == name))).one()


async def invite(app: RunningApp, name: str = "Анна Смирнова") -> str:
    async with app.app.uow_factory() as uow:
        result = await create_invite(uow, await recruiter_id(app, name), app.clock)
    assert isinstance(result, Success)
    return result.value


async def invited_recruiter(app: RunningApp, name: str = "Анна Смирнова") -> Chat:
    chat = Chat(await app.sandbox.persona(name.split()[0], language="ru", persona="recruiter"))
    (linked,) = await chat.start(await invite(app, name), expect=1)
    assert linked["text"].startswith(f"Вы привязаны как {name}")
    return chat

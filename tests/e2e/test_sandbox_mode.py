"""With no token, the application runs against its own Bot API server: a person can talk to it."""

from __future__ import annotations

import gc

from sqlalchemy import func, select

from storage.models import AdminUser, City, Slot
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp


async def test_start_gets_the_bots_answer_in_the_chat_and_the_candidate_is_stored(
    running_app: RunningApp,
) -> None:
    ann = await running_app.sandbox.persona("Ann", language="en")
    chat = Chat(ann)
    reply, consent = await chat.start("vk_spring", agree=False)
    assert reply["text"].startswith("Hello, Ann!")
    assert consent["text"].startswith("Before we start")
    assert [b["text"] for b in consent["buttons"][0]] == ["✅ I agree", "I do not agree"]
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(ann.id)
        assert candidate is not None
        assert candidate.source == "vk_spring"
        assert (candidate.full_name, candidate.consent) == (None, None)  # nothing before Agree
    (city_question,) = await chat.press("✅ I agree")
    assert [b[0]["text"] for b in city_question["buttons"]][:2] == ["Berlin", "Kaliningrad"]
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(ann.id)
        assert candidate is not None
        assert (candidate.full_name, candidate.consent) == ("Ann", "agreed")


async def test_a_russian_speaker_gets_russian(running_app: RunningApp) -> None:
    ivan = await running_app.sandbox.persona("Иван", language="ru")
    reply, city_question = await Chat(ivan).start()
    assert reply["text"].startswith("Здравствуйте, Иван!")
    assert city_question["text"].startswith("В каком вы городе?")


async def test_an_empty_database_gets_demo_data_and_a_one_time_admin(
    running_app: RunningApp,
) -> None:
    async with running_app.app.uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(City)) == 4
        assert (await uow.session.scalar(select(func.count()).select_from(Slot)) or 0) > 50
        admin = (await uow.session.scalars(select(AdminUser))).one()
    out = running_app.output
    assert f"Chat with the bot:  {running_app.url}/sandbox/" in out
    assert f"Admin panel:        {running_app.url}/" in out
    assert f"One-time login:     {admin.login} / " in out
    password = out.split(f"{admin.login} / ")[1].split()[0]
    from domain.organisation.accounts import password_matches

    assert await password_matches(admin.password_hash, password)
    # ...and it opens the panel.
    import re

    page = await (await running_app.http.get(running_app.url + "/login")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    response = await running_app.http.post(
        running_app.url + "/login",
        data={"login": admin.login, "password": password, "csrf": csrf.group(1)},
    )
    assert str(response.url) == running_app.url + "/"  # the dashboard
    assert "Dashboard" in await response.text()
    recruiters = await running_app.http.get(running_app.url + "/recruiters")
    assert "Анна Смирнова" in await recruiters.text()


async def test_the_web_chat_is_served_and_its_short_address_redirects(
    running_app: RunningApp,
) -> None:
    async with running_app.http.get(running_app.url + "/sandbox") as response:
        assert response.status == 200
        assert str(response.url).endswith("/sandbox/")
        page = await response.text()
    assert "<title>Sandbox chat</title>" in page
    async with running_app.http.get(running_app.url + "/sandbox/static/chat.js") as response:
        assert response.status == 200


async def test_health_reports_the_bot_polling_the_sandbox(running_app: RunningApp) -> None:
    async with running_app.http.get(running_app.url + "/health") as response:
        body = await response.json()
    assert body["bot"] == "polling"


async def test_start_ups_objects_are_set_aside_from_full_collections_until_it_stops(
    running_app: RunningApp,
) -> None:
    """core.long_lived: a full garbage collection no longer walks what start-up built, nor a
    part built at its first request; all is given back when the application stops."""
    at_start = gc.get_freeze_count()
    assert at_start > 100_000  # modules, classes and the application's parts
    async with running_app.http.get(running_app.url + "/login") as answer:
        assert answer.status == 200  # the panel's pages were built at this request
    assert gc.get_freeze_count() > at_start
    await running_app.stop()
    assert gc.get_freeze_count() == 0

"""Issue 17's "done when", in one sandbox run: a booked candidate asks a question; their recruiter
answers by a reply in the chat; the candidate reads it under the recruiter's name; the candidate
writes again; the admin finds the conversation in the panel's inbox, sees the whole thread,
answers there (the candidate reads it too) and the unread count is zero."""

from __future__ import annotations

import re

from domain.organisation.accounts import create_admin
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import book_first_time, screened, wait_for_message, wait_for_text
from tests.e2e.recruiting import invited_recruiter

PASSWORD = "a long password 17"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def _csrf(app: RunningApp, path: str) -> str:
    page = await (await app.http.get(app.url + path)).text()
    found = _CSRF.search(page)
    assert found is not None
    return found.group(1)


async def _inbox_badge(app: RunningApp) -> str:
    page = await (await app.http.get(app.url + "/")).text()
    found = re.search(r'href="/inbox"[^>]*>([^<]*)<', page)
    assert found is not None
    return found.group(1).strip()


async def test_a_question_answered_in_the_chat_and_then_in_the_panel(
    running_app: RunningApp,
) -> None:
    app = running_app
    recruiter = await invited_recruiter(app)
    candidate = await screened(app, "en", city="Москва")
    await book_first_time(candidate, "en", expect=1)
    await app.deliver_outbox()
    await wait_for_message(recruiter, "⏳")  # the booking's card

    seen = len(await recruiter.bot_messages())
    await candidate.say("Can I come at 9 instead?")
    await app.deliver_outbox()
    relayed = await wait_for_text(recruiter, "Can I come at 9 instead?", after=seen)
    before = len(await candidate.bot_messages())
    await recruiter.say("Yes, 9 works too", reply_to=relayed["message_id"])
    await app.deliver_outbox()
    answer = await wait_for_text(candidate, "Yes, 9 works too", after=before)
    assert "Анна Смирнова" in answer["text"]  # the recruiter's name

    await candidate.say("Thanks! Where do I park?")
    async with app.app.uow_factory() as uow:
        await create_admin(uow, "boss", PASSWORD)
    await app.http.post(
        app.url + "/login",
        data={"login": "boss", "password": PASSWORD, "csrf": await _csrf(app, "/login")},
    )
    assert await _inbox_badge(app) == "Inbox (1)"
    inbox = await (await app.http.get(app.url + "/inbox")).text()
    thread_link = re.search(r'href="(/candidates/(\d+))[^"]*"', inbox.split("Ann Smith")[0][-400:])
    assert thread_link is not None, "the conversation is in the inbox"
    path = thread_link.group(1)

    thread = await (await app.http.get(app.url + path)).text()
    order = [
        thread.index("Can I come at 9 instead?"),
        thread.index("Yes, 9 works too"),
        thread.index("Thanks! Where do I park?"),
    ]
    assert order == sorted(order), "the thread reads oldest first"
    assert await _inbox_badge(app) == "Inbox"  # opening the thread read it

    before = len(await candidate.bot_messages())
    posted = await app.http.post(
        app.url + path + "/message",
        data={"text": "Behind the building, gate 2", "csrf": await _csrf(app, path)},
    )
    assert posted.status == 200
    await app.deliver_outbox()
    from_panel = await wait_for_text(candidate, "Behind the building, gate 2", after=before)
    assert "boss" in from_panel["text"]  # under the account's name
    thread = await (await app.http.get(app.url + path)).text()
    assert "Behind the building, gate 2" in thread

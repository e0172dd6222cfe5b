"""The auto-messages form's tools before and while a broadcast goes out: the number of people
its audience reaches (live for the page's script, and the Count button without it), a test send
to the account's own Telegram chat, and the progress the list refreshes while sending."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import CandidateStatus
from core.result import Success
from core.send_rate import SendRate
from domain.messaging.auto_messages import create_auto_message, run_auto_messages
from domain.messaging.rendering import render
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from scheduler.outbox_delivery import OutboxDelivery
from storage.models import AutoMessage, Notification
from tests.admin.conftest import Panel
from tests.integration.test_outbox_delivery import FakeBot
from tests.support.factories import NOW, make_candidate

CATALOG = Catalog.load("ru")
BORIS_CHAT = 777_001
S = CandidateStatus


async def _people(panel: Panel) -> None:
    """Kazan: three people who passed screening (one applied twice), one blocked, one erased,
    one who did not come; Samara: one who passed."""
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
        await make_candidate(uow, kazan, full_name="Ann", status=S.SCREENING_PASSED)
        twice = await make_candidate(uow, kazan, full_name="Bob", is_current=False)
        await make_candidate(uow, kazan, full_name="Bob", telegram_id=twice.telegram_id)
        await make_candidate(uow, kazan, full_name="Cid", status=S.SCREENING_PASSED)
        await make_candidate(uow, kazan, full_name="Dan", reachable=False)
        await make_candidate(uow, kazan, full_name=None, reachable=False, erased_at=NOW)
        await make_candidate(uow, kazan, full_name="Eve", status=S.NO_SHOW)
        await make_candidate(uow, samara, full_name="Fay", status=S.SCREENING_PASSED)
        await uow.commit()


async def _link_boss_to_boris(panel: Panel, *, chat: int | None = BORIS_CHAT) -> None:
    async with panel.storage.uow() as uow:
        boss = await uow.admin_users.get_by_login("boss")
        boris = await uow.recruiters.get(panel.boris_id)
        assert boss is not None and boris is not None
        boss.recruiter_id = boris.id
        boris.telegram_chat_id = chat
        await uow.commit()


async def _set_locale(panel: Panel, locale: str) -> None:
    async with panel.storage.uow() as uow:
        boss = await uow.admin_users.get_by_login("boss")
        assert boss is not None
        boss.locale = locale
        await uow.commit()


async def _notifications(panel: Panel) -> list[Notification]:
    async with panel.storage.uow() as uow:
        rows = await uow.session.scalars(select(Notification).order_by(Notification.id))
        return list(rows.all())


async def _messages(panel: Panel) -> list[AutoMessage]:
    async with panel.storage.uow() as uow:
        return list(await uow.auto_messages.list(limit=100))


def _kazan_passed(panel: Panel) -> list[tuple[str, str]]:
    return [("city_ids", str(panel.kazan_id)), ("statuses", "screening_passed")]


async def _broadcast(panel: Panel, audience: dict[str, Any]) -> int:
    spec = {"name": "News", "kind": "broadcast", "text": "Hi {{ name }}", "audience": audience}
    async with panel.storage.uow() as uow:
        made = await create_auto_message(uow, CATALOG, spec, FrozenClock(NOW))
    assert isinstance(made, Success)
    return made.value.id


async def _run(panel: Panel) -> int:
    """The scheduler's pass over auto-messages: how many messages it queued."""
    return await run_auto_messages(panel.storage.uow, CATALOG, FrozenClock(NOW), BookingRules())


def _error(page: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="{re.escape(field)}-error">([^<]*)</div>', page)
    assert match, page
    return match.group(1)


async def test_the_live_count_is_the_people_the_broadcast_will_write_to(panel: Panel) -> None:
    await _people(panel)
    await panel.login()
    response = await panel.post("/auto-messages/audience", _kazan_passed(panel))
    assert response.status == 200
    assert await response.json() == {"count": 3, "text": "3 people will receive it"}
    everyone = await (await panel.post("/auto-messages/audience", {})).json()
    assert everyone["count"] == 5  # the blocked, the erased and Bob's second application left out
    one = [("city_ids", str(panel.samara_id))]
    assert (await (await panel.post("/auto-messages/audience", one)).json())["text"] == (
        "1 person will receive it"
    )
    # The run writes to exactly those the count said.
    await _broadcast(panel, {"city_ids": [panel.kazan_id], "statuses": ["screening_passed"]})
    assert await _run(panel) == 3
    assert sorted(n.payload["text"] for n in await _notifications(panel)) == [
        "Hi Ann",
        "Hi Bob",
        "Hi Cid",
    ]


async def test_the_count_is_said_in_the_accounts_language(panel: Panel) -> None:
    await _people(panel)
    await _set_locale(panel, "ru")
    await panel.login()
    answer = await (await panel.post("/auto-messages/audience", _kazan_passed(panel))).json()
    assert answer["text"] == "Получат 3 человека"
    one = [("city_ids", str(panel.samara_id))]
    assert (await (await panel.post("/auto-messages/audience", one)).json())["text"] == (
        "Получит 1 человек"
    )


async def test_a_count_of_a_wrong_audience_says_which_field_and_why(panel: Panel) -> None:
    await panel.login()
    for fields, field, reason in (
        ({"statuses": "nope"}, "statuses", "known candidate statuses"),
        ({"city_ids": "x"}, "city_ids", "integer"),
        ({"registered_from": "yesterday"}, "registered_from", "date"),
        ({"timezone": "Mars/Base"}, "timezone", "IANA"),
    ):
        response = await panel.post("/auto-messages/audience", fields)
        assert response.status == 422, fields
        answer = await response.json()
        assert answer["field"] == field and reason in answer["error"], answer


async def test_the_count_button_shows_the_count_and_keeps_the_form(panel: Panel) -> None:
    await _people(panel)
    await panel.login()
    response = await panel.post(
        "/auto-messages",
        [("name", "Kept"), ("text", "Hi"), ("action", "count"), *_kazan_passed(panel)],
    )
    assert response.status == 200
    page = await response.text()
    assert re.search(r'<output id="audience-count"[^>]*>3 people will receive it</output>', page)
    assert 'value="Kept"' in page
    assert f'<option value="{panel.kazan_id}" selected>' in page
    assert await _messages(panel) == []  # counted, not created
    wrong = await panel.post("/auto-messages", {"statuses": "nope", "action": "count"})
    assert wrong.status == 422
    assert "known candidate statuses" in _error(await wrong.text(), "statuses")


async def test_a_test_send_reaches_the_accounts_own_chat_once(panel: Panel) -> None:
    await _people(panel)
    await _link_boss_to_boris(panel)
    await panel.login()
    response = await panel.post(
        "/auto-messages",
        [("name", "News"), ("text", "Hi {{ name }}!"), ("action", "test"), *_kazan_passed(panel)],
    )
    assert response.status == 200
    page = await response.text()
    assert "The test message is on its way to your Telegram chat." in page
    assert 'value="News"' in page
    [row] = await _notifications(panel)  # nobody in the audience: only the account's chat
    assert (row.recipient_chat_id, row.payload["text"]) == (BORIS_CHAT, "Hi Boris!")
    assert row.auto_message_id is None  # not one of a broadcast's: no progress counts it
    assert await _messages(panel) == []
    async with panel.storage.uow() as uow:
        [entry] = [e for e in await uow.audit.list(limit=100) if e.action == "test_send"]
        boss = await uow.admin_users.get_by_login("boss")
    assert boss is not None and entry.admin_user_id == boss.id
    assert entry.details is not None and entry.details["chat_id"] == BORIS_CHAT
    audit = await (await panel.client.get("/audit?action=test_send")).text()
    assert "test_send" in audit and "auto_message" in audit
    bot = FakeBot()
    worker = OutboxDelivery(panel.storage.uow, bot, FrozenClock(NOW), SendRate(1000, 0))  # type: ignore[arg-type]
    assert await worker.deliver_due() == 1
    assert bot.sent == [(BORIS_CHAT, "Hi Boris!")]


async def test_a_test_send_of_a_shipped_template_is_in_the_accounts_language(
    panel: Panel,
) -> None:
    await _link_boss_to_boris(panel)
    await _set_locale(panel, "ru")
    await panel.login()
    fields = {"name": "Новости", "kind": "broadcast", "template_key": "welcome", "action": "test"}
    response = await panel.post("/auto-messages", fields)
    assert response.status == 200
    assert "Пробное сообщение отправляется" in await response.text()
    [row] = await _notifications(panel)
    expected = render(CATALOG.shipped_template("welcome", "ru"), {"name": "Boris"})
    assert row.payload["text"] == expected


async def test_a_test_send_without_a_linked_chat_says_how_to_get_one(panel: Panel) -> None:
    await panel.login()
    fields = {"name": "News", "kind": "broadcast", "text": "Hi", "action": "test"}
    response = await panel.post("/auto-messages", fields)
    assert response.status == 422
    reason = _error(await response.text(), "test_send")
    assert reason.startswith("your account has no Telegram chat: link the account to a recruiter")
    await _link_boss_to_boris(panel, chat=None)  # linked, but the recruiter never opened the bot
    response = await panel.post("/auto-messages", fields)
    assert response.status == 422
    assert "no Telegram chat" in _error(await response.text(), "test_send")
    assert await _notifications(panel) == []


async def test_a_test_send_of_a_broken_text_is_refused_next_to_the_text(panel: Panel) -> None:
    await _link_boss_to_boris(panel)
    await panel.login()
    fields = {"name": "News", "kind": "broadcast", "text": "Hi {{ name", "action": "test"}
    response = await panel.post("/auto-messages", fields)
    assert response.status == 422
    assert "line 1" in _error(await response.text(), "text")
    assert await _notifications(panel) == []


async def _progress(panel: Panel) -> dict[str, Any]:
    response = await panel.client.get("/auto-messages/progress")
    assert response.status == 200
    answer: dict[str, Any] = await response.json()
    return answer


async def test_progress_while_a_broadcast_runs_and_after(panel: Panel) -> None:
    await _people(panel)
    message_id = await _broadcast(panel, {})
    await _set_locale(panel, "ru")
    await panel.login()
    page = await (await panel.client.get("/auto-messages")).text()
    assert 'data-sending="1"' in page  # due: the page's script asks until it is sent
    due = await _progress(panel)
    assert due["sending"] is True
    [scheduled] = due["messages"]
    assert (scheduled["id"], scheduled["state"]) == (message_id, "запланирована")

    assert await _run(panel) == 5
    running = (await _progress(panel))["messages"][0]
    assert (running["queued"], running["pending"], running["sent"]) == (5, 5, 0)
    assert running["sending"] is True
    assert running["text"].startswith("в очереди 5, отправлено 0")

    bot = FakeBot()
    worker = OutboxDelivery(panel.storage.uow, bot, FrozenClock(NOW), SendRate(1000, 0))  # type: ignore[arg-type]
    assert await worker.deliver_due() == 5
    after = await _progress(panel)
    assert after["sending"] is False  # the page's script stops asking
    [done] = after["messages"]
    assert (done["state"], done["queued"], done["sent"], done["pending"]) == ("завершена", 5, 5, 0)
    assert done["settled"] == 5
    page = await (await panel.client.get("/auto-messages")).text()
    assert 'data-sending="0"' in page
    assert '<progress max="5" value="5">' in page
    assert ">завершена<" in page and ">разовая<" in page  # state and kind in the catalogs' words


async def test_the_tools_are_for_admins_and_need_the_csrf_token(panel: Panel) -> None:
    await panel.login("rec")
    assert (await panel.client.get("/auto-messages/progress")).status == 403
    assert (await panel.post("/auto-messages/audience", {})).status == 403
    await panel.login()
    forged = await panel.client.post("/auto-messages/audience", data={"csrf": "forged"})
    assert forged.status == 403


async def test_an_admin_account_may_be_linked_to_a_recruiter_for_its_own_chat(
    panel: Panel,
) -> None:
    await panel.login()
    fields = {
        "login": "lead",
        "password": "a long password 2",
        "role": "admin",
        "recruiter_id": str(panel.boris_id),
    }
    response = await panel.post("/accounts", fields, allow_redirects=False)
    assert response.status == 303, await response.text()
    async with panel.storage.uow() as uow:
        lead = await uow.admin_users.get_by_login("lead")
    assert lead is not None and lead.recruiter_id == panel.boris_id


async def test_the_live_count_reads_the_audience_alone(panel: Panel) -> None:
    await _people(panel)
    await panel.login()
    half_typed = [("name", "x" * 300), ("after_hours", "soon"), *_kazan_passed(panel)]
    response = await panel.post("/auto-messages/audience", half_typed)
    assert (response.status, (await response.json())["count"]) == (200, 3)

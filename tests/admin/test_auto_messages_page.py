"""The panel's auto-messages page: defining broadcasts and triggers, refusals next to their
field, pausing and resuming, and each message's progress."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from core.clock import FrozenClock
from core.enums import AutoMessageKind, AutoMessageState, NotificationStatus
from core.result import Success
from domain.messaging.auto_messages import create_auto_message, newest_with_progress, progress
from domain.messaging.texts import Catalog
from storage.models import AutoMessage, Notification
from tests.admin.conftest import Panel
from tests.support.factories import NOW
from tests.support.query_counter import count_queries


async def _messages(panel: Panel) -> list[AutoMessage]:
    async with panel.storage.uow() as uow:
        return list(await uow.auto_messages.list(limit=100))


async def _boss_id(panel: Panel) -> int:
    async with panel.storage.uow() as uow:
        boss = await uow.admin_users.get_by_login("boss")
    assert boss is not None
    return boss.id


async def _define(panel: Panel, name: str = "Nudge") -> int:
    spec = {"name": name, "kind": "trigger", "trigger": "no_show_follow_up", "after_hours": 4}
    async with panel.storage.uow() as uow:
        result = await create_auto_message(
            uow, Catalog.load("ru"), {**spec, "text": "Hi"}, FrozenClock(NOW)
        )
    assert isinstance(result, Success)
    return result.value.id


def _error(page: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="{re.escape(field)}-error">([^<]*)</div>', page)
    assert match, page
    return match.group(1)


async def test_an_admin_defines_a_broadcast_at_a_local_time(panel: Panel) -> None:
    await panel.login()
    response = await panel.post(
        "/auto-messages",
        [
            ("name", "December news"),
            ("kind", "broadcast"),
            ("text", "Hi {{ name }}, we are hiring"),
            ("city_ids", str(panel.kazan_id)),
            ("city_ids", str(panel.samara_id)),
            ("statuses", "screening_passed"),
            ("statuses", "no_show"),
            ("source", "hh"),
            ("send_at", "2026-12-05T10:00"),
            ("timezone", "Europe/Samara"),
        ],
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == "/auto-messages"
    [message] = await _messages(panel)
    assert message.kind is AutoMessageKind.BROADCAST
    assert message.state is AutoMessageState.SCHEDULED
    assert message.send_at == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)  # 10:00 in Samara
    assert message.audience["city_ids"] == [panel.kazan_id, panel.samara_id]
    assert message.audience["statuses"] == ["screening_passed", "no_show"]
    assert message.audience["source"] == "hh"
    assert message.audience["text"] == "Hi {{ name }}, we are hiring"
    boss_id = await _boss_id(panel)
    async with panel.storage.uow() as uow:
        [entry] = [e for e in await uow.audit.list(limit=100) if e.entity == "auto_message"]
    assert (entry.action, entry.entity_id) == ("create", str(message.id))
    assert (entry.actor, entry.admin_user_id) == (f"admin:{boss_id}", boss_id)
    page = await (await panel.client.get("/auto-messages")).text()
    assert "Created the auto-message December news." in page
    assert '<option value="welcome"' in page
    assert '<option value="booking_confirmed"' not in page  # needs a booking: not offered
    row = page[page.index(f'id="auto-message-{message.id}"') :]
    assert "at 2026-12-05 06:00 UTC" in row
    assert "cities: Kazan, Samara; statuses: Passed screening, Did not come; source: hh" in row


async def test_a_broadcast_without_a_time_goes_now(panel: Panel) -> None:
    await panel.login()
    response = await panel.post(
        "/auto-messages",
        {"name": "Now", "kind": "broadcast", "template_key": "screening_passed"},
        allow_redirects=False,
    )
    assert response.status == 303
    [message] = await _messages(panel)
    assert (message.send_at, message.template_key) == (NOW, "screening_passed")


async def test_an_admin_defines_a_trigger_for_those_registered_in_a_period(
    panel: Panel,
) -> None:
    await panel.login()
    response = await panel.post(
        "/auto-messages",
        {
            "name": "Come back",
            "kind": "trigger",
            "template_key": "reschedule_pick",
            "trigger": "screening_passed_no_booking",
            "after_hours": "48",
            "registered_from": "2026-11-01",
            "registered_to": "2026-11-30",
            "send_at": "2026-12-05T10:00",  # only for broadcasts: ignored
        },
        allow_redirects=False,
    )
    assert response.status == 303
    [message] = await _messages(panel)
    assert message.kind is AutoMessageKind.TRIGGER
    assert message.trigger is not None and message.trigger.value == "screening_passed_no_booking"
    assert (message.trigger_after_hours, message.send_at) == (48, None)
    assert message.template_key == "reschedule_pick"
    # In the first city's zone (Moscow), the last day included.
    assert message.audience["registered_from"] == "2026-11-01T00:00:00+03:00"
    assert message.audience["registered_to"] == "2026-12-01T00:00:00+03:00"
    page = await (await panel.client.get("/auto-messages")).text()
    assert "passed screening but booked nothing, after 48 h" in page
    assert "registered from 2026-11-01; registered before 2026-12-01" in page


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        (
            {"kind": "trigger", "text": "Hi", "trigger": "no_show_follow_up", "after_hours": "0"},
            "after_hours",
            "whole hours from 1 to 2160",
        ),
        ({"kind": "broadcast", "template_key": "nope"}, "template_key", "a known template key"),
        ({"kind": "broadcast", "text": "Hi", "statuses": "nope"}, "statuses", "known candidate"),
        ({"kind": "trigger", "text": "Hi", "after_hours": "4"}, "trigger", "screening_passed"),
        ({"kind": "nope", "text": "Hi"}, "kind", "broadcast or trigger"),
        ({"kind": "broadcast", "text": "Hi {{ name"}, "text", "line 1"),
        ({"kind": "broadcast", "text": "Hi", "send_at": "soon"}, "send_at", "ISO 8601 date-time"),
        ({"kind": "broadcast", "text": "Hi", "timezone": "Mars/Base"}, "timezone", "IANA"),
        ({"kind": "broadcast", "text": "Hi", "city_ids": "x"}, "city_ids", "integer"),
    ],
)
async def test_a_refused_field_is_shown_next_to_it(
    panel: Panel, fields: dict[str, str], field: str, reason: str
) -> None:
    await panel.login()
    response = await panel.post("/auto-messages", {"name": "Typed & kept", **fields})
    assert response.status == 422
    page = await response.text()
    assert reason in _error(page, field)
    assert 'value="Typed &amp; kept"' in page
    assert await _messages(panel) == []


async def test_a_missing_name_is_refused(panel: Panel) -> None:
    await panel.login()
    response = await panel.post("/auto-messages", {"kind": "broadcast", "text": "Hi"})
    assert response.status == 422
    assert _error(await response.text(), "name") == "required"


async def test_pause_and_resume_change_the_state_and_are_audited(panel: Panel) -> None:
    message_id = await _define(panel)
    await panel.login()
    page = await (await panel.client.get("/auto-messages")).text()
    assert f'action="/auto-messages/{message_id}/pause"' in page
    paused = await panel.post(f"/auto-messages/{message_id}/pause", allow_redirects=False)
    assert paused.status == 303
    [message] = await _messages(panel)
    assert message.state is AutoMessageState.PAUSED
    page = await (await panel.client.get("/auto-messages")).text()
    assert "Paused the auto-message Nudge." in page
    assert f'action="/auto-messages/{message_id}/resume"' in page
    await panel.post(f"/auto-messages/{message_id}/resume")
    [message] = await _messages(panel)
    assert message.state is AutoMessageState.SCHEDULED
    boss_id = await _boss_id(panel)
    async with panel.storage.uow() as uow:
        entries = [e for e in await uow.audit.list(limit=100) if e.entity == "auto_message"]
    assert [(e.action, e.admin_user_id) for e in entries] == [
        ("create", None),
        ("pause", boss_id),
        ("resume", boss_id),
    ]
    missing = await panel.post("/auto-messages/999/pause")
    assert missing.status == 404
    odd = await panel.post("/auto-messages/abc/pause")
    assert odd.status == 404


async def _notifications(panel: Panel, message_id: int, *statuses: NotificationStatus) -> None:
    async with panel.storage.uow() as uow:
        for n, status in enumerate(statuses):
            uow.notifications.add(
                Notification(
                    kind="auto_message",
                    recipient_chat_id=100 + n,
                    auto_message_id=message_id,
                    payload={"text": "Hi"},
                    due_at=NOW,
                    dedupe_key=f"auto:{message_id}:{n}",
                    status=status,
                )
            )
        await uow.commit()


async def test_each_messages_progress_is_shown(panel: Panel) -> None:
    first, second = await _define(panel, "First"), await _define(panel, "Second")
    s = NotificationStatus
    await _notifications(panel, first, s.SENT, s.SENT, s.FAILED, s.UNREACHABLE, s.PENDING, s.HELD)
    await _notifications(panel, second, s.SENDING)
    await panel.login()
    page = await (await panel.client.get("/auto-messages")).text()
    cells = {
        int(m.group(1)): " ".join(re.sub(r"<[^>]*>", " ", m.group(2)).split())
        for m in re.finditer(
            r'id="auto-message-(\d+)".*?<td class="progress">(.*?)</td>', page, re.S
        )
    }
    assert cells == {
        first: "queued 6, sent 2, failed 1, unreachable 1, pending 2",
        second: "queued 1, sent 0, failed 0, unreachable 0, pending 1",
    }
    assert page.index('id="auto-message-2"') < page.index('id="auto-message-1"')  # newest first
    # The bars: what the sender is done with, of what was queued.
    assert '<progress max="6" value="4">' in page[page.index(f'id="auto-message-{first}"') :]


async def test_progress_for_the_whole_list_takes_two_queries(panel: Panel) -> None:
    ids = [await _define(panel, f"Message {n}") for n in range(5)]
    await _notifications(panel, ids[0], NotificationStatus.SENT)
    async with panel.storage.uow() as uow:
        with count_queries(panel.storage.engine) as queries:
            listed = await newest_with_progress(uow)
        assert len(queries) == 2
        assert [m.id for m, _ in listed] == ids[::-1]
        for message, counted in listed:
            assert counted == await progress(uow, message.id)
    assert listed[-1][1].sent == 1


async def test_recruiters_may_not_use_the_page(panel: Panel) -> None:
    message_id = await _define(panel)
    await panel.login("rec")
    assert (await panel.client.get("/auto-messages")).status == 403
    created = await panel.post("/auto-messages", {"name": "x", "kind": "broadcast", "text": "Hi"})
    assert created.status == 403
    assert (await panel.post(f"/auto-messages/{message_id}/pause")).status == 403
    assert [m.name for m in await _messages(panel)] == ["Nudge"]


async def test_forms_without_the_csrf_token_are_refused(panel: Panel) -> None:
    message_id = await _define(panel)
    await panel.login()
    client = panel.client
    created = await client.post("/auto-messages", data={"name": "x", "kind": "broadcast"})
    assert created.status == 403
    paused = await client.post(f"/auto-messages/{message_id}/pause", data={"csrf": "forged"})
    assert paused.status == 403
    [message] = await _messages(panel)
    assert message.state is AutoMessageState.SCHEDULED

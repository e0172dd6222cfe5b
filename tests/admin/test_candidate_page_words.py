"""A candidate's page in the reader's language where the system wrote the words: a history's
reason written by test 1 (a knock-out answer) and what the bot sent (a broadcast), and a
refusal to write to one who blocked the bot."""

from __future__ import annotations

from core.enums import CandidateStatus, NotificationStatus
from domain.screening.first_test import KNOCKED_OUT_REASON
from storage.models import CandidateStatusChange, Notification
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_candidate
from tests.support.languages import ENGLISH, RUSSIAN


async def test_the_systems_words_on_a_candidates_page_follow_the_reader(panel: Panel) -> None:
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        person = await make_candidate(
            uow, kazan, full_name="Ivan", status=CandidateStatus.SCREENING_FAILED, reachable=False
        )
        uow.session.add(
            CandidateStatusChange(
                candidate_id=person.id,
                to_status=CandidateStatus.SCREENING_FAILED,
                actor="candidate",
                reason=KNOCKED_OUT_REASON,
                created_at=NOW,
            )
        )
        uow.notifications.add(
            Notification(
                kind="auto_message",
                recipient_chat_id=person.telegram_id,
                candidate_id=person.id,
                payload={"text": "Hello"},
                due_at=NOW,
                dedupe_key="auto:1:1",
                status=NotificationStatus.SENT,
                sent_at=NOW,
            )
        )
        await uow.commit()
    await panel.login()
    page = f"/candidates/{person.id}"
    russian = await (await panel.client.get(page, headers=RUSSIAN)).text()
    assert "стоп-ответ в анкете" in russian and KNOCKED_OUT_REASON not in russian
    assert "(авторассылка)" in russian and "auto_message" not in russian
    english = await (await panel.client.get(page, headers=ENGLISH)).text()
    assert KNOCKED_OUT_REASON in english and "(a broadcast or an auto-message)" in english
    refused = await panel.post(f"{page}/message", {"text": "Hi"}, headers=RUSSIAN)
    assert refused.status == 422
    assert "кандидат заблокировал бота" in await refused.text()

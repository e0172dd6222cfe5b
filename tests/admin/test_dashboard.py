"""The dashboard's figures from rows a test writes, limited to a recruiter's cities."""

from __future__ import annotations

from datetime import timedelta

from core.enums import BookingStatus, CandidateStatus, NotificationStatus, SlotPurpose
from domain.reporting.dashboard import funnel
from storage.models import Booking, CandidateStatusChange, Notification
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_candidate, make_slot

S = CandidateStatus


def test_each_stage_converts_from_the_one_before() -> None:
    stages = funnel({"Started": 10, "Passed screening": 6, "Booked an interview": 3})
    counts = {s.name: s.count for s in stages}
    assert (counts["Started"], counts["Passed screening"], counts["Hired"]) == (10, 6, 0)
    assert stages[1].conversion == 0.6
    assert stages[2].conversion == 0.5
    assert stages[0].conversion is None


async def _fill(panel: Panel) -> None:
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
        anna = await uow.recruiters.get(panel.anna_id)
        boris = await uow.recruiters.get(panel.boris_id)
        assert kazan and samara and anna and boris
        for status in (S.NEW, S.SCREENING_PASSED, S.HIRED):
            await make_candidate(uow, kazan, status=status)
        await make_candidate(uow, samara, status=S.NO_SHOW, full_name="Samara Person")
        came = await make_candidate(uow, kazan, status=S.INTERVIEWED_PASSED, full_name="Came")
        missed = await make_candidate(uow, kazan, status=S.NO_SHOW, full_name="Missed")
        today = await make_candidate(
            uow, kazan, status=S.INTERVIEW_CONFIRMED, full_name="<b>Ivy</b>"
        )
        uow.session.add(
            CandidateStatusChange(
                candidate_id=came.id,
                to_status=S.SCREENING_PASSED,
                actor="bot",
                created_at=NOW - timedelta(days=5),
            )
        )
        past = await make_slot(uow, anna, kazan, NOW - timedelta(days=3))
        past2 = await make_slot(uow, anna, kazan, NOW - timedelta(days=2))
        now_slot = await make_slot(uow, anna, kazan, NOW + timedelta(hours=2))
        await make_slot(uow, boris, samara, NOW + timedelta(hours=3))
        for slot, who, status in (
            (past, came, BookingStatus.ATTENDED),
            (past2, missed, BookingStatus.NO_SHOW),
            (now_slot, today, BookingStatus.CONFIRMED),
        ):
            uow.session.add(
                Booking(
                    slot_id=slot.id,
                    candidate_id=who.id,
                    purpose=SlotPurpose.INTERVIEW,
                    status=status,
                )
            )
        for n, (status, due) in enumerate(
            [
                (NotificationStatus.PENDING, NOW - timedelta(minutes=1)),
                (NotificationStatus.PENDING, NOW + timedelta(hours=1)),
                (NotificationStatus.FAILED, NOW),
            ]
        ):
            uow.session.add(
                Notification(
                    kind="t",
                    recipient_chat_id=1,
                    payload={},
                    due_at=due,
                    status=status,
                    dedupe_key=f"k{n}",
                )
            )
        await uow.commit()


async def test_an_admin_sees_the_whole_operation(panel: Panel) -> None:
    await _fill(panel)
    await panel.login()
    page = await (await panel.client.get("/")).text()
    assert 'id="no-show">50 %' in page  # one attended, one missed
    assert 'id="time-to-interview">2.0 days' in page  # screened 5 days ago, interview 3 ago
    assert 'id="queue-due">1 due' in page
    assert 'id="queue-failed">1 failed' in page
    assert "&lt;b&gt;Ivy&lt;/b&gt;" in page and "<b>Ivy</b>" not in page
    # 09:00 UTC + 2 h, shown in Kazan's zone (UTC+3), labelled
    assert '<td>14:00 <span class="muted zone">Europe/Moscow</span></td>' in page
    assert 'id="cache-hit-rate"' in page
    assert "<td>Started</td><td>7</td>" in page


async def test_a_recruiter_sees_only_their_cities(panel: Panel) -> None:
    await _fill(panel)
    await panel.login("rec")
    page = await (await panel.client.get("/")).text()
    assert "<td>Started</td><td>6</td>" in page  # Samara's candidate is not counted
    assert "Samara Person" not in page
    assert 'id="queue-due"' not in page and 'id="cache-hit-rate"' not in page


async def test_candidates_by_status_are_shown_by_their_names(panel: Panel) -> None:
    await _fill(panel)
    await panel.login()
    page = await (await panel.client.get("/")).text()
    table = page[page.index('id="by-status"') :]
    assert '<a href="/candidates?status=no_show">Did not come</a>' in table
    assert ">no_show<" not in table and ">screening_passed<" not in table
    assert table.index("Passed screening") < table.index("Hired")  # the pipeline's order

"""Issue 17 in the sandbox: a booked candidate writes a question; their recruiter gets it with
Reply and Open, answers by Telegram's reply, and the candidate reads the answer under the
recruiter's name; a photo and a document reach the recruiter themselves."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import InboundMessage
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import (
    book_first_time,
    button_texts,
    screened,
    wait_for_message,
    wait_for_text,
)
from tests.e2e.recruiting import invited_recruiter


async def _booked(app: RunningApp):  # type: ignore[no-untyped-def]
    recruiter = await invited_recruiter(app)
    candidate = await screened(app, "en", city="Москва")
    await book_first_time(candidate, "en", expect=1)
    await app.deliver_outbox()
    await wait_for_message(recruiter, "⏳")  # the booking's card
    return recruiter, candidate


async def test_a_question_is_answered_by_a_reply_in_the_recruiters_chat(
    running_app: RunningApp,
) -> None:
    recruiter, candidate = await _booked(running_app)
    seen = len(await recruiter.bot_messages())  # the scheduler may send it before we ask
    (thanks,) = await candidate.say("Can I come at 9 instead?")
    assert "passed it on to a recruiter" in thanks["text"]
    await running_app.deliver_outbox()
    relayed = await wait_for_text(recruiter, "Can I come at 9 instead?", after=seen)
    assert "Ann Smith" in relayed["text"]
    assert button_texts(relayed) == ["↩ Ответить", "📂 Открыть"]
    before = len(await candidate.bot_messages())
    (queued,) = await recruiter.say("Yes, 9 works too", reply_to=relayed["message_id"])
    assert queued["text"] == "Ваш ответ для Ann Smith отправляется."
    await running_app.deliver_outbox()
    answer = await wait_for_text(candidate, "Yes, 9 works too", after=before)
    assert "Анна Смирнова" in answer["text"]
    async with running_app.app.uow_factory() as uow:
        (kept,) = (await uow.session.scalars(select(InboundMessage))).all()
    assert kept.text == "Can I come at 9 instead?" and kept.read_at is not None


async def test_a_photo_and_a_document_reach_the_recruiter(running_app: RunningApp) -> None:
    recruiter, candidate = await _booked(running_app)
    seen = len(await recruiter.bot_messages())
    for kind in ("photo", "document"):
        (thanks,) = await candidate.send_media(kind)
        assert "passed it on to a recruiter" in thanks["text"]
    await running_app.deliver_outbox()
    await wait_for_text(recruiter, "прислал(а) документ", after=seen)
    received = (await recruiter.bot_messages())[seen:]
    assert [m.get("media") for m in received if m.get("media")] == ["photo"]
    (cv,) = [m["document"] for m in received if m.get("document")]
    assert cv["file_name"] == "cv.pdf"
    async with running_app.app.uow_factory() as uow:
        kept = (await uow.session.scalars(select(InboundMessage).order_by(InboundMessage.id))).all()
    assert [(m.kind.value, m.file_name) for m in kept] == [("photo", None), ("document", "cv.pdf")]

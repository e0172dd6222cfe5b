"""Point 3: questions from the database, checked by kind, branching, and the recruiters' summary."""

from __future__ import annotations

from sqlalchemy import select

from core.enums import QuestionKind, TestKind
from storage.models import Test, TestAnswer, TestQuestion
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import answer_screening, begin, button_texts, linked_recruiter, wait_for


async def _edit_test(app: RunningApp) -> None:
    """An admin's edits: a phone question, and a branch shown only to those who study."""
    async with app.app.uow_factory() as uow:
        test = (
            await uow.session.scalars(select(Test).where(Test.kind == TestKind.SCREENING))
        ).one()
        questions = (
            await uow.session.scalars(select(TestQuestion).where(TestQuestion.test_id == test.id))
        ).all()
        status = next(q for q in questions if q.key == "status")
        for q in questions:
            if q.position > 1:
                q.position += 1
        uow.session.add(
            TestQuestion(
                test_id=test.id,
                position=2,
                key="phone",
                kind=QuestionKind.PHONE,
                prompt={"en": "Your phone number?", "ru": "Ваш телефон?"},
            )
        )
        uow.session.add(
            TestQuestion(
                test_id=test.id,
                position=status.position,
                key="study_form",
                kind=QuestionKind.SINGLE_CHOICE,
                parent_id=status.id,
                show_if_answer="studying",
                prompt={"en": "Full-time or part-time?", "ru": "Очно или заочно?"},
                options=[
                    {"value": "full", "label": {"en": "Full-time", "ru": "Очно"}},
                    {"value": "part", "label": {"en": "Part-time", "ru": "Заочно"}},
                ],
            )
        )
        await uow.commit()


async def test_phone_by_contact_button_branching_and_answers_kept(running_app: RunningApp) -> None:
    await _edit_test(running_app)
    chat = await begin(running_app, "en")
    (phone_question,) = await chat.say("Ann Smith")
    assert phone_question["text"].startswith("Question 2 of 8")
    transcript = await chat.persona.transcript()
    assert transcript["reply_keyboard"][0][0]["request_contact"] is True
    (bad,) = await chat.say("call me maybe")
    assert bad["text"].startswith("Please tap “Share my phone number”")
    (age,) = await chat.share_contact("+7 (999) 123-45-67")
    assert age["text"].startswith("Question 3 of 8")
    await chat.say("30")
    (branch,) = await chat.press("Studying")
    assert branch["text"].startswith("Question 5 of 9")  # the branch joined the test
    assert button_texts(branch) == ["Full-time", "Part-time"]
    await chat.press("Part-time")
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.phone == "+79991234567"
        stored = (await uow.session.scalars(select(TestAnswer))).all()
        assert {a.answer for a in stored} >= {"Ann Smith", "+79991234567", "30", "studying", "part"}


async def test_someone_elses_contact_is_refused(running_app: RunningApp) -> None:
    await _edit_test(running_app)
    chat = await begin(running_app, "ru")
    await chat.say("Анна")
    other = await running_app.sandbox.persona("Other")
    (refused,) = await chat.share_contact("+70000000000", of_user_id=other.id)
    assert refused["text"].startswith("Пожалуйста, отправьте свой собственный контакт.")
    assert "Вопрос 2 из 8" in refused["text"]
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.phone is None


async def test_the_citys_recruiters_get_a_readable_summary(running_app: RunningApp) -> None:
    recruiter = await linked_recruiter(running_app)
    chat = await begin(running_app, "en", payload="hh_ru")
    await answer_screening(chat, "en")
    await running_app.deliver_outbox()
    (summary,) = await wait_for(recruiter, 1)
    assert "Ann Smith" in summary["text"]
    assert "hh_ru" in summary["text"]
    # in the recruiter's language (Russian here), each answer under its question
    assert "Сколько вам лет?\n   25" in summary["text"]
    assert "How old are you?" not in summary["text"]

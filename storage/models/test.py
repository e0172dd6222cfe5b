"""Screening ("test 1") and knowledge ("test 2") tests, their questions and results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.enums import QuestionKind, TestKind, TestResultStatus
from storage.models.base import Base, CreatedAt
from storage.models.indexes import partial_unique_index
from storage.types import UTCDateTime, str_enum

_DEFAULT = text("vacancy_id IS NULL")
_OWN = text("vacancy_id IS NOT NULL")


class Test(CreatedAt, Base):
    """One test of each kind is the default (`vacancy_id` None); a vacancy may have its own of
    each kind, copied from the default and edited from there."""

    __tablename__ = "tests"
    __test__ = False
    __table_args__ = (
        partial_unique_index(
            "uq_tests_default_kind",
            "kind",
            where=_DEFAULT,
        ),
        partial_unique_index(
            "uq_tests_vacancy_kind",
            "vacancy_id",
            "kind",
            where=_OWN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TestKind] = mapped_column(str_enum(TestKind))
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    pass_percent: Mapped[int] = mapped_column(Integer, default=0)
    default_max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    default_time_limit_seconds: Mapped[int | None] = mapped_column(Integer)

    questions: Mapped[list[TestQuestion]] = relationship(
        order_by="TestQuestion.position", back_populates="test", cascade="all, delete-orphan"
    )


class TestQuestion(Base):
    """One question. `prompt` and option labels are per-locale dicts: {"ru": ..., "en": ...}.

    `options` is a list of {"value", "label", "correct", "knockout", "score"}; a question with
    `parent_id` is asked only when the parent's answer equals `show_if_answer`.
    """

    __tablename__ = "test_questions"
    __test__ = False
    __table_args__ = (Index("ix_test_questions_test_position", "test_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("tests.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    prompt: Mapped[dict[str, str]] = mapped_column(JSON)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    # A number question that takes whole numbers only ("25", not "25.5"), as an age does.
    whole_number: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    time_limit_seconds: Mapped[int | None] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("test_questions.id", ondelete="CASCADE")
    )
    show_if_answer: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    test: Mapped[Test] = relationship(back_populates="questions")


class TestResult(Base):
    __tablename__ = "test_results"
    __test__ = False
    __table_args__ = (Index("ix_test_results_candidate_test", "candidate_id", "test_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    test_id: Mapped[int] = mapped_column(ForeignKey("tests.id", ondelete="CASCADE"))
    status: Mapped[TestResultStatus] = mapped_column(
        str_enum(TestResultStatus), default=TestResultStatus.IN_PROGRESS
    )
    score: Mapped[float] = mapped_column(Float, default=0.0)
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    stars: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    answers: Mapped[list[TestAnswer]] = relationship(
        back_populates="result", cascade="all, delete-orphan", order_by="TestAnswer.id"
    )


class TestAnswer(CreatedAt, Base):
    __tablename__ = "test_answers"
    __test__ = False
    __table_args__ = (
        Index("uq_test_answers_result_question", "result_id", "question_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("test_results.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("test_questions.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool | None] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    seconds_spent: Mapped[float | None] = mapped_column(Float)

    result: Mapped[TestResult] = relationship(back_populates="answers")

"""Filters on where the candidate is, read from the candidate the middleware loaded."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from domain.pipeline.journey import Stage, stage_of
from domain.records import Candidate
from storage.dto import RecruiterDTO


class AtStage(Filter):
    def __init__(self, *stages: Stage) -> None:
        self.stages = stages

    async def __call__(self, event: TelegramObject, candidate: Candidate | None = None) -> bool:
        return candidate is not None and stage_of(candidate) in self.stages


class IsCandidate(Filter):
    async def __call__(self, event: TelegramObject, candidate: Candidate | None = None) -> bool:
        return candidate is not None


class IsRecruiter(Filter):
    async def __call__(self, event: TelegramObject, recruiter: RecruiterDTO | None = None) -> bool:
        return recruiter is not None

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update

from core.enums import CandidateStatus
from storage.dto import CandidateDTO
from storage.models import Candidate, CandidateStatusChange
from storage.models.candidate import STATUS_BITS
from storage.repositories.base import Repository

# Every update reads its sender's candidate (their current application): the statement is
# built once, not per read.
_BY_TELEGRAM_ID = select(Candidate).where(
    Candidate.telegram_id == bindparam("telegram_id"), Candidate.is_current.is_(True)
)


class CandidateRepository(Repository[Candidate]):
    model = Candidate
    cache_tag = "candidates"

    async def get_by_telegram_id(self, telegram_id: int) -> Candidate | None:
        found = await self.session.scalars(_BY_TELEGRAM_ID, {"telegram_id": telegram_id})
        return found.first()

    async def hand_over_current(self, leaving: Candidate, coming: Candidate) -> Candidate:
        """Make `coming` (an application of the same person, new or not) the current one
        instead of `leaving`: one current per person (a unique index), so the old one steps
        down in the database first."""
        leaving.is_current = False
        await self.session.flush()
        coming.is_current = True
        self.session.add(coming)
        await self.session.flush()
        return coming

    async def set_reachable(self, telegram_id: int, reachable: bool) -> None:
        """Every application of one person (they share the Telegram account) at once: a
        person who blocked the bot is blocked for all of them, and back for all of them."""
        await self.session.execute(
            update(Candidate)
            .where(
                Candidate.telegram_id == telegram_id,
                Candidate.reachable.is_not(reachable),
                Candidate.erased_at.is_(None),  # an erased application stays out of reach
            )
            .values(reachable=reachable)
            .execution_options(synchronize_session="fetch")
        )
        self._uow.mark_written("candidates")

    async def highest_telegram_id(self) -> int | None:
        return await self.session.scalar(select(func.max(Candidate.telegram_id)))

    async def get_dto(self, candidate_id: int) -> CandidateDTO | None:
        candidate = await self.get(candidate_id)
        return CandidateDTO.model_validate(candidate) if candidate else None

    def change_status(
        self,
        candidate: Candidate,
        to_status: CandidateStatus,
        *,
        actor: str,
        reason: str | None = None,
    ) -> CandidateStatusChange:
        """Move a candidate and record who moved them; the caller commits."""
        change = CandidateStatusChange(
            candidate_id=candidate.id,
            from_status=candidate.status,
            to_status=to_status,
            actor=actor,
            reason=reason,
        )
        # Every change, by whoever makes it (candidate, recruiter, panel, API, a job), is in the
        # audit log too, under the same actor.
        self._uow.audit.record(
            actor=actor,
            action="change_status",
            entity="candidate",
            entity_id=candidate.id,
            details={"from": candidate.status.value, "to": to_status.value, "reason": reason},
        )
        candidate.status = to_status
        candidate.milestones = (candidate.milestones or 0) | STATUS_BITS[to_status]
        self.session.add(change)
        return change

    async def status_history(self, candidate_id: int) -> list[CandidateStatusChange]:
        stmt = (
            select(CandidateStatusChange)
            .where(CandidateStatusChange.candidate_id == candidate_id)
            .order_by(CandidateStatusChange.created_at, CandidateStatusChange.id)
        )
        return list((await self.session.scalars(stmt)).all())

    async def reread(self, candidate: Candidate) -> None:
        """Load the candidate's row again into the object held."""
        await self.session.refresh(candidate)

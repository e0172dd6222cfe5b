"""What every benchmark shares: timing, one figure per measured operation, and the report.

A `Figure` holds the project's number next to a naive baseline (uncached, N+1, row by row) and
the raw driver doing the same work (the floor), all measured in the same run, so the ratios mean
something on any machine. Latencies are medians of repeated runs after a warm-up."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    operation: str  # e.g. "cached single read"
    backend: str  # "sqlite" or "postgres+redis"
    project: float
    unit: str  # "ms" (lower is better), or "updates/s", "% of limit" (higher), "MB" (lower)
    naive: float | None = None
    floor: float | None = None
    size: int | None = None  # candidates in the database while measuring
    seed_after: float | None = None  # the seed's published "after" figure, same unit
    target: str = ""  # what the issue asks, in words
    met: bool | None = None  # whether `target` is reached
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lower_is_better(self) -> bool:
        return self.unit in ("ms", "MB")

    def times_faster_than_naive(self) -> float | None:
        if self.naive is None or not self.project:
            return None
        return self.naive / self.project if self.lower_is_better else self.project / self.naive

    def times_the_floor(self) -> float | None:
        if self.floor is None or not self.floor:
            return None
        return self.project / self.floor if self.lower_is_better else self.floor / self.project

    def times_faster_than_seed(self) -> float | None:
        if self.seed_after is None or not self.project:
            return None
        if self.lower_is_better:
            return self.seed_after / self.project
        return self.project / self.seed_after


async def median_ms(
    run: Callable[[], Awaitable[object]], *, repeat: int = 30, warmup: int = 3
) -> float:
    """The median wall time of `run` in milliseconds, after `warmup` unmeasured runs."""
    for _ in range(warmup):
        await run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _number(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}×"


@dataclass
class Report:
    machine: str
    figures: list[Figure] = field(default_factory=list)

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    def table(self) -> str:
        """One Markdown table: the figures, the baselines and the ratios."""
        head = (
            "| operation | backend | size | project | naive | raw driver | unit "
            "| vs naive | × floor | vs seed | target | met |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|"
        )
        lines = [head]
        for f in self.figures:
            met = "—" if f.met is None else ("yes" if f.met else "**no**")
            size = "—" if f.size is None else f"{f.size:,}"
            lines.append(
                f"| {f.operation} | {f.backend} | {size} | {_number(f.project)} "
                f"| {_number(f.naive)} | {_number(f.floor)} | {f.unit} "
                f"| {_ratio(f.times_faster_than_naive())} | {_ratio(f.times_the_floor())} "
                f"| {_ratio(f.times_faster_than_seed())} | {f.target} | {met} |"
            )
        return "\n".join(lines)

    def write_json(self, path: Path) -> None:
        payload = {"machine": self.machine, "figures": [asdict(f) for f in self.figures]}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, indent=2, default=str))

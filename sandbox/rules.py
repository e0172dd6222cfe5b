"""Telegram's limits as the sandbox enforces them; each can be tuned or switched off."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any


@dataclass
class SandboxRules:
    max_text_length: int = 4096
    max_caption_length: int = 1024
    max_callback_data_bytes: int = 64
    max_buttons: int = 100
    max_buttons_per_row: int = 8
    check_html: bool = True
    refuse_unmodified_edits: bool = True
    callback_answer_timeout_seconds: float = 15.0
    rate_limits: bool = True
    global_per_second: float = 30.0
    global_burst: int = 30
    chat_per_second: float = 1.0
    chat_burst: int = 5

    def update(self, values: dict[str, Any]) -> None:
        known = {f.name: f.type for f in fields(self)}
        for key, value in values.items():
            if key not in known:
                raise KeyError(key)
            current = getattr(self, key)
            setattr(self, key, type(current)(value))

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class TokenBucket:
    """`burst` sends at once, then `per_second` on average."""

    def __init__(
        self, per_second: float, burst: int, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second = per_second
        self.burst = burst
        self._tokens = float(burst)
        self._monotonic = monotonic
        self._updated = monotonic()

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.per_second)
        self._updated = now

    def wait_needed(self) -> float:
        """Seconds until one send is allowed (0 if now)."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.per_second

    def take(self) -> None:
        self._refill()
        self._tokens -= 1


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))

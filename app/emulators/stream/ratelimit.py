"""Per-endpoint, fixed one-minute rate-limit windows and their `X-RateLimit-*` headers.

Limits are off unless `knobs.options["rate_limits"]` maps an operation id
(`QueryCallParticipantSessions`, `QueryCallSessionStats`, `GetCall`, or `"*"`
for all) to requests per minute. The headers are sent on every response either
way; without a configured limit they show a nominal server limit. Counters
belong to one `Knobs` object, so resetting the knobs resets them too.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from app.emulators.framework import Knobs

__all__ = ["NOMINAL_LIMIT", "RateLimiter", "RateState"]

NOMINAL_LIMIT = 1000
_WINDOW_S = 60


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset: int
    exceeded: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


class RateLimiter:
    def __init__(self) -> None:
        self._owner: Knobs | None = None
        self._counts: Counter[tuple[str, int]] = Counter()

    def hit(self, knobs: Knobs, operation: str) -> RateState:
        """Count one request to `operation` and say whether it is over its limit."""
        if self._owner is not knobs:
            self._owner, self._counts = knobs, Counter()
        window = int(time.time()) // _WINDOW_S
        self._counts[(operation, window)] += 1
        count = self._counts[(operation, window)]
        limits = knobs.options.get("rate_limits") or {}
        configured = limits.get(operation, limits.get("*"))
        limit = int(configured) if configured is not None else NOMINAL_LIMIT
        return RateState(
            limit=limit,
            remaining=max(0, limit - count),
            reset=(window + 1) * _WINDOW_S,
            exceeded=configured is not None and count > limit,
        )

    @staticmethod
    def fault_state(retry_after: int | None) -> RateState:
        """Headers for an injected 429: exhausted until `retry_after` seconds from now."""
        return RateState(
            limit=NOMINAL_LIMIT,
            remaining=0,
            reset=int(time.time()) + (retry_after if retry_after is not None else _WINDOW_S),
            exceeded=True,
        )

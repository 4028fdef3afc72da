"""Stream's per-endpoint, one-minute limits on the shared `RateLimiter`, as `X-RateLimit-*`.

Limits are off unless `knobs.options["rate_limits"]` maps an operation id
(`QueryCallParticipantSessions`, `QueryCallSessionStats`, `GetCall`, or `"*"`
for all) to requests per minute. The headers are sent on every response either
way; without a configured limit they show a nominal server limit. Windows are
aligned to the wall-clock minute because `X-RateLimit-Reset` is a Unix time
(docs/upstreams/stream.md, "Rate limits"); resetting the knobs empties them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.emulators.framework import Knobs, RateLimiter

__all__ = ["NOMINAL_LIMIT", "RateState", "fault_state", "hit", "new_limiter"]

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


def new_limiter() -> RateLimiter:
    """Minute windows on the wall clock (replaceable through `limiter.clock`)."""
    return RateLimiter(_WINDOW_S, clock=time.time)


def hit(limiter: RateLimiter, knobs: Knobs, operation: str) -> RateState:
    """Count one request to `operation` and say whether it is over its limit."""
    limits = knobs.options.get("rate_limits") or {}
    configured = limits.get(operation, limits.get("*"))
    limit = int(configured) if configured is not None else NOMINAL_LIMIT
    window = limiter.hit(operation, limit)
    return RateState(
        limit=limit,
        remaining=window.remaining,
        reset=int(window.ends),
        exceeded=configured is not None and window.exceeded,
    )


def fault_state(limiter: RateLimiter, retry_after: int | None) -> RateState:
    """Headers for an injected 429: exhausted until `retry_after` seconds from now."""
    wait = retry_after if retry_after is not None else _WINDOW_S
    return RateState(
        limit=NOMINAL_LIMIT, remaining=0, reset=int(limiter.clock()) + wait, exceeded=True
    )

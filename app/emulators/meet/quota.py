"""Per-minute read quotas, counted in fixed 60-second windows by the shared `RateLimiter`.

Google's published limits are 600 reads/minute per user and 6000 per project
(docs/upstreams/meet.md, "Quotas"). The per-user default here is the
project-wide 6000 rather than 600: one test walking every conference's
participants and sessions makes several hundred calls in well under a minute,
and the test suites must not trip the quota by accident. Tests that want the
real 600 (or any limit) set `knobs.options["meet_read_limit_per_minute"]` (per
token) and/or `knobs.options["meet_project_read_limit_per_minute"]` (all tokens
together). Only admitted requests count. The window clock is the limiter's
(`time.monotonic` unless replaced: `quota.clock = …`), so tests step to the next
window without sleeping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.emulators.framework import Clock, RateLimiter
from app.emulators.google import GoogleApiError

__all__ = [
    "DEFAULT_PROJECT_LIMIT",
    "DEFAULT_USER_LIMIT",
    "PROJECT_LIMIT_OPTION",
    "USER_LIMIT_OPTION",
    "WINDOW_SECONDS",
    "ReadQuota",
]

WINDOW_SECONDS = 60
DEFAULT_USER_LIMIT = 6000
DEFAULT_PROJECT_LIMIT = 6000
USER_LIMIT_OPTION = "meet_read_limit_per_minute"
PROJECT_LIMIT_OPTION = "meet_project_read_limit_per_minute"
_PROJECT = ("project",)


def _limit(options: Mapping[str, Any], key: str, default: int) -> int:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"knobs.options[{key!r}] must be a non-negative int, got {value!r}")
    return value


class ReadQuota:
    """Admits reads per token and in total, on `limiter`'s windows."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    @property
    def clock(self) -> Clock:
        return self.limiter.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.limiter.clock = clock

    def reset(self) -> None:
        self.limiter.reset()

    def admit(self, token: str, options: Mapping[str, Any]) -> None:
        """Count one read for `token`, or raise 429 RESOURCE_EXHAUSTED if over a limit."""
        user_limit = _limit(options, USER_LIMIT_OPTION, DEFAULT_USER_LIMIT)
        project_limit = _limit(options, PROJECT_LIMIT_OPTION, DEFAULT_PROJECT_LIMIT)
        user = ("user", token)
        # Peek both before counting either: a refused read counts against neither.
        if self.limiter.peek(user, user_limit).exceeded:
            raise _exhausted("Read requests per minute per user", user_limit)
        if self.limiter.peek(_PROJECT, project_limit).exceeded:
            raise _exhausted("Read requests per minute", project_limit)
        self.limiter.hit(user, user_limit)
        self.limiter.hit(_PROJECT, project_limit)


def _exhausted(limit_name: str, limit: int) -> GoogleApiError:
    # No Retry-After or remaining-quota headers: Google documents none.
    return GoogleApiError(
        429,
        f"Quota exceeded for quota metric 'Read requests' and limit '{limit_name}' "
        f"of service 'meet.googleapis.com' (limit {limit}).",
        reason="RATE_LIMIT_EXCEEDED",
    )

"""Per-minute read quotas (§10), counted in fixed 60-second windows.

Google's published limits are 600 reads/minute per user and 6000 per project.
The per-user default here is the project-wide 6000 rather than 600: one test
walking every conference's participants and sessions makes several hundred
calls in well under a minute, and the test suites must not trip the quota by
accident. Tests that want the real 600 (or any limit) set
`knobs.options["meet_read_limit_per_minute"]` (per token) and/or
`knobs.options["meet_project_read_limit_per_minute"]` (all tokens together).
Only admitted requests count. The window clock is `time.monotonic` and can be
replaced (`quota.clock = …`) so tests can step to the next window without sleeping.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from app.emulators.google_common import GoogleApiError

__all__ = [
    "DEFAULT_PROJECT_LIMIT",
    "DEFAULT_USER_LIMIT",
    "PROJECT_LIMIT_OPTION",
    "USER_LIMIT_OPTION",
    "ReadQuota",
]

WINDOW_SECONDS = 60
DEFAULT_USER_LIMIT = 6000
DEFAULT_PROJECT_LIMIT = 6000
USER_LIMIT_OPTION = "meet_read_limit_per_minute"
PROJECT_LIMIT_OPTION = "meet_project_read_limit_per_minute"


def _limit(options: Mapping[str, Any], key: str, default: int) -> int:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"knobs.options[{key!r}] must be a non-negative int, got {value!r}")
    return value


class ReadQuota:
    """Counts admitted reads per token (and in total) in the current 60 s window."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._window: int | None = None
        self._per_token: Counter[str] = Counter()
        self._total = 0

    def reset(self) -> None:
        self._window = None
        self._per_token.clear()
        self._total = 0

    def admit(self, token: str, options: Mapping[str, Any]) -> None:
        """Count one read for `token`, or raise 429 RESOURCE_EXHAUSTED if over a limit."""
        window = int(self.clock() // WINDOW_SECONDS)
        if window != self._window:
            self._window = window
            self._per_token.clear()
            self._total = 0
        user_limit = _limit(options, USER_LIMIT_OPTION, DEFAULT_USER_LIMIT)
        project_limit = _limit(options, PROJECT_LIMIT_OPTION, DEFAULT_PROJECT_LIMIT)
        if self._per_token[token] >= user_limit:
            raise _exhausted("Read requests per minute per user", user_limit)
        if self._total >= project_limit:
            raise _exhausted("Read requests per minute", project_limit)
        self._per_token[token] += 1
        self._total += 1


def _exhausted(limit_name: str, limit: int) -> GoogleApiError:
    # No Retry-After or remaining-quota headers: Google documents none (§10).
    return GoogleApiError(
        429,
        f"Quota exceeded for quota metric 'Read requests' and limit '{limit_name}' "
        f"of service 'meet.googleapis.com' (limit {limit}).",
        reason="RATE_LIMIT_EXCEEDED",
    )

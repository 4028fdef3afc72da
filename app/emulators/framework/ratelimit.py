"""The one rate limiter of every emulator: fixed windows per key, on an injectable clock.

Upstreams count requests in fixed windows: Google and Stream in windows aligned
to the clock (every minute on the minute), Cloudflare in windows that open
with a key's first request. `RateLimiter` does both (`aligned`) and never reads
the time itself: `clock` (default `time.monotonic`) can be replaced, so tests
step into the next window without sleeping. Limits are passed per request,
because tests change them through the knobs between requests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

__all__ = ["Clock", "RateLimiter", "RateWindow"]

Clock = Callable[[], float]


@dataclass(frozen=True)
class RateWindow:
    """One key's window as one request sees it; `used` counts that request too."""

    limit: int
    used: int
    started: float
    length: float
    now: float

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def ends(self) -> float:
        return self.started + self.length

    def seconds_left(self) -> int:
        """Whole seconds until the window closes (at least 1), for `Retry-After`.

        Elapsed time first: `ends - now` can round to just over the window and
        report 301 seconds for a fresh 300-second window.
        """
        return max(1, math.ceil(self.length - (self.now - self.started)))


@dataclass
class _Count:
    started: float
    used: int


class RateLimiter:
    """Counts requests per key in fixed windows of `window_s` seconds."""

    def __init__(
        self, window_s: float, *, clock: Clock = time.monotonic, aligned: bool = True
    ) -> None:
        self.window_s = window_s
        self.clock = clock
        self.aligned = aligned
        self._counts: dict[Hashable, _Count] = {}

    def reset(self) -> None:
        """Forget every window (the emulators do this when their knobs are reset)."""
        self._counts.clear()

    def hit(self, key: Hashable, limit: int, *, window_s: float | None = None) -> RateWindow:
        """Count one request for `key` and return its window."""
        window = self.peek(key, limit, window_s=window_s)
        self._counts[key] = _Count(window.started, window.used)
        return window

    def peek(self, key: Hashable, limit: int, *, window_s: float | None = None) -> RateWindow:
        """The window as it would be with one more request, counting nothing."""
        length = self.window_s if window_s is None else window_s
        now = self.clock()
        count = self._counts.get(key)
        start = self._window_start(count, now, length)
        used = count.used if count is not None and count.started == start else 0
        return RateWindow(limit=limit, used=used + 1, started=start, length=length, now=now)

    def _window_start(self, count: _Count | None, now: float, length: float) -> float:
        if self.aligned:
            return math.floor(now / length) * length
        if count is None or now - count.started >= length:
            return now
        return count.started

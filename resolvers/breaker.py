"""A circuit breaker per upstream: stop calling an upstream that keeps failing.

Closed: calls go through; `failure_threshold` consecutive failures (5xx,
timeouts, unreachable; not 4xx, which are answers) open it. Open: every call
fails fast with UPSTREAM_UNAVAILABLE and no request is sent, until
`cooldown` seconds have passed. Then one call is let through as a probe
(half-open): its success closes the breaker, its failure opens it for another
cool-down. Other calls keep failing fast while the probe is out. The clock is
injected so tests move time instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.observe import NULL_OBSERVER, UpstreamObserver

__all__ = ["BreakerPolicy", "BreakerState", "CircuitBreaker", "counts_as_failure"]


@dataclass(frozen=True)
class BreakerPolicy:
    """Thresholds of one upstream's breaker (an `UpstreamSpec.breaker` slot)."""

    failure_threshold: int = 5
    cooldown: float = 30.0


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


_FAILURE_CODES = frozenset({ErrorCode.UPSTREAM_UNAVAILABLE, ErrorCode.UPSTREAM_TIMEOUT})


def counts_as_failure(error: BaseException) -> bool:
    """Whether an attempt's error says the upstream is unwell (not that the request was wrong)."""
    return isinstance(error, GatewayError) and error.code in _FAILURE_CODES


class CircuitBreaker:
    """The breaker of one upstream, shared by every operation of the process."""

    def __init__(
        self,
        provider: Provider,
        policy: BreakerPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        observer: UpstreamObserver = NULL_OBSERVER,
    ) -> None:
        self.provider = provider
        self.policy = policy or BreakerPolicy()
        self.observer = observer
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._state is BreakerState.OPEN and self._cooled_down():
            return BreakerState.HALF_OPEN
        return self._state

    @property
    def is_open(self) -> bool:
        """True while calls fail fast (a half-open breaker whose probe is out counts too)."""
        return self.state is BreakerState.OPEN or (
            self.state is BreakerState.HALF_OPEN and self._probing
        )

    def before_call(self) -> None:
        """Let a call through, or raise UPSTREAM_UNAVAILABLE without calling."""
        if self._state is BreakerState.CLOSED:
            return
        if self._cooled_down() and not self._probing:
            self._state = BreakerState.HALF_OPEN
            self._probing = True
            return
        raise GatewayError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            f"{self.provider.label} is failing; calls are paused (circuit breaker open)",
            provider=self.provider,
            reason="circuit breaker open",
        )

    def record(self, error: BaseException | None) -> None:
        """The outcome of one call that `before_call` let through."""
        if error is not None and not isinstance(error, GatewayError):
            # Cancelled (the operation's deadline) or a bug: says nothing about the
            # upstream.
            self.release()
            return
        if error is None or not counts_as_failure(error):
            self._succeeded()
        else:
            self._failed()

    def release(self) -> None:
        """End a call that `before_call` let through without counting it either way.

        A probe that never finished must not block the next one."""
        self._probing = False

    def _succeeded(self) -> None:
        was_open = self._state is not BreakerState.CLOSED
        self._state, self._failures, self._probing = BreakerState.CLOSED, 0, False
        if was_open:
            self.observer.breaker_changed(self.provider, False)

    def _failed(self) -> None:
        self._failures += 1
        probing, self._probing = self._probing, False
        if probing or self._failures >= self.policy.failure_threshold:
            was_closed = self._state is BreakerState.CLOSED
            self._state, self._opened_at = BreakerState.OPEN, self._clock()
            if was_closed:
                self.observer.breaker_changed(self.provider, True)

    def _cooled_down(self) -> bool:
        return self._clock() - self._opened_at >= self.policy.cooldown

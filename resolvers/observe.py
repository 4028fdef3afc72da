"""What the data layer reports about upstream traffic, for metrics, traces and logs.

The data layer knows nothing of Prometheus or OpenTelemetry: it calls an
`UpstreamObserver` that the app layer supplies (`app/` builds the real one).
`NULL_OBSERVER` ignores everything, so a bare data layer costs nothing extra.
"""

from __future__ import annotations

from typing import Literal, Protocol

from resolvers.errors import Provider

__all__ = ["NULL_OBSERVER", "CacheResult", "NullObserver", "UpstreamObserver"]

CacheResult = Literal["hit", "miss", "shared"]


class UpstreamObserver(Protocol):
    """Receives one call per event; implementations must be cheap and never raise."""

    def request_finished(
        self, provider: Provider, method: str, status: int | None, outcome: str, seconds: float
    ) -> None:
        """One HTTP attempt ended: `status` None when no answer came (`outcome` says why)."""

    def cache_result(self, provider: Provider, result: CacheResult) -> None:
        """A read was served from the cache (`hit`), shared with one in flight, or sent."""

    def breaker_changed(self, provider: Provider, is_open: bool) -> None:
        """The upstream's circuit breaker opened or closed."""


class NullObserver:
    """Observes nothing."""

    def request_finished(
        self, provider: Provider, method: str, status: int | None, outcome: str, seconds: float
    ) -> None:
        return None

    def cache_result(self, provider: Provider, result: CacheResult) -> None:
        return None

    def breaker_changed(self, provider: Provider, is_open: bool) -> None:
        return None


NULL_OBSERVER: UpstreamObserver = NullObserver()

"""What the data layer reports about upstream traffic, for metrics, traces and logs.

The data layer knows nothing of Prometheus or OpenTelemetry: it calls an
`UpstreamObserver` that the app layer supplies (`app.observability` builds the
real one). `NULL_OBSERVER` ignores everything, so a bare data layer costs
nothing extra.

Each HTTP attempt is a start and a finish: `request_started` is called just
before sending and may return headers to add (W3C `traceparent`, so the
upstream continues the trace); the scope it returns is told how it ended.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Protocol

from resolvers.errors import Provider

__all__ = [
    "NULL_OBSERVER",
    "CacheResult",
    "NullObserver",
    "RequestScope",
    "UpstreamObserver",
]

CacheResult = Literal["hit", "miss", "shared"]


class RequestScope(Protocol):
    """One HTTP attempt in flight."""

    @property
    def headers(self) -> Mapping[str, str]:
        """Headers to add to this attempt's request (often none)."""
        ...

    def finish(self, status: int | None, outcome: str, seconds: float) -> None:
        """The attempt ended: `status` None when no answer came. `outcome` is `ok`,
        `error` (an HTTP error status), `timeout` or `unreachable`."""
        ...


class UpstreamObserver(Protocol):
    """Receives one call per event; implementations must be cheap and never raise."""

    def request_started(
        self, provider: Provider, method: str, path: str, attempt: int
    ) -> RequestScope:
        """An attempt is about to be sent. `path` has no query string (which can hold
        credentials); `attempt` counts from 1, so `attempt - 1` is the retry count."""
        ...

    def cache_result(self, provider: Provider, result: CacheResult) -> None:
        """A read was served from the cache (`hit`), shared with one in flight, or sent."""
        ...

    def breaker_changed(self, provider: Provider, is_open: bool) -> None:
        """The upstream's circuit breaker opened or closed."""
        ...


class _NullScope:
    headers: Mapping[str, str] = {}

    def finish(self, status: int | None, outcome: str, seconds: float) -> None:
        return None


_NULL_SCOPE = _NullScope()


class NullObserver:
    """Observes nothing."""

    def request_started(
        self, provider: Provider, method: str, path: str, attempt: int
    ) -> RequestScope:
        return _NULL_SCOPE

    def cache_result(self, provider: Provider, result: CacheResult) -> None:
        return None

    def breaker_changed(self, provider: Provider, is_open: bool) -> None:
        return None


NULL_OBSERVER: UpstreamObserver = NullObserver()

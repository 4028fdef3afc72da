"""The gateway's Prometheus metrics, on a registry of its own per app.

A per-app `CollectorRegistry` (not prometheus-client's global one) lets several
apps live in one process, as tests and the bench do, without clashing names.
Every label value is bounded: providers and outcomes are fixed sets, status is
an HTTP status or `timeout`/`error`, and operation names are capped.

Operations, upstream calls and cache lookups are queued and applied in batches
(`deferred.py`); read the metrics through the registry (`exposition()`,
`registry.collect()`), which applies what is queued first.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from app.observability.deferred import FLUSH_AT, Deferred
from resolvers.errors import Provider
from resolvers.observe import CacheResult

__all__ = ["ANONYMOUS", "OTHER", "GatewayMetrics"]

ANONYMOUS = "anonymous"
OTHER = "other"
# Operations are fast reads over a few upstream rounds; upstream calls a few ms.
_OPERATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_UPSTREAM_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class WatchedBackend(Protocol):
    """What the cache-backend metrics read (resolvers/cache: MemoryBackend, RedisBackend)."""

    name: str


class _CacheBackendCollector:
    """The shared cache's health, read when scraped: up (0 during an outage) and the
    commands that failed (each one degraded to "no cache", never to a failed query)."""

    def __init__(self, backend: WatchedBackend) -> None:
        self._backend = backend

    def collect(self) -> Iterator[Metric]:
        name = self._backend.name
        up = GaugeMetricFamily(
            "sessiongraph_cache_backend_up",
            "1 while the shared cache backend answers, 0 during an outage",
            labels=["backend"],
        )
        up.add_metric([name], 1.0 if getattr(self._backend, "available", True) else 0.0)
        failures = CounterMetricFamily(
            "sessiongraph_cache_backend_failures",
            "Shared cache commands that failed or timed out (served without the cache)",
            labels=["backend"],
        )
        failures.add_metric([name], float(getattr(self._backend, "failures", 0)))
        yield up
        yield failures


class GatewayMetrics:
    """The metrics docs/deployment.md lists, and the small functions that feed them."""

    def __init__(self, *, max_operation_names: int = 200) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._names: set[str] = set()
        self._max_names = max_operation_names
        self._lock = threading.Lock()
        self._backend_collector: _CacheBackendCollector | None = None
        self._deferred = Deferred()
        self._counted = self._deferred.counted
        r = self.registry
        # First in the registry: collecting it applies the queued updates before the
        # metrics they feed are read.
        r.register(self._deferred.collector())
        self.operations = Counter(
            "sessiongraph_operations",
            "GraphQL operations by name and outcome (success, partial, error)",
            ["operation_name", "outcome"],
            registry=r,
        )
        self.operation_duration = Histogram(
            "sessiongraph_operation_duration_seconds",
            "Time to execute one GraphQL operation",
            buckets=_OPERATION_BUCKETS,
            registry=r,
        )
        self.upstream_requests = Counter(
            "sessiongraph_upstream_requests",
            "Upstream HTTP attempts by provider and status (or timeout/error)",
            ["provider", "status"],
            registry=r,
        )
        self.upstream_duration = Histogram(
            "sessiongraph_upstream_request_duration_seconds",
            "Time of one upstream HTTP attempt",
            ["provider"],
            buckets=_UPSTREAM_BUCKETS,
            registry=r,
        )
        self.cache_requests = Counter(
            "sessiongraph_upstream_cache_requests",
            "Upstream response-cache lookups: hit, miss, or shared with a call in flight",
            ["provider", "result"],
            registry=r,
        )
        self.breaker_open = Gauge(
            "sessiongraph_upstream_breaker_open",
            "1 while the provider's circuit breaker is open",
            ["provider"],
            registry=r,
        )
        self.subscriptions = Gauge(
            "sessiongraph_subscriptions_active", "Subscriptions currently open", registry=r
        )
        for provider in Provider:
            self.breaker_open.labels(provider=provider.value).set(0)
        self._operation_timings = self._deferred.timings(self.operation_duration)
        # The labelled children, bound once: `.labels(...)` validates and locks on every
        # call (2 µs each); the label sets are bounded (providers x statuses).
        # (counter child, its provider's duration queue); the queue per histogram child.
        self._upstream: dict[tuple[Provider, str], tuple[Counter, deque[float]]] = {}
        self._timings: dict[Provider, deque[float]] = {}
        self._cache: dict[tuple[Provider, str], Counter] = {}
        self._operations: dict[tuple[str, str], Counter] = {}  # names capped, 3 outcomes

    def operation_label(self, name: str | None) -> str:
        """`name` as a label: the first `max_operation_names` names are kept, then "other"."""
        if not name:
            return ANONYMOUS
        if name in self._names:
            return name
        with self._lock:
            if len(self._names) >= self._max_names:
                return OTHER
            self._names.add(name)
        return name

    def record_operation(self, name: str | None, outcome: str, seconds: float) -> None:
        label = name if name in self._names else self.operation_label(name)
        child = self._operations.get((label, outcome))
        if child is None:
            child = self._operations[(label, outcome)] = self.operations.labels(
                operation_name=label, outcome=outcome
            )
        counted = self._counted
        counted.append(child)
        self._operation_timings.append(seconds)
        if len(counted) >= FLUSH_AT:
            self._deferred.flush()

    def record_upstream(self, provider: Provider, status: str, seconds: float) -> None:
        bound = self._upstream.get((provider, status))
        if bound is None:
            bound = self._bind_upstream(provider, status)
        counted = self._counted
        counted.append(bound[0])
        bound[1].append(seconds)
        if len(counted) >= FLUSH_AT:
            self._deferred.flush()

    def _bind_upstream(self, provider: Provider, status: str) -> tuple[Counter, deque[float]]:
        timings = self._timings.get(provider)
        if timings is None:
            histogram = self.upstream_duration.labels(provider=provider.value)
            timings = self._timings[provider] = self._deferred.timings(histogram)
        bound = self._upstream[(provider, status)] = (
            self.upstream_requests.labels(provider=provider.value, status=status),
            timings,
        )
        return bound

    def record_cache(self, provider: Provider, result: CacheResult) -> None:
        """For the response cache: one call per lookup."""
        child = self._cache.get((provider, result))
        if child is None:
            child = self._cache[(provider, result)] = self.cache_requests.labels(
                provider=provider.value, result=result
            )
        counted = self._counted
        counted.append(child)
        if len(counted) >= FLUSH_AT:
            self._deferred.flush()

    def watch_cache_backend(self, backend: WatchedBackend) -> None:
        """Expose the cross-request cache backend's health (the latest runtime's, if the
        app's lifespan runs again)."""
        if self._backend_collector is not None:
            self.registry.unregister(self._backend_collector)
        self._backend_collector = _CacheBackendCollector(backend)
        self.registry.register(self._backend_collector)

    def set_breaker_open(self, provider: Provider, is_open: bool) -> None:
        """For the circuit breaker: call on every open/close transition."""
        self.breaker_open.labels(provider=provider.value).set(1 if is_open else 0)

    def subscription_started(self) -> None:
        self.subscriptions.inc()

    def subscription_ended(self) -> None:
        self.subscriptions.dec()

    def flush(self) -> None:
        """Apply the queued upstream and cache updates to their metrics now."""
        self._deferred.flush()

    def exposition(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)  # which flushes first

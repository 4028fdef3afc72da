"""Upstream and cache metrics applied in batches expose exactly what direct updates would."""

from __future__ import annotations

import math
import threading

from prometheus_client import CollectorRegistry, Histogram

from app.observability import GatewayMetrics
from app.observability.deferred import FLUSH_AT, observe_all
from resolvers.errors import Provider

_BOUNDS = (0.001, 0.01, 0.1, 1.0)
# Bounds themselves (observe() counts a value equal to a bound in that bucket), between
# them, below, above, infinite, negative zero and NaN (in no bucket, the sum made NaN).
_VALUES = [0.001, 0.0005, 0.01, 0.05, 1.0, 7.5, math.inf, -0.0, 0.1, 1e-9, 0.3]


def _without_created(text: bytes) -> list[str]:
    # `_created` is when a child was first used: a time, not a count.
    return [line for line in text.decode().splitlines() if "_created" not in line]


def _histogram(name: str) -> Histogram:
    return Histogram(name, "h", ["p"], buckets=_BOUNDS, registry=CollectorRegistry())


def _state(histogram: Histogram) -> list[tuple[str, dict[str, str], float]]:
    return [
        (s.name, s.labels, s.value)
        for family in histogram.collect()
        for s in family.samples
        if not s.name.endswith("_created")
    ]


def test_observe_all_matches_observe_one_by_one() -> None:
    batched, direct = _histogram("a"), _histogram("a")
    values = _VALUES * 3
    observe_all(batched.labels(p="x"), values[:7])
    observe_all(batched.labels(p="x"), list(reversed(values[7:])))
    for value in [*values[:7], *reversed(values[7:])]:
        direct.labels(p="x").observe(value)

    assert _state(batched) == _state(direct)
    total = next(v for n, _, v in _state(batched) if n == "a_sum")
    assert total == math.inf  # and exactly the same float as observe() gives otherwise


def test_observe_all_sum_is_bit_identical() -> None:
    batched, direct = _histogram("b"), _histogram("b")
    values = [0.1 * i + 1e-7 * (i % 7) for i in range(500)]
    observe_all(batched.labels(p="y"), values)
    for value in values:
        direct.labels(p="y").observe(value)

    assert _state(batched) == _state(direct)


def test_observe_all_leaves_nan_out_of_the_buckets() -> None:
    batched, direct = _histogram("c"), _histogram("c")
    observe_all(batched.labels(p="z"), [math.nan, 0.5])
    direct.labels(p="z").observe(math.nan)
    direct.labels(p="z").observe(0.5)

    counts = [(n, labels, v) for n, labels, v in _state(batched) if n != "c_sum"]
    assert counts == [(n, labels, v) for n, labels, v in _state(direct) if n != "c_sum"]
    assert all(math.isnan(v) for n, _, v in _state(batched) if n == "c_sum")


def _feed(metrics: GatewayMetrics, direct: bool) -> None:
    for i in range(2 * FLUSH_AT + 17):
        provider = list(Provider)[i % 4]
        status = ("200", "503", "timeout")[i % 3]
        seconds = (i % 50) / 1000
        if direct:
            metrics.upstream_requests.labels(provider=provider.value, status=status).inc()
            metrics.upstream_duration.labels(provider=provider.value).observe(seconds)
            metrics.cache_requests.labels(provider=provider.value, result="miss").inc()
        else:
            metrics.record_upstream(provider, status, seconds)
            metrics.record_cache(provider, "miss")


def test_exposition_is_what_direct_updates_give() -> None:
    batched, direct = GatewayMetrics(), GatewayMetrics()
    _feed(batched, direct=False)
    _feed(direct, direct=True)

    assert _without_created(batched.exposition()) == _without_created(direct.exposition())


def test_the_registry_applies_the_queue_when_read() -> None:
    metrics = GatewayMetrics()
    metrics.record_upstream(Provider.STREAM_VIDEO, "200", 0.003)
    metrics.record_cache(Provider.STREAM_VIDEO, "hit")

    registry = metrics.registry
    requests = {"provider": "STREAM_VIDEO", "status": "200"}
    assert registry.get_sample_value("sessiongraph_upstream_requests_total", requests) == 1
    count = "sessiongraph_upstream_request_duration_seconds_count"
    assert registry.get_sample_value(count, {"provider": "STREAM_VIDEO"}) == 1
    hits = {"provider": "STREAM_VIDEO", "result": "hit"}
    assert registry.get_sample_value("sessiongraph_upstream_cache_requests_total", hits) == 1


def test_a_full_queue_is_applied_on_the_spot() -> None:
    metrics = GatewayMetrics()
    for _ in range(FLUSH_AT):
        metrics.record_cache(Provider.GOOGLE_MEET, "miss")

    child = metrics.cache_requests.labels(provider="GOOGLE_MEET", result="miss")
    # Read from the child itself, not through the registry (which would flush).
    [family] = child.collect()
    assert [s.value for s in family.samples if s.name.endswith("_total")] == [FLUSH_AT]


def test_no_update_is_lost_across_threads() -> None:
    metrics = GatewayMetrics()
    per_thread, threads = 5000, 4
    start = threading.Barrier(threads)

    def record() -> None:
        start.wait(timeout=10)
        for _ in range(per_thread):
            metrics.record_upstream(Provider.VERTEX_AI_SEARCH, "200", 0.002)

    workers = [threading.Thread(target=record) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    labels = {"provider": "VERTEX_AI_SEARCH", "status": "200"}
    total = metrics.registry.get_sample_value("sessiongraph_upstream_requests_total", labels)
    assert total == per_thread * threads
    buckets = "sessiongraph_upstream_request_duration_seconds_bucket"
    le = {"provider": "VERTEX_AI_SEARCH", "le": "0.0025"}
    assert metrics.registry.get_sample_value(buckets, le) == per_thread * threads

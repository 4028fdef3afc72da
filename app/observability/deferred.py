"""Per-call metric updates queued, and applied to the Prometheus children in batches.

prometheus-client takes a lock and makes four to six Python calls per `inc` and
per `observe` (about 2.5 µs for one upstream call's counter and histogram
here). An upstream call or cache lookup instead appends its counter child to
one queue and its duration to its histogram child's queue (deque appends are
atomic, so safe from any thread without a lock). The queues are applied when
the registry is read (`/metrics`, `registry.collect()`) and whenever
`FLUSH_AT` updates wait: one `inc(n)` per counter child, and per histogram
child the sum made by the same float additions in the same order as
`observe()` one by one and one `inc` per bucket touched, so what is exposed is
exactly what direct updates would have exposed.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import Counter as Tally
from collections import deque
from collections.abc import Iterable
from functools import reduce
from math import isnan
from operator import add

from prometheus_client import Counter, Histogram
from prometheus_client.core import Metric

__all__ = ["FLUSH_AT", "Deferred", "observe_all"]

FLUSH_AT = 1024  # queued counts before they are applied on the spot (bounds the memory)


class Deferred:
    """The queues of one registry. Callers append a counter child to `counted` per event
    (and its duration to the queue `timings(child)` gave, if timed), then call `flush()`
    when `counted` holds `FLUSH_AT` entries or more."""

    def __init__(self) -> None:
        self.counted: deque[Counter] = deque()
        self._timings: list[tuple[Histogram, deque[float]]] = []
        self._lock = threading.Lock()  # one flush at a time: a child has one writer

    def timings(self, histogram: Histogram) -> deque[float]:
        """A new queue of `histogram`'s observations (ask once per histogram child)."""
        queue: deque[float] = deque()
        with self._lock:
            self._timings.append((histogram, queue))
        return queue

    def flush(self) -> None:
        """Apply what was queued so far (what other threads add meanwhile may wait)."""
        with self._lock:
            counted = self.counted
            pop = counted.popleft  # popped one by one: appends may go on meanwhile
            for counter, n in Tally([pop() for _ in range(len(counted))]).items():
                counter.inc(n)
            for histogram, queue in self._timings:
                if queue:
                    pop_value = queue.popleft
                    observe_all(histogram, [pop_value() for _ in range(len(queue))])

    def collector(self) -> _Flusher:
        """A collector to register before the metrics it feeds: collecting it flushes."""
        return _Flusher(self)


class _Flusher:
    def __init__(self, deferred: Deferred) -> None:
        self._deferred = deferred

    def describe(self) -> Iterable[Metric]:
        return ()

    def collect(self) -> Iterable[Metric]:
        self._deferred.flush()
        return ()


def observe_all(histogram: Histogram, values: list[float]) -> None:
    """`histogram.observe(v)` for each of `values` in order (`values` is reordered), with
    one lock per bucket touched instead of two per value. Reads prometheus-client's
    private `_upper_bounds`, `_buckets` and `_sum` (tests/observability/
    test_deferred_metrics.py checks the result against `observe()`, so an upgrade that
    changes them fails there). The caller must be the only writer of `histogram`."""
    bounds: list[float] = histogram._upper_bounds
    buckets = histogram._buckets
    total = histogram._sum
    # Added one by one, in order, as observe() does (not sum(): it compensates since 3.12).
    total.set(reduce(add, values, total.get()))
    if any(map(isnan, values)):  # NaN falls in no bucket, as with observe()
        values = [value for value in values if not isnan(value)]
    values.sort()
    below = 0
    for bound, bucket in zip(bounds, buckets, strict=True):
        upto = bisect_right(values, bound)  # observe() puts v in the first bound >= v
        if upto > below:
            bucket.inc(upto - below)
            below = upto

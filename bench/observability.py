"""What metrics and tracing cost: CPU per upstream call and per operation, both on vs both off.

Everything runs in this process but the OTLP receiver (`bench.otlp_sink`, a
process of its own). The traced gateway's provider is built the way
`sessiongraph serve` builds it from `OTEL_*` (`tracer_provider_from_env`: batch
span processor, the gateway's OTLP/HTTP exporter) with `OTEL_TRACES_SAMPLER=
always_on`: every span is sampled, batched, encoded and sent, and the
receiver's count of spans per operation shows it.

Two measurements, in one run:

1. per upstream call, in isolation: the app's upstream observer driven as
   `resolvers/http.py` drives it (start, merge the trace headers, finish),
   `CALLS` calls (one batch) a block, the batch flushed (encoded and sent)
   inside the block, against the null observer, variants alternating block by
   block; CPU is `time.process_time()` (all threads, the exporter's included);
2. per operation, for each scenario: two gateways side by side on the same
   emulators (latency 0, so the numbers are CPU, not waiting), one with metrics
   off and no tracer, one with both on; each round runs one operation on each,
   rounds alternate which goes first. The extra is the median of the paired
   differences, with a distribution-free 95 % confidence interval for that
   median (on this shared machine single operations vary by ±15 %: the interval
   says how far the median can be trusted); rounds go on until that interval is
   within ±`PRECISION` of the operation's CPU, or for `SECONDS`. CPU is this thread's (`time.thread_time()`) per
   operation, plus for the traced side its share of the export thread's CPU,
   read from that thread's own clock (batches go out as they fill, as in a
   gateway, so it may run during the other side's block). `model` is the
   no-call operation's extra plus the calls times the per-call cost.

The garbage collector runs during each block as in `sessiongraph serve` (the
setup's heap, the emulators' seeded datasets included, frozen first so
collections skip it, and the server's young threshold), and collects fully
before each block, outside its clock: each side pays for the collections its
own allocations bring about, from the same starting state.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import httpx
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import set_span_in_context

from app.asgi import create_app, freeze_startup
from app.emulators import EmulatorConfig, build_hub
from app.observability import Observability
from app.observability.tracing import tracer_provider_from_env
from app.settings import Settings
from bench.procs import Server, free_port, server
from bench.scenarios import SCENARIOS, Scenario, constant
from resolvers.errors import Provider
from resolvers.observe import NULL_OBSERVER, UpstreamObserver

__all__ = ["report"]

CALLS = 2048  # upstream calls per block of the per-call measurement: one batch
# Each scenario's rounds go on until the median's 95 % confidence interval is within
# PRECISION of the off side's median either way, or SECONDS of wall time (at least
# MIN_ROUNDS, at most MAX_ROUNDS rounds).
PRECISION = 0.01
SECONDS = 45.0
MIN_ROUNDS = 40
MAX_ROUNDS = 2000
_PATH = "/v2/conferenceRecords/abc-123/participants"


@contextmanager
def otlp_sink() -> Iterator[Server]:
    port = free_port()
    command = [sys.executable, "-m", "bench.otlp_sink", "--port", str(port)]
    with server("otlp sink", command, port, "/count") as sink:
        yield sink


def exported(sink: Server) -> int:
    return int(httpx.get(f"{sink.url}/count", timeout=10).text)


def traced_provider(sink: Server, sampler: str = "always_on") -> TracerProvider:
    """A provider as the gateway builds it from these `OTEL_*` variables (the SDK reads
    the sampler, the batch sizes and the exporter's endpoint from the environment)."""
    env = {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{sink.url}/v1/traces",
        "OTEL_TRACES_SAMPLER": sampler,
        "OTEL_SERVICE_NAME": "sessiongraph-bench",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        provider = tracer_provider_from_env(os.environ)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if provider is None:
        raise SystemExit("tracing did not come on from the OTEL_* variables")
    return provider


@contextmanager
def _frozen_setup() -> Iterator[None]:
    """The setup frozen and the collector tuned as `sessiongraph serve` does once started
    (`app.asgi.freeze_startup`); the emulators' seeded datasets, a large heap no real
    gateway has, are frozen with it, so collections skip them."""
    gc.collect()
    thresholds = gc.get_threshold()
    freeze_startup()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _collected() -> None:
    """Before each block, outside its clock: every block starts with the collector in the
    same state (young generations empty, counts at zero), so with the collector on during
    the block, each side pays for the collections its own allocations bring about, and
    none the other side left pending."""
    gc.collect()


# -- 1. per upstream call ------------------------------------------------------------------


def _calls(observer: UpstreamObserver, provider: TracerProvider | None) -> float:
    """CPU seconds for `CALLS` upstream attempts as resolvers/http.py makes them."""
    token = None
    if provider is not None:  # the calls are children of an operation's span, as in a request
        operation = provider.get_tracer("sessiongraph").start_span("bench operation")
        token = otel_context.attach(set_span_in_context(operation))
    sent = {"authorization": "Bearer x"}
    started = time.process_time()
    for _ in range(CALLS):
        scope = observer.request_started(Provider.GOOGLE_MEET, "GET", _PATH, 1)
        headers = {**sent, **scope.headers} if scope.headers else sent
        scope.finish(200, "ok", 0.002)
    if provider is not None:
        provider.force_flush()  # encoded and sent inside the block
    elapsed = time.process_time() - started
    if token is not None:
        otel_context.detach(token)
    del headers
    return elapsed


def per_call(sink: Server, rounds: int = 25) -> dict[str, float]:
    """µs of CPU per upstream call that each part adds to the null observer."""
    sampled, unsampled = traced_provider(sink), traced_provider(sink, "always_off")
    variants: dict[str, tuple[UpstreamObserver, TracerProvider | None]] = {
        "none": (NULL_OBSERVER, None),
        "metrics": (Observability.create(metrics=True, env={}).upstream_observer(), None),
        "span": (
            Observability.create(metrics=False, tracer_provider=sampled).upstream_observer(),
            sampled,
        ),
        "span, unsampled": (
            Observability.create(metrics=False, tracer_provider=unsampled).upstream_observer(),
            unsampled,
        ),
        "both": (Observability.create(tracer_provider=sampled).upstream_observer(), sampled),
    }
    names = list(variants)
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for name in names:  # warm up: first-call imports, the exporter's connection
        _calls(*variants[name])
    with _frozen_setup():
        for turn in range(rounds):
            for name in names[turn % len(names) :] + names[: turn % len(names)]:
                _collected()
                cpu[name].append(_calls(*variants[name]))
    sampled.shutdown()
    unsampled.shutdown()
    base = statistics.median(cpu["none"])
    return {name: (statistics.median(cpu[name]) - base) / CALLS * 1e6 for name in names[1:]}


# -- 2. per operation -------------------------------------------------------------------------


async def _cpu_per_op(client: httpx.AsyncClient, query: str, ops: int) -> float:
    """CPU seconds of this thread per operation (the export thread is counted apart)."""
    started = time.thread_time()
    for _ in range(ops):
        response = await client.post("/graphql", json={"query": query})
        body = response.json()
        if body.get("errors"):
            raise SystemExit(f"bench query failed: {body['errors']}")
    return (time.thread_time() - started) / ops


class _ExportThread:
    """The CPU of the batch span processor's worker thread, which encodes and sends in
    its own time: it may run while the other gateway's block does, so it is read from the
    thread's own clock and charged to the traced side as a whole."""

    def __init__(self, make: Callable[[], TracerProvider]) -> None:
        before = set(threading.enumerate())
        self.provider = make()
        [self._thread] = [t for t in threading.enumerate() if t not in before]
        ident = self._thread.ident
        if ident is None:
            raise SystemExit("the batch span processor started no thread")
        self._clock = time.pthread_getcpuclockid(ident)

    def cpu(self) -> float:
        return time.clock_gettime(self._clock)


def _settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        upstream_concurrency=1024,
        cursor_secret="bench-cursor-secret-0123456789",  # type: ignore[arg-type]  # noqa: S106
        # Every operation must reach the upstreams, or the spans being priced are not made:
        # no cross-request cache, no client-side quota; the Meet dashboard's worst-case
        # estimate is over the default call budget.
        cache_ended_ttl=0,
        cache_live_ttl=0,
        quota_meet="off",
        quota_discovery="off",
        quota_realtimekit="off",
        quota_stream="off",
        max_upstream_calls=100_000,
    )


async def measure(
    scenario: Scenario, sink: Server, seconds: float = SECONDS, min_rounds: int = MIN_ROUNDS
) -> tuple[list[float], list[float], float, float]:
    """CPU seconds per operation, both off and both on (paired by round; the on side's
    share of the export thread added to each), the spans exported per operation and that
    share of the export thread (CPU seconds per operation)."""
    hub = build_hub(EmulatorConfig())
    base = _settings()
    export = _ExportThread(lambda: traced_provider(sink))
    off_app = create_app(base.model_copy(update={"metrics_enabled": False}), hub=hub)
    on_app = create_app(base, hub=hub, tracer_provider=export.provider)
    off: list[float] = []
    on: list[float] = []
    async with off_app.router.lifespan_context(off_app), on_app.router.lifespan_context(on_app):
        clients = [
            httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://bench")
            for a in (off_app, on_app)
        ]
        for client in clients:  # warm up: schema caches, pools, first-call imports
            await _cpu_per_op(client, scenario.query, 2)
        export.provider.force_flush()
        before, export_cpu = exported(sink), export.cpu()
        with _frozen_setup():
            started = time.monotonic()
            while len(off) < min_rounds or not (
                _precise(off, on) or time.monotonic() - started > seconds or len(off) >= MAX_ROUNDS
            ):
                # Two rounds, the second in the other order, so drift in machine load
                # cancels out.
                for order in ((0, 1), (1, 0)):
                    hub.reset()  # log and quota windows emptied: rounds must not trip quotas
                    for side in order:
                        _collected()
                        cpu = await _cpu_per_op(clients[side], scenario.query, 1)
                        (on if side else off).append(cpu)
            # Batches went out as they filled, as in a gateway; the rest now.
            export.provider.force_flush()
        export_per_op = (export.cpu() - export_cpu) / len(on)
        for client in clients:
            await client.aclose()
    spans = (exported(sink) - before) / len(on)
    return off, [cpu + export_per_op for cpu in on], spans, export_per_op


def _precise(off: Sequence[float], on: Sequence[float]) -> bool:
    """Whether the median extra's confidence interval is within PRECISION either way."""
    if len(off) % 20:  # looked at every 20 rounds
        return False
    low, high = median_interval([b - a for a, b in zip(off, on, strict=True)])
    return (high - low) / 2 <= PRECISION * statistics.median(off)


def median_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """A distribution-free confidence interval for the median of `values`: the order
    statistics r and n + 1 - r, r the largest with P(Binomial(n, 1/2) < r) <= (1 -
    confidence) / 2 (so it holds whatever the noise's distribution)."""
    ordered = sorted(values)
    n = len(ordered)
    tail, r = 0.0, 0
    while r < n // 2:
        p = math.comb(n, r) / 2**n
        if tail + p > (1 - confidence) / 2:
            break
        tail += p
        r += 1
    if r == 0:
        return ordered[0], ordered[-1]
    return ordered[r - 1], ordered[n - r]


def _row(cells: Sequence[tuple[str, int]]) -> str:
    return "".join(text.rjust(width) if width > 0 else text.ljust(-width) for text, width in cells)


NO_CALLS = Scenario("no upstream call: { __typename }", "{ __typename }", (), constant(0))
_COLUMNS = [
    ("scenario", -40),
    ("off ms", 9),
    ("on ms", 9),
    ("extra ms", 10),
    ("extra", 8),
    ("95% CI", 16),
    ("rounds", 8),
    ("spans/op", 10),
    ("export", 8),
    ("model", 8),
]


async def report(scenarios: Sequence[Scenario], seconds: float = SECONDS) -> None:
    """Print the per-call costs, then per scenario CPU ms per operation off and on."""
    with otlp_sink() as sink:
        costs = per_call(sink)
        print("\nmetrics + tracing cost (process CPU); every span sampled (always_on), batched,")
        print("OTLP-encoded and sent over HTTP to a receiver in another process")
        print(f"\nper upstream call, in isolation (median of 25 blocks of {CALLS} calls):")
        for name, us in costs.items():
            print(f"  {name:<18}{us:>7.1f} µs")
        print("\nper operation: one op a side a round, rounds until the extra's 95 % confidence")
        print(f"interval is within ±{PRECISION:.0%} or for {seconds:.0f} s; extra = median of the")
        print("paired differences; export = the export thread's part of it; model = the no-call")
        print("operation's extra + calls x per call:")
        print(_row([(name, width) for name, width in _COLUMNS]))
        per_op = 0.0
        for scenario in [NO_CALLS, *scenarios]:
            off, on, spans, export = await measure(scenario, sink, seconds)
            extras = [b - a for a, b in zip(off, on, strict=True)]
            extra = statistics.median(extras)
            low, high = median_interval(extras)
            base = statistics.median(off)
            if scenario is NO_CALLS:
                per_op = extra
            # One span per operation is the operation's; the rest are upstream calls.
            model = per_op + max(spans - 1, 0) * costs["both"] / 1e6
            cells = [
                scenario.name,
                f"{base * 1000:.2f}",
                f"{statistics.median(on) * 1000:.2f}",
                f"{extra * 1000:+.2f}",
                f"{extra / base:+.1%}",
                f"{low / base:+.1%}..{high / base:+.1%}",
                str(len(off)),
                f"{spans:.0f}",
                f"{export / base:.1%}",
                f"{model / base:+.1%}",
            ]
            print(_row([(c, w) for c, (_, w) in zip(cells, _COLUMNS, strict=True)]))


def main() -> None:
    """`python -m bench.observability [--seconds S] [words…]`: only this bench, for the
    scenarios whose name has one of the words (default: all that need no town hall)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "--seconds", type=float, default=SECONDS, help="most seconds of rounds a scenario"
    )
    parser.add_argument("words", nargs="*")
    args = parser.parse_args()
    chosen = [
        s
        for s in SCENARIOS
        if not s.needs_town_hall and (not args.words or any(w in s.name for w in args.words))
    ]
    asyncio.run(report(chosen, args.seconds))


if __name__ == "__main__":
    main()

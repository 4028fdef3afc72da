"""What metrics and tracing cost: CPU per operation with both on against both off.

Two gateways run side by side in one process on the same emulators (latency 0,
so the numbers are CPU, not waiting): one with metrics off and no tracer, one
with metrics on and a tracer whose batch processor encodes every span to OTLP
protobuf (what the OTLP/HTTP exporter sends) and drops the bytes, so export
cost is counted but no network is involved. Rounds alternate between the two
so machine noise hits both alike; CPU is `time.process_time()` (all threads,
so the batch processor's export thread counts too). The emulators' own CPU is
in both columns: the difference is the cost.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Sequence

import httpx
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from app.asgi import create_app
from app.emulators import EmulatorConfig, build_hub
from app.settings import Settings
from bench.scenarios import Scenario

__all__ = ["report"]


class EncodingExporter(SpanExporter):
    """Encodes spans as the OTLP exporter would, then drops them."""

    def __init__(self) -> None:
        self.spans = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        encode_spans(spans).SerializeToString()
        self.spans += len(spans)
        return SpanExportResult.SUCCESS


async def _cpu_per_op(
    client: httpx.AsyncClient, query: str, ops: int, provider: TracerProvider | None = None
) -> float:
    started = time.process_time()
    for _ in range(ops):
        response = await client.post("/graphql", json={"query": query})
        if response.json().get("errors"):
            raise SystemExit(f"bench query failed: {response.text[:300]}")
    if provider is not None:
        provider.force_flush()  # the export (encoding) of these spans belongs to "on"
    return (time.process_time() - started) / ops


async def measure(scenario: Scenario, rounds: int, ops: int) -> tuple[float, float, int]:
    """Median CPU seconds per operation with both off, the median extra with both on
    (paired by round), and the number of spans exported."""
    hub = build_hub(EmulatorConfig())
    base = Settings(
        _env_file=None,  # type: ignore[call-arg]
        upstream_concurrency=1024,
        cursor_secret="bench-cursor-secret-0123456789",  # type: ignore[arg-type]  # noqa: S106
        # Every operation must reach the upstreams, or the spans being priced are not made:
        # no cross-request cache, no client-side quota.
        cache_ended_ttl=0,
        cache_live_ttl=0,
        quota_meet="off",
        quota_discovery="off",
        quota_realtimekit="off",
        quota_stream="off",
    )
    exporter = EncodingExporter()
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    off_app = create_app(base.model_copy(update={"metrics_enabled": False}), hub=hub)
    on_app = create_app(base, hub=hub, tracer_provider=provider)
    off, on = [], []
    async with off_app.router.lifespan_context(off_app), on_app.router.lifespan_context(on_app):
        clients = [
            httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://bench")
            for a in (off_app, on_app)
        ]
        for client in clients:  # warm up: schema caches, pools, first-call imports
            await _cpu_per_op(client, scenario.query, 2)
        # The emulators' seeded datasets are a large heap no real gateway has; frozen, the
        # collector stops rescanning them. Collections run between blocks, not inside
        # them, so neither side is charged for a collection the other one provoked.
        gc.collect()
        gc.freeze()
        gc.disable()
        for turn in range(rounds):
            hub.reset()  # log and quota windows emptied: rounds must not trip the quotas
            # Alternate which side goes first, so drift in machine load cancels out.
            for side in (0, 1) if turn % 2 == 0 else (1, 0):
                cpu = await _cpu_per_op(
                    clients[side], scenario.query, ops, provider if side else None
                )
                (on if side else off).append(cpu)
                gc.collect()
        for client in clients:
            await client.aclose()
        gc.enable()
        gc.unfreeze()
    # Paired by round (the two sides ran back to back), so load drift cancels out.
    extra = statistics.median(b - a for a, b in zip(off, on, strict=True))
    return statistics.median(off), extra, exporter.spans


async def report(scenarios: Sequence[Scenario], rounds: int = 10, ops: int = 3) -> None:
    """Print, per scenario, CPU ms per operation with metrics+tracing off and on."""
    print(f"\nmetrics + tracing cost: CPU per operation, median of {rounds} rounds x {ops} ops")
    print(f"{'scenario':<40}{'off ms':>9}{'extra ms':>10}{'extra':>8}{'spans/op':>10}")
    for scenario in scenarios:
        off, extra, spans = await measure(scenario, rounds, ops)
        per_op = spans / (rounds * ops + 2)
        print(
            f"{scenario.name:<40}{off * 1000:>9.2f}{extra * 1000:>+10.2f}"
            f"{extra / off:>+8.1%}{per_op:>10.0f}"
        )

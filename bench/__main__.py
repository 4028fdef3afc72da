"""`./dev bench`: how close the gateway gets to the floor set by its upstreams.

Each scenario runs a real query through the in-process gateway on the emulators
with a fixed emulator latency, and prints, from one run:

- upstream calls made vs. the minimum the query needs (from the emulator log),
- wall time vs. the critical path (dependent levels x upstream latency),
- the number of waves of upstream calls seen in the log.

Ratios near 1.0 mean no wasted calls and no serialised levels.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx

from app.asgi import create_app
from app.emulators import EmulatorConfig, build_hub
from app.settings import Settings
from bench import cache as bench_cache
from bench import live, observability
from bench.scenarios import SCENARIOS, Scenario


def waves(entries: list[tuple[float, float]]) -> int:
    count, end = 0, None
    for started, finished in sorted(entries):
        if end is None or started >= end:
            count, end = count + 1, finished
        else:
            end = max(end, finished)
    return count


async def run(scenario: Scenario, latency_ms: float, repeat: int) -> dict[str, float]:
    hub = build_hub(EmulatorConfig())
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        upstream_concurrency=1024,
        cursor_secret="bench-cursor-secret-0123456789",  # type: ignore[arg-type]  # noqa: S106
        # Per-operation efficiency is measured here: no cross-request cache (bench/cache.py).
        cache_ended_ttl=0,
        cache_live_ttl=0,
        # The emulator's Meet read limit, not Google's 600 per user: repeats add up.
        quota_meet="6000/60,6000/60",
    )
    app = create_app(settings, hub=hub)
    minimum = await scenario.minimum(hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for emulator in hub.emulators.values():
                emulator.knobs.latency_ms = latency_ms
            best = float("inf")
            calls = 0
            seen_waves = 0
            for _ in range(repeat):
                hub.log.clear()
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": scenario.query})
                elapsed = time.perf_counter() - started
                body = response.json()
                if body.get("errors"):
                    raise SystemExit(f"{scenario.name}: {body['errors'][:2]}")
                entries = [e for e in hub.log.entries() if e.emulator in scenario.emulators]
                calls = len(entries)
                seen_waves = waves([(e.started, e.finished) for e in entries])
                best = min(best, elapsed)
    critical = scenario.depth * latency_ms / 1000
    return {
        "calls": calls,
        "minimum": minimum,
        "wall_ms": best * 1000,
        "critical_ms": critical * 1000,
        "waves": seen_waves,
        "depth": scenario.depth,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-observability", action="store_true", help="skip the metrics/tracing cost"
    )
    parser.add_argument("scenario", nargs="*", help="scenario names (default: all)")
    parser.add_argument(
        "--live", action="store_true", help="also run bench/live.py (subscriptions)"
    )
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    print(f"emulator latency {args.latency_ms:.0f} ms per call, best of {args.repeat}")
    header = f"{'scenario':<40}{'calls':>7}{'min':>6}{'ratio':>7}{'waves':>7}{'depth':>7}"
    header += f"{'wall ms':>10}{'crit ms':>9}{'ratio':>7}"
    print(header)
    for scenario in chosen:
        r = asyncio.run(run(scenario, args.latency_ms, args.repeat))
        print(
            f"{scenario.name:<40}{r['calls']:>7.0f}{r['minimum']:>6.0f}"
            f"{r['calls'] / r['minimum']:>7.2f}{r['waves']:>7.0f}{r['depth']:>7.0f}"
            f"{r['wall_ms']:>10.1f}{r['critical_ms']:>9.1f}{r['wall_ms'] / r['critical_ms']:>7.2f}"
        )
    if not args.scenario or "cache" in args.scenario:
        asyncio.run(bench_cache.main(args.latency_ms))
    if not args.no_observability:
        asyncio.run(observability.report(chosen))
    if args.live:
        live.main()


if __name__ == "__main__":
    main()

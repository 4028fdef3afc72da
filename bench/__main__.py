"""`./dev bench`: the gateway against its floors, every process on its own.

The emulators run as their own server (`sessiongraph emulate`), the gateway as
its own (`sessiongraph serve`, pointed at them as real upstreams with the
emulators' demo credentials), and beside it a hand-written httpx + orjson proxy
(`bench.proxy`) and a plain client (`bench.plain`). From one run it prints:

1. load: req/s, p50, p99, server CPU per request and upstream calls per request
   for the 100-item attendance page, gateway vs proxy, 16 connections;
2. upstream calls vs the minimum for every scenario, with normal, short and
   trailing-empty emulator pages;
3. gateway CPU per operation for every scenario;
4. the Meet dashboard's wall time at 25 ms per upstream call vs the plain client;
5. the gateway's RSS after 1,000 and after 10,000 mixed operations;

then, in process, the cross-request cache (`bench.cache`) and what metrics and
tracing cost (`bench.observability`); the gateway process above runs with both
the cache and client-side quotas off, so every operation reaches the upstreams.

`--quick` scales durations and counts down; `--profile` also writes a py-spy
profile of the gateway under load (flame graph SVG).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bench import cache as bench_cache
from bench import live, observability, phases
from bench.procs import emulators, gateway, proxy
from bench.scenarios import SCENARIOS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short run (about a minute)")
    parser.add_argument("--profile", nargs="?", const="bench-profile.svg", default=None)
    parser.add_argument("--seconds", type=float, default=None, help="seconds per load run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--latency-ms", type=float, default=25.0)
    parser.add_argument(
        "--no-cache", action="store_true", help="skip the cross-request cache bench"
    )
    parser.add_argument(
        "--no-observability", action="store_true", help="skip the metrics/tracing cost"
    )
    parser.add_argument(
        "--live", action="store_true", help="also run bench/live.py (subscriptions)"
    )
    args = parser.parse_args()
    scale = phases.Scale.quick() if args.quick else phases.Scale.full()
    if args.seconds:
        scale.load_seconds = args.seconds
    with emulators() as emu, gateway(emu.url) as gw, proxy(emu.url) as px:
        bench = phases.Bench(
            emu, gw, px, scale, connections=args.connections, latency=args.latency_ms
        )
        asyncio.run(bench.run_all(Path(args.profile) if args.profile else None))
    # In-process benches of features the processes above run with off (cache, telemetry).
    if not args.no_cache:
        asyncio.run(bench_cache.main(args.latency_ms))
    if not args.no_observability:
        # In process, the call budget lifted (the Meet dashboard is the most calls per op).
        asyncio.run(observability.report([s for s in SCENARIOS if not s.needs_town_hall]))
    if args.live:
        live.main()


if __name__ == "__main__":
    main()

"""The cross-request cache, measured: a repeated dashboard, and a dashboard refreshing all day.

1. The Meet dashboard over ended conferences, run once and then repeated:
   upstream calls of the repeat (expected 0), wall time of the repeat against
   the first run, and the p50 of the repeat on the memory and the Redis backend,
   each with whole answers kept (the operation-result cache) and with only the
   upstream reads kept (`SESSIONGRAPH_RESPONSE_CACHE=false`).
2. The dashboard refreshed every 30 s for 10 minutes of simulated time (a
   stepped clock, no sleeping), with 5 % of its conferences live: upstream
   calls with the cache against the same run without it.
"""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx

from app.asgi import create_app
from app.emulators import EmulatorConfig, EmulatorHub, build_hub
from app.settings import Settings
from schema.relay import encode_global_id

NOW = 1_793_534_400.0  # the emulators' fixed "now": their data is dated around it
CONFERENCES = 20
HOUR = 3600.0
FIELDS = """name endTime
  participants(first: 10) { nodes { displayName sessions(first: 5) { nodes { joinTime leaveTime } } } }
  recordings(first: 5) { nodes { name state } } transcripts(first: 5) { nodes { name } }"""


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def _dashboard(hub: EmulatorHub, live_share: float, *, settled: bool = True) -> str:
    """CONFERENCES conferences by id, `live_share` of them live; the ended ones either
    settled (ended over an hour before "now") or the most recently ended."""
    dataset = hub["meet"].dataset
    live = list(dataset.live_records())[: round(CONFERENCES * live_share)]
    ended = [r for r in dataset.conference_records() if not r.is_live and r.participants]
    if settled:
        ended = [r for r in ended if r.end_time and NOW - r.end_time / 1e9 > HOUR]
    chosen = live + ended[: CONFERENCES - len(live)]
    ids = ", ".join(f'"{encode_global_id("ConferenceRecord", r.name)}"' for r in chosen)
    return f"{{ nodes(ids: [{ids}]) {{ ... on ConferenceRecord {{ {FIELDS} }} }} }}"


def _settings(**changes: Any) -> Settings:
    base = Settings(
        _env_file=None,  # type: ignore[call-arg]
        upstream_concurrency=1024,
        cursor_secret="bench-cursor-secret-0123456789",  # type: ignore[arg-type]  # noqa: S106
        # The emulator's own Meet read limit (6000 a minute for every token), not Google's 600
        # per user: the first, uncached run of the dashboard alone reads more than 600.
        quota_meet="6000/60,6000/60",
    )
    return base.model_copy(update=changes)


async def _post(client: httpx.AsyncClient, query: str) -> float:
    started = time.perf_counter()
    body = (await client.post("/graphql", json={"query": query})).json()
    if body.get("errors"):
        raise SystemExit(f"cache bench: {body['errors'][:2]}")
    return time.perf_counter() - started


@asynccontextmanager
async def _gateway(
    settings: Settings, hub: EmulatorHub, clock: Clock
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, hub=hub)
    async with app.router.lifespan_context(app):  # the lifespan builds the runtime
        app.state.runtime.traffic.set_clock(clock)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            yield client


async def repeat(settings: Settings, latency_ms: float, runs: int = 30) -> dict[str, float]:
    """First run, then `runs` repeats of the ended-conference dashboard."""
    hub = build_hub(EmulatorConfig())
    query = _dashboard(hub, live_share=0.0)
    for emulator in hub.emulators.values():
        emulator.knobs.latency_ms = latency_ms
    async with _gateway(settings, hub, Clock()) as client:
        first = await _post(client, query)
        first_calls = len(hub.log)
        hub.log.clear()
        walls = [await _post(client, query) for _ in range(runs)]
    return {
        "first_ms": first * 1000,
        "first_calls": first_calls,
        "repeat_calls": len(hub.log) / runs,
        "p50_ms": statistics.median(walls) * 1000,
    }


async def refreshing(
    settings: Settings, *, settled: bool, minutes: float = 10, every: float = 30
) -> int:
    """Upstream calls of the 5 %-live dashboard refreshed every `every` s for `minutes`."""
    hub = build_hub(EmulatorConfig())
    query = _dashboard(hub, live_share=0.05, settled=settled)
    clock = Clock()
    async with _gateway(settings, hub, clock) as client:
        for step in range(int(minutes * 60 / every) + 1):
            clock.now = NOW + step * every
            await _post(client, query)
    return len(hub.log)


@contextmanager
def _redis() -> Iterator[str | None]:
    if shutil.which("redis-server") is None:
        yield None
        return
    # The tests' helper: Debian's redis-server on a free loopback port, no persistence.
    from tests.e2e.redis_server import redis_server  # noqa: PLC0415

    with redis_server() as url:
        yield url


async def main(latency_ms: float) -> None:
    print(f"\ncache: Meet dashboard over {CONFERENCES} ended conferences, {latency_ms:.0f} ms/call")
    # With whole answers kept (the operation-result cache, the default) and with only the
    # upstream reads kept, so what each layer saves shows side by side.
    rows: list[tuple[str, dict[str, float] | None]] = [
        ("memory", await repeat(_settings(), latency_ms)),
        ("memory, reads only", await repeat(_settings(response_cache=False), latency_ms)),
    ]
    for label, only_reads in (("redis", False), ("redis, reads only", True)):
        with _redis() as url:  # an empty Redis for each: the first run must miss
            changes: dict[str, Any] = {"cache_url": url}
            if only_reads:
                changes["response_cache"] = False
            rows.append((label, await repeat(_settings(**changes), latency_ms) if url else None))
    print(
        f"{'backend':<20}{'calls 1st':>10}{'calls 2nd':>10}{'1st ms':>9}{'p50 2nd ms':>12}"
        f"{'ratio':>8}"
    )
    for name, r in rows:
        if r is None:
            print(f"{name:<20} skipped: redis-server not installed")
            continue
        print(
            f"{name:<20}{r['first_calls']:>10.0f}{r['repeat_calls']:>10.0f}{r['first_ms']:>9.1f}"
            f"{r['p50_ms']:>12.2f}{r['p50_ms'] / r['first_ms']:>8.3f}"
        )
    print("cache: targets for the repeat's p50: at most 5 ms (memory), 15 ms (redis)")
    off = _settings(cache_ended_ttl=0.0, cache_live_ttl=0.0)
    for settled, label in ((True, "ended over 1 h ago"), (False, "the newest ended")):
        cached = await refreshing(_settings(), settled=settled)
        uncached = await refreshing(off, settled=settled)
        print(
            f"cache: refresh every 30 s for 10 simulated min, 5 % live, others {label}: "
            f"{cached} upstream calls vs {uncached} without the cache ({cached / uncached:.1%})"
        )


if __name__ == "__main__":
    # `python -m bench.cache`: only this part of `./dev bench` (in process, about a minute).
    import asyncio
    import sys

    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 25.0))

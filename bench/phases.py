"""The bench's phases, run against live processes; each prints its own table."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from app.transport import UpstreamTransport
from bench import framework
from bench.goals import Readings, print_goals
from bench.load import LoadResult, drive, drive_count
from bench.plain import Plain, dashboard
from bench.procs import BIN, Server
from bench.scenarios import ATTENDANCE, SCENARIOS, Scenario

EMULATORS = ("meet", "discovery", "realtimekit", "stream")
RSS_MIX = (
    "attendance: callSession, 100 items",
    "sessions timeline: first 30",
    "sessions timeline: first 50",
)
# The emulators enforce the upstreams' documented quotas (RealtimeKit 1,200 per 5 min,
# Meet 6,000 per minute); a benchmark makes more calls than that on purpose.
UNLIMITED = {
    "rate_limit": 10**9,
    "meet_read_limit_per_minute": 10**9,
    "meet_project_read_limit_per_minute": 10**9,
}
PAGE_RUNS: dict[str, dict[str, Any]] = {
    "normal pages": {},
    "short pages": {"short_pages": True},
    "trailing empty pages": {"trailing_empty_page": True},
}


@dataclass
class Scale:
    load_seconds: float
    cpu_repeat: int
    dashboard_repeat: int
    rss_first: int
    rss_total: int

    @classmethod
    def full(cls) -> Scale:
        return cls(
            load_seconds=10, cpu_repeat=20, dashboard_repeat=15, rss_first=1000, rss_total=10000
        )

    @classmethod
    def quick(cls) -> Scale:
        return cls(load_seconds=4, cpu_repeat=5, dashboard_repeat=3, rss_first=100, rss_total=1000)


def _load_row(name: str, result: LoadResult, cpu: float, calls: float) -> None:
    requests = max(1, result.requests)
    print(
        f"{name:<14}{result.rps:>9.0f}{result.percentile(50):>9.1f}"
        f"{result.percentile(99):>9.1f}{cpu * 1000 / requests:>12.2f}"
        f"{calls / requests:>11.2f}{result.errors:>8}"
    )


class Bench:
    def __init__(
        self, emu: Server, gw: Server, px: Server, scale: Scale, *, connections: int, latency: float
    ) -> None:
        self.emu, self.gw, self.px = emu, gw, px
        self.scale, self.connections, self.latency = scale, connections, latency
        self.http = httpx.AsyncClient(timeout=120, transport=UpstreamTransport())
        self.plain = Plain(emu.url)
        self.town_hall: dict[str, str] = {}
        self.cpu_per_request: dict[str, float] = {}
        self.readings = Readings()

    # --- helpers -------------------------------------------------------------------

    async def knobs(self, **values: Any) -> None:
        """Set every emulator's knobs (the rest back to defaults, quotas lifted)."""
        body = {"options": UNLIMITED, **values}
        for name in EMULATORS:
            response = await self.http.put(f"{self.emu.url}/_emulator/knobs/{name}", json=body)
            response.raise_for_status()

    async def clear_log(self) -> None:
        (await self.http.delete(f"{self.emu.url}/_emulator/log")).raise_for_status()

    async def log_count(self, emulators: tuple[str, ...] = EMULATORS) -> int:
        entries = (await self.http.get(f"{self.emu.url}/_emulator/log")).json()
        return sum(1 for e in entries if e["emulator"] in emulators)

    def payload(self, scenario: Scenario) -> dict[str, Any]:
        variables = self.town_hall if scenario.needs_town_hall else scenario.variables
        return {"query": scenario.query, "variables": variables}

    async def query(self, scenario: Scenario) -> dict[str, Any]:
        response = await self.http.post(f"{self.gw.url}/graphql", json=self.payload(scenario))
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise SystemExit(f"{scenario.name}: {body['errors'][:2]}")
        return body

    # --- phases --------------------------------------------------------------------

    async def run_all(self, profile: Path | None) -> None:
        t, c, s = await self.plain.town_hall()
        self.town_hall = {"t": t, "c": c, "s": s}
        await self.knobs()
        await self.load_phase(profile)
        await self.calls_phase()
        await self.cpu_phase()
        await self.dashboard_phase()
        await self.rss_phase()
        print_goals(self.readings)
        await self.plain.close()
        await self.http.aclose()

    async def _load(
        self, server: Server, seconds: float, connections: int | None = None
    ) -> tuple[LoadResult, float, float]:
        connections = connections or self.connections
        body = orjson.dumps({"query": ATTENDANCE, "variables": self.town_hall})
        await drive(f"{server.url}/graphql", body, connections=connections, seconds=1)
        await self.clear_log()
        cpu = server.cpu_seconds()
        result = await drive(
            f"{server.url}/graphql",
            body,
            connections=connections,
            seconds=seconds,
            check=b'"userId"',
        )
        cpu = server.cpu_seconds() - cpu
        calls = await self.log_count(("stream",))
        return result, cpu, calls

    async def load_phase(self, profile: Path | None) -> None:
        seconds = self.scale.load_seconds
        print(
            f"\n## 100-item attendance page: {self.connections} connections, {seconds:.0f} s each"
        )
        print(
            f"{'server':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/req':>12}{'calls/req':>11}{'errors':>8}"
        )
        # The proxy and the gateway take turns (proxy, gateway, proxy, gateway, proxy):
        # the machine drifts within minutes (the proxy's CPU per request measured 2.6 to
        # 3.3 ms in one run here, 4.3 to 5.5 in one day on another machine), and the
        # proxy's figure is what bench/goals.py reads the CPU goals by. Each side's figure
        # is the median of its runs' CPU per request, the req/s ratio that of the means.
        rps: dict[str, list[float]] = {"gateway": [], "proxy": []}
        cpus: dict[str, list[float]] = {"gateway": [], "proxy": []}
        turns = (self.px, self.gw, self.px, self.gw, self.px)
        for turn, server in enumerate(turns):
            result, cpu, calls = await self._load(server, seconds)
            rps[server.name].append(result.rps)
            cpus[server.name].append(cpu * 1000 / max(1, result.requests))
            _load_row(f"{server.name} #{turns[: turn + 1].count(server)}", result, cpu, calls)
        for name, values in cpus.items():
            self.cpu_per_request[name] = statistics.median(values)
        ratio = statistics.fmean(rps["gateway"]) / max(1e-9, statistics.fmean(rps["proxy"]))
        print(
            f"gateway req/s = {ratio:.2f}x the proxy's (means of their runs); CPU/req, the "
            f"median of each side's runs: gateway {self.cpu_per_request['gateway']:.2f} ms, "
            f"proxy {self.cpu_per_request['proxy']:.2f} ms"
        )
        self.readings.rps_ratio = ratio
        self.readings.gateway_ms = self.cpu_per_request["gateway"]
        self.readings.proxy_ms = self.cpu_per_request["proxy"]
        # Concurrent requests for the same page share the gateway's upstream call (calls/req
        # above); one connection has no twin in flight, so each request makes its call.
        print("one connection (no concurrent twin to share the upstream call with):")
        single: dict[str, list[float]] = {"gateway": [], "proxy": []}
        for server in (self.gw, self.px, self.gw, self.px):  # taking turns, as above
            result, cpu, calls = await self._load(server, seconds / 2, connections=1)
            single[server.name].append(cpu * 1000 / max(1, result.requests))
            _load_row(server.name, result, cpu, calls)
        self.readings.single_ratio = statistics.fmean(single["gateway"]) / max(
            1e-9, statistics.fmean(single["proxy"])
        )
        print(
            f"gateway CPU per request = {self.readings.single_ratio:.2f}x "
            "the proxy's, each making its one call"
        )
        await self.framework_phase()
        if profile is not None:
            await self.profile(profile, seconds)

    async def framework_phase(self) -> None:
        page = await self.plain.attendance(
            **dict(
                zip(("call_type", "call_id", "session_id"), self.town_hall.values(), strict=True)
            )
        )
        repeat = max(20, self.scale.cpu_repeat * 10)
        shares = await asyncio.to_thread(framework.measure, page["participants_sessions"], repeat)
        gateway = self.cpu_per_request.get("gateway", float("nan"))
        print(
            f"same document in memory, no upstream (bench process, mean of {repeat}): "
            f"graphql-core {shares['graphql-core']:.2f} ms, Strawberry {shares['strawberry']:.2f} ms, "
            f"Strawberry on the gateway's executor {shares['shortcuts']:.2f} ms "
            f"= {shares['shortcuts'] / gateway * 100:.0f}% of the gateway's CPU per request"
        )

    async def profile(self, path: Path, seconds: float) -> None:
        """py-spy on the gateway process while it serves the attendance page and the dashboard."""
        record = subprocess.Popen(  # noqa: S603, ASYNC220 - fixed arguments; runs alongside
            [
                str(BIN / "py-spy"),
                "record",
                "--pid",
                str(self.gw.process.pid),
                "--output",
                str(path),
                "--duration",
                str(int(seconds) + 2),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await asyncio.sleep(0.5)
        await self._load(self.gw, seconds / 2)
        dash = SCENARIOS[1]
        until = time.monotonic() + seconds / 2
        while time.monotonic() < until:
            await self.query(dash)
        await asyncio.to_thread(record.wait, 60)
        print(f"profile written to {path}", file=sys.stderr)

    async def calls_phase(self) -> None:
        print("\n## upstream calls vs the minimum")
        print(f"{'scenario':<42}{'pages':<22}{'calls':>7}{'min':>6}{'ratio':>7}")
        for run, knobs in PAGE_RUNS.items():
            await self.knobs(**knobs)
            for scenario in SCENARIOS:
                await self.clear_log()
                body = await self.query(scenario)
                calls = await self.log_count(scenario.emulators)
                minimum = await scenario.minimum(
                    self.plain, self.payload(scenario)["variables"], body
                )
                print(f"{scenario.name:<42}{run:<22}{calls:>7}{minimum:>6}{calls / minimum:>7.2f}")
                self.readings.calls_ratios.append(calls / minimum)
        await self.knobs()

    async def cpu_phase(self) -> None:
        print(
            f"\n## gateway CPU per operation (no emulated latency, mean of {self.scale.cpu_repeat})"
        )
        print(
            "plain: the same upstream calls made by the bench process (bench/plain.py, the same"
            " httpx + aiohttp transport), its own CPU: what the calls alone cost (shown where the"
            " plain client makes all the calls the gateway made)"
        )
        print(f"{'scenario':<42}{'CPU ms/op':>10}{'wall ms':>9}{'plain CPU':>10}{'ratio':>7}")
        repeat = self.scale.cpu_repeat
        for scenario in SCENARIOS:
            body = await self.query(scenario)
            await self.clear_log()
            cpu, started = self.gw.cpu_seconds(), time.perf_counter()
            for _ in range(repeat):
                await self.query(scenario)
            wall = (time.perf_counter() - started) / repeat
            cpu = (self.gw.cpu_seconds() - cpu) / repeat
            calls = await self.log_count(scenario.emulators)
            plain, plain_calls = await self._plain_cpu(scenario, body)
            versus = f"{'-':>10}"
            if plain_calls >= calls:
                versus = f"{plain * 1000:>10.1f}{cpu / plain:>7.2f}"
            print(f"{scenario.name:<42}{cpu * 1000:>10.1f}{wall * 1000:>9.1f}{versus}")

    async def _plain_cpu(self, scenario: Scenario, body: dict[str, Any]) -> tuple[float, int]:
        """CPU seconds per run of the plain client making the scenario's calls, and the
        upstream calls those runs made."""
        variables = self.payload(scenario)["variables"]
        await scenario.minimum(self.plain, variables, body)  # warm its pool
        await self.clear_log()
        started = time.process_time()
        for _ in range(self.scale.cpu_repeat):
            await scenario.minimum(self.plain, variables, body)
        cpu = (time.process_time() - started) / self.scale.cpu_repeat
        return cpu, await self.log_count(scenario.emulators)

    async def dashboard_phase(self) -> None:
        await self.knobs(latency_ms=self.latency)
        dash = SCENARIOS[1]
        gateway_walls, plain_walls, cpus, plain_cpus = [], [], [], []
        for _ in range(self.scale.dashboard_repeat):
            cpu, started = self.gw.cpu_seconds(), time.perf_counter()
            await self.query(dash)
            gateway_walls.append(time.perf_counter() - started)
            cpus.append(self.gw.cpu_seconds() - cpu)
            await self.clear_log()
            # The plain client runs in this process: its CPU is this process's meanwhile.
            started, cpu = time.perf_counter(), time.process_time()
            calls = await dashboard(self.plain)
            plain_walls.append(time.perf_counter() - started)
            plain_cpus.append(time.process_time() - cpu)
        await self.knobs()
        g, p = statistics.median(gateway_walls), statistics.median(plain_walls)
        # CPU as the mean of all the operations: the process's CPU time moves in clock
        # ticks (10 ms here, a sixteenth of an operation), so a median of single readings
        # is a multiple of the tick; the mean of 15 resolves well under a millisecond.
        cpu = statistics.fmean(cpus)
        self.readings.dashboard_ms = cpu * 1000
        self.readings.dashboard_calls = calls
        self.readings.dashboard_wall_ratio = g / p
        print(
            f"\n## Meet dashboard at {self.latency:.0f} ms per upstream call "
            f"({len(cpus)} operations: wall the median, CPU the mean)"
        )
        # Waiting on upstreams, a process wakes for each answer as it comes (without latency
        # answers queue up while it is busy, and one wake reads many): the plain client's
        # CPU under the same latency is the like-for-like floor.
        plain_cpu = statistics.fmean(plain_cpus)
        self.readings.dashboard_plain_ratio = cpu / plain_cpu
        print(
            f"gateway wall {g * 1000:.0f} ms, CPU {cpu * 1000:.1f} ms/op "
            f"(single readings {min(cpus) * 1000:.0f}..{max(cpus) * 1000:.0f}); "
            f"plain client ({calls} calls) wall {p * 1000:.0f} ms, CPU {plain_cpu * 1000:.1f} ms; "
            f"ratios: wall {g / p:.2f}, CPU {cpu / plain_cpu:.2f}"
        )

    async def rss_phase(self) -> None:
        # The cheaper scenarios, so 10,000 operations take minutes, not an hour.
        mix = [s for s in SCENARIOS if s.name in RSS_MIX]
        payloads = [orjson.dumps(self.payload(s)) for s in mix]
        marks: dict[int, float] = {}
        goal, first = self.scale.rss_total, self.scale.rss_first

        def on_done(count: int) -> None:
            if count in (first, goal):
                marks[count] = self.gw.rss_mib()

        result = await drive_count(
            f"{self.gw.url}/graphql",
            payloads,
            connections=self.connections,
            total=goal,
            on_done=on_done,
        )
        early, late = marks.get(first, float("nan")), marks.get(goal, self.gw.rss_mib())
        self.readings.rss_growth = late / early - 1
        if result.first_error:
            print(f"first error answer: {result.first_error.decode(errors='replace')}")
        print(
            f"\n## gateway RSS over {goal} mixed operations ({len(mix)} scenarios, "
            f"{self.connections} connections, {result.seconds:.0f} s, {result.errors} errors)"
        )
        print(
            f"after {first}: {early:.1f} MiB; after {goal}: {late:.1f} MiB; "
            f"growth {(late / early - 1) * 100:+.1f} %"
        )

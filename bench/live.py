"""Live events under load: N SSE subscribers, a burst of signed webhooks, none lost.

Starts `sessiongraph demo` (emulated live activity off) in its own process,
opens N concurrent Server-Sent-Events subscriptions filtered to Stream, posts a
burst of signed `call.session_participant_joined` webhooks, and checks that
every subscriber received every event exactly once. Prints the delivery
latency (webhook sent to event received) p50/p99 and the gateway's RSS before,
with the subscribers, and after the burst.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import orjson

from app.emulators.live.signing import stream_webhook

QUERY = (
    "subscription { sessionEvents(filter: {providers: [STREAM_VIDEO]}) "
    "{ id occurredAt attendance { userId } } }"
)
SESSION = ("default", "bench-call", "bench-session")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def joined(n: int, tag: str) -> dict[str, object]:
    now = time.time_ns()
    return {
        "type": "call.session_participant_joined",
        "created_at": now,  # ns since the epoch, as Stream's v2 payloads carry it
        "call_cid": f"{SESSION[0]}:{SESSION[1]}",
        "session_id": SESSION[2],
        "participant": {
            "user": {"id": f"{tag}-{n}", "name": f"User {n}"},
            "user_session_id": str(uuid.uuid4()),
            "role": "user",
            "joined_at": now,
        },
    }


SINGLE_EVENTS = 20


class Subscriber:
    def __init__(self, expected: int) -> None:
        self.received: dict[str, int] = {}
        self.latencies: list[float] = []
        self.probes = 0
        self.expected = expected
        self.done = asyncio.Event()

    def reset(self) -> None:
        self.received.clear()
        self.latencies.clear()
        self.done = asyncio.Event()


async def subscribe(client: httpx.AsyncClient, url: str, sub: Subscriber) -> None:
    headers = {"Accept": "text/event-stream"}
    async with client.stream("POST", url, json={"query": QUERY}, headers=headers) as response:
        async for line in response.aiter_lines():
            if not line.startswith("data:") or len(line) < 8:
                continue
            now = time.time_ns()
            event = orjson.loads(line[5:])["data"]["sessionEvents"]
            if event["attendance"]["userId"].startswith("probe-"):
                sub.probes += 1
                continue
            sub.received[event["id"]] = sub.received.get(event["id"], 0) + 1
            occurred = event["occurredAt"]
            sub.latencies.append((now - _ns(occurred)) / 1e6)
            if len(sub.received) >= sub.expected:
                sub.done.set()


def _ns(text: str) -> int:
    from resolvers.timestamps import Instant  # noqa: PLC0415

    return Instant.parse(text).ns


async def post(client: httpx.AsyncClient, base: str, event: dict[str, object]) -> None:
    """Deliver like Stream: the same request (same X-Webhook-Id) again on a transport error
    (a keep-alive connection the server closed as it was reused); the gateway publishes once."""
    request = stream_webhook(event)
    for attempt in range(3):
        try:
            response = await client.post(
                f"{base}/webhooks/stream", content=request.body, headers=request.headers
            )
        except httpx.TransportError:
            if attempt == 2:
                raise
            continue
        response.raise_for_status()
        return


async def run(base: str, pid: int, subscribers: int, events: int) -> None:
    limits = httpx.Limits(max_connections=subscribers + 64)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        rss_idle = rss_mb(pid)
        subs = [Subscriber(events) for _ in range(subscribers)]
        tasks = [asyncio.create_task(subscribe(client, f"{base}/graphql", s)) for s in subs]
        probe = 0
        while not all(s.probes for s in subs):  # every subscription registered
            probe += 1
            await post(client, base, joined(probe, "probe"))
            await asyncio.sleep(0.05)
        rss_subscribed = rss_mb(pid)
        single = await one_at_a_time(client, base, subs, SINGLE_EVENTS)
        for s in subs:
            s.expected = events
            s.reset()
        first = await burst(client, base, subs, events, "burst1")
        rss_first = rss_mb(pid)
        lost_first = sum(events - len(s.received) for s in subs)
        for s in subs:
            s.reset()
        second = await burst(client, base, subs, events, "burst2")
        rss_second = rss_mb(pid)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    lost = lost_first + sum(events - len(s.received) for s in subs)
    duplicated = sum(c - 1 for s in subs for c in s.received.values())
    latencies = sorted(x for s in subs for x in s.latencies)
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"live: {subscribers} SSE subscribers x {events} events = {subscribers * events} deliveries per burst"
    )
    print(
        f"  one event at a time ({SINGLE_EVENTS} events, each to all {subscribers}): webhook sent -> "
        f"last subscriber received p50 {statistics.median(single):.1f} ms, max {max(single):.1f} ms"
    )
    print(f"  burst 1: posted in {first[0]:.2f} s, all received in {first[1]:.2f} s")
    print(
        f"  burst 2: posted in {second[0]:.2f} s, all received in {second[1]:.2f} s; lost {lost}, duplicated {duplicated:.0f}"
    )
    print(
        f"  delivery latency (burst 2, webhook sent -> event received) p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    )
    print(
        f"  gateway RSS: idle {rss_idle:.0f} MB, subscribed {rss_subscribed:.0f} MB, after burst 1 {rss_first:.0f} MB, after burst 2 {rss_second:.0f} MB"
    )
    if lost or duplicated:
        raise SystemExit("events were lost or duplicated")


async def one_at_a_time(
    client: httpx.AsyncClient, base: str, subs: list[Subscriber], count: int
) -> list[float]:
    """The contract's latency (an event reaches every subscriber within 1 s), outside a burst:
    post one webhook, wait until every subscriber has it, then the next."""
    spans: list[float] = []
    for n in range(count):
        for s in subs:
            s.expected = 1
            s.reset()
        started = time.perf_counter()
        await post(client, base, joined(n, "single"))
        async with asyncio.timeout(60):
            await asyncio.gather(*(s.done.wait() for s in subs))
        spans.append((time.perf_counter() - started) * 1000)
    return spans


async def burst(
    client: httpx.AsyncClient, base: str, subs: list[Subscriber], events: int, tag: str
) -> tuple[float, float]:
    """Post `events` webhooks (32 at a time); wait until every subscriber has them all."""
    started = time.perf_counter()
    sem = asyncio.Semaphore(32)

    async def one(n: int) -> None:
        async with sem:
            await post(client, base, joined(n, tag))

    await asyncio.gather(*(one(n) for n in range(events)))
    posted = time.perf_counter() - started
    try:
        async with asyncio.timeout(900):
            await asyncio.gather(*(s.done.wait() for s in subs))
    except TimeoutError:
        print("  (stopped waiting after 900 s)")
    return posted, time.perf_counter() - started


def main(subscribers: int = 100, events: int = 1000) -> None:
    """Run the live-events benchmark against a fresh `sessiongraph demo` process."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONGRAPH_")}
    env["SESSIONGRAPH_EMULATOR_LIVE_INTERVAL"] = "0"
    binary = Path(sys.executable).with_name("sessiongraph")
    log_path = Path(tempfile.mkdtemp(prefix="sessiongraph-bench-live-")) / "gateway.log"
    print(f"gateway log: {log_path}")
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [str(binary), "demo", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_ready(base, process)
            asyncio.run(run(base, process.pid, subscribers, events))
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the demo gateway did not start")


def _free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


if __name__ == "__main__":
    main()

"""The bench's processes: emulators, gateway and proxy, each its own server on loopback.

Each process is started on a free port and waited for by polling a URL (bounded),
and read from outside through psutil: its own CPU time (user + system) and RSS.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from app.emulators.config import DEMO_CREDENTIALS

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running server process and the base URL it answers on."""

    name: str
    url: str
    process: subprocess.Popen[bytes]

    @property
    def ps(self) -> psutil.Process:
        return psutil.Process(self.process.pid)

    def cpu_seconds(self) -> float:
        times = self.ps.cpu_times()
        return float(times.user + times.system)

    def rss_mib(self) -> float:
        return float(self.ps.memory_info().rss) / 2**20


def _wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
        try:
            if httpx.get(server.url + path, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer {path} within {timeout:.0f} s")


@contextmanager
def server(
    name: str, command: list[str], port: int, ready_path: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Run `command` (which listens on `port`) until the block ends."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONGRAPH_")}
    full_env.update(env or {})
    process = subprocess.Popen(  # noqa: S603 - fixed arguments chosen by the bench
        command, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    running = Server(name, f"http://127.0.0.1:{port}", process)
    try:
        _wait_ready(running, ready_path, timeout=120)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def emulators() -> AbstractContextManager[Server]:
    port = free_port()
    command = [str(BIN / "sessiongraph"), "emulate", "--port", str(port)]
    return server("emulators", command, port, "/_emulator/log?emulator=none")


def gateway_env(upstream: str) -> dict[str, str]:
    """The gateway pointed at the emulators as real upstreams, with their demo credentials."""
    creds = DEMO_CREDENTIALS
    return {
        "SESSIONGRAPH_MEET_URL": upstream,
        "SESSIONGRAPH_DISCOVERY_URL": upstream,
        "SESSIONGRAPH_STREAM_URL": upstream,
        "SESSIONGRAPH_REALTIMEKIT_URL": upstream,
        "SESSIONGRAPH_GOOGLE_ACCESS_TOKEN": creds.google_token,
        "SESSIONGRAPH_STREAM_API_KEY": creds.stream_api_key,
        "SESSIONGRAPH_STREAM_API_SECRET": creds.stream_api_secret,
        "SESSIONGRAPH_REALTIMEKIT_ACCOUNT_ID": creds.realtimekit_account_id,
        "SESSIONGRAPH_REALTIMEKIT_APP_ID": creds.realtimekit_app_id,
        "SESSIONGRAPH_REALTIMEKIT_API_TOKEN": creds.realtimekit_api_token,
        "SESSIONGRAPH_CURSOR_SECRET": "bench-cursor-secret-0123456789",
        # Per-operation cost is measured: no cross-request cache, no client-side quotas.
        "SESSIONGRAPH_CACHE_ENDED_TTL": "0",
        "SESSIONGRAPH_CACHE_LIVE_TTL": "0",
        "SESSIONGRAPH_QUOTA_MEET": "off",
        "SESSIONGRAPH_QUOTA_DISCOVERY": "off",
        "SESSIONGRAPH_QUOTA_REALTIMEKIT": "off",
        "SESSIONGRAPH_QUOTA_STREAM": "off",
        # The full Meet dashboard (20 x 10 x 5, transcripts x 50 entries x speakers) is
        # estimated far over the default call budget of 500; it makes 269 calls.
        "SESSIONGRAPH_MAX_UPSTREAM_CALLS": "100000",
    }


def gateway(upstream: str, extra: dict[str, str] | None = None) -> AbstractContextManager[Server]:
    port = free_port()
    command = [str(BIN / "sessiongraph"), "serve", "--port", str(port)]
    return server("gateway", command, port, "/healthz", {**gateway_env(upstream), **(extra or {})})


def proxy(upstream: str) -> AbstractContextManager[Server]:
    port = free_port()
    command = [sys.executable, "-m", "bench.proxy", "--port", str(port), "--upstream", upstream]
    return server("proxy", command, port, "/healthz")

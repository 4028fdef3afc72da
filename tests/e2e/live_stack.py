"""Processes for the live-events end-to-end tests: Redis, the emulators, gateway replicas, clients."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.live.keys import DEMO_PUSH
from tests.e2e.processes import free_port, running, running_command
from tests.e2e.redis_server import redis_server

JS = Path(__file__).resolve().parents[2] / "js"
API_KEY = "live-e2e-key"


@dataclass
class Stack:
    emulators: str
    gateways: list[str]

    def step(self, upstream: str, kind: str = "join") -> dict[str, Any]:
        response = httpx.post(
            f"{self.emulators}/_live/step", params={"upstream": upstream, "kind": kind}, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def deliveries(self) -> list[dict[str, Any]]:
        return httpx.get(f"{self.emulators}/_live/deliveries", timeout=10).json()  # type: ignore[no-any-return]

    def delivered(self, delivery_id: str) -> dict[str, Any]:
        return next(a for a in self.deliveries() if a["delivery_id"] == delivery_id)


def gateway_env(emulators: str, redis_url: str | None) -> dict[str, str]:
    creds = DEMO_CREDENTIALS
    public_key = httpx.get(f"{emulators}/.well-known/webhooks.json", timeout=10).json()["data"][
        "publicKey"
    ]
    env = {
        "SESSIONGRAPH_MEET_URL": emulators,
        "SESSIONGRAPH_DISCOVERY_URL": emulators,
        "SESSIONGRAPH_STREAM_URL": emulators,
        "SESSIONGRAPH_REALTIMEKIT_URL": emulators,
        "SESSIONGRAPH_GOOGLE_ACCESS_TOKEN": creds.google_token,
        "SESSIONGRAPH_STREAM_API_KEY": creds.stream_api_key,
        "SESSIONGRAPH_STREAM_API_SECRET": creds.stream_api_secret,
        "SESSIONGRAPH_REALTIMEKIT_ACCOUNT_ID": creds.realtimekit_account_id,
        "SESSIONGRAPH_REALTIMEKIT_APP_ID": creds.realtimekit_app_id,
        "SESSIONGRAPH_REALTIMEKIT_API_TOKEN": creds.realtimekit_api_token,
        "SESSIONGRAPH_REALTIMEKIT_WEBHOOK_PUBLIC_KEY": public_key,
        "SESSIONGRAPH_GOOGLE_JWKS_URL": f"{emulators}/oauth2/v3/certs",
        "SESSIONGRAPH_MEET_PUSH_AUDIENCE": DEMO_PUSH.audience,
        "SESSIONGRAPH_MEET_PUSH_SERVICE_ACCOUNT": DEMO_PUSH.service_account,
        "SESSIONGRAPH_API_KEYS": API_KEY,
        "SESSIONGRAPH_CURSOR_SECRET": "live-e2e-cursor-secret",
    }
    if redis_url:
        env["SESSIONGRAPH_CACHE_URL"] = redis_url
    return env


@contextmanager
def live_stack(replicas: int = 2, *, redis: bool = True) -> Iterator[Stack]:
    """Redis, `sessiongraph emulate` delivering to replica 1, and `replicas` gateways."""
    with ExitStack() as stack:
        redis_url = stack.enter_context(redis_server()) if redis else None
        emulator_port = free_port()
        ports = [free_port() for _ in range(replicas)]
        emulators = f"http://127.0.0.1:{emulator_port}"
        gateways = [f"http://127.0.0.1:{p}" for p in ports]
        stack.enter_context(
            running(["emulate", "--port", str(emulator_port), "--webhook-url", gateways[0]])
        )
        env = gateway_env(emulators, redis_url)
        for port in ports:
            stack.enter_context(running(["serve", "--port", str(port)], env))
        yield Stack(emulators, gateways)


def node() -> str:
    binary = shutil.which("node")
    if binary is None or not (JS / "node_modules" / "graphql-ws").is_dir():
        raise RuntimeError("node and js/node_modules are required: run ./dev setup")
    return binary


@contextmanager
def ws_subscriber(
    gateway: str,
    query: str,
    variables: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
) -> Iterator[list[str]]:
    """The npm graphql-ws client subscribed at `gateway`; yields its output lines (JSON)."""
    url = gateway.replace("http://", "ws://") + "/graphql"
    command = [
        node(),
        str(JS / "live" / "subscribe.mjs"),
        url,
        query,
        orjson.dumps(variables or {}).decode(),
        orjson.dumps(params or {}).decode(),
    ]
    with running_command(command, ready='"connected"', cwd=JS, label="graphql-ws client") as lines:
        yield lines


def messages(lines: list[str], kind: str = "next") -> list[dict[str, Any]]:
    out = []
    for line in list(lines):
        try:
            message = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if message.get("type") == kind:
            out.append(message)
    return out


def wait_for(condition: Callable[[], Any], timeout: float = 15, what: str = "condition") -> Any:
    """Poll `condition` until it returns something truthy (bounded: fails after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def until_subscribed(stack: Stack, seen: Callable[[], int], upstream: str = "realtimekit") -> None:
    """Step until the subscriber sees an event: then its subscription is surely registered."""
    for _ in range(20):
        before = seen()
        stack.step(upstream)
        try:
            wait_for(lambda before=before: seen() > before, timeout=1.5, what="a probe event")
        except AssertionError:
            continue
        return
    raise AssertionError("the subscriber never saw a probe event")

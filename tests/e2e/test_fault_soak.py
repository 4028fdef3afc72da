"""Fault soak over real sockets: `sessiongraph emulate` + `serve`, faults on every upstream.

20 % 5xx, 5 % hangs and 429 bursts on all four emulators while 500 mixed
queries run: every answer is well-formed JSON with HTTP 200, holds data where
other upstreams answered, codes every error, and comes within the operation
deadline plus 0.5 s. After the knobs are reset the answers are clean again.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from app.emulators.config import DEMO_CREDENTIALS
from tests.e2e.processes import free_port, running

pytestmark = pytest.mark.e2e

DEADLINE = 0.5
QUERIES = 500
PARALLEL = 3
CODES = {
    "NOT_FOUND",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "RATE_LIMITED",
    "UPSTREAM_UNAVAILABLE",
    "UPSTREAM_TIMEOUT",
}
EMULATORS = ("meet", "discovery", "realtimekit", "stream")
MIXED = [
    """{ conferenceRecords(first: 1) { nodes { name participants(first: 2) { totalCount } } }
         conversations(first: 2) { nodes { name } }
         realtimeSessions(first: 1) { nodes { sessionId participants(first: 2) { totalCount } } }
         callSessions(first: 1) { nodes { callId participantSessions(first: 2) { nodes { userId } } } } }""",
    "{ sessions(first: 10) { edges { node { __typename startTime } } } }",
    "{ realtimeSessions(first: 2) { totalCount nodes { participants(first: 3) { nodes { displayName } } } } }",
    "{ callSessions(first: 2) { nodes { callId } } conversations(first: 3) { totalCount } }",
]
FAULTS = {"error_rate": 0.2, "error_status": 500, "hang_rate": 0.05, "hang_s": 30.0}


def _env(base: str) -> dict[str, str]:
    creds = DEMO_CREDENTIALS
    return {
        **{f"SESSIONGRAPH_{name.upper()}_URL": base for name in EMULATORS},
        "SESSIONGRAPH_GOOGLE_ACCESS_TOKEN": creds.google_token,
        "SESSIONGRAPH_STREAM_API_KEY": creds.stream_api_key,
        "SESSIONGRAPH_STREAM_API_SECRET": creds.stream_api_secret,
        "SESSIONGRAPH_REALTIMEKIT_ACCOUNT_ID": creds.realtimekit_account_id,
        "SESSIONGRAPH_REALTIMEKIT_APP_ID": creds.realtimekit_app_id,
        "SESSIONGRAPH_REALTIMEKIT_API_TOKEN": creds.realtimekit_api_token,
        "SESSIONGRAPH_OPERATION_TIMEOUT": str(DEADLINE),
        "SESSIONGRAPH_READ_TIMEOUT": "0.3",
        "SESSIONGRAPH_BREAKER_COOLDOWN": "0.5",
        # The soak is about upstream faults: with the cache on, repeats of these four
        # queries would be answered without reaching a faulty upstream at all.
        "SESSIONGRAPH_CACHE_ENDED_TTL": "0",
        "SESSIONGRAPH_CACHE_LIVE_TTL": "0",
    }


async def _knobs(client: httpx.AsyncClient, base: str, knobs: dict[str, Any]) -> None:
    for name in EMULATORS:
        response = await client.put(f"{base}/_emulator/knobs/{name}", json=knobs)
        response.raise_for_status()


def _check(body: dict[str, Any], seconds: float) -> None:
    assert seconds <= DEADLINE + 0.5, seconds
    assert isinstance(body.get("data"), dict), body
    for error in body.get("errors", []):
        assert error["extensions"]["code"] in CODES, error
        assert error["path"], error


async def _soak(gateway: str, base: str) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    todo = iter(range(QUERIES))
    async with httpx.AsyncClient(timeout=30) as client:
        for query in MIXED:  # the first run of each query is not what is measured
            await client.post(gateway, json={"query": query})
        await _knobs(client, base, FAULTS)

        async def worker() -> None:
            for i in todo:
                if i % 50 == 0:  # a 429 burst on every upstream every 50 queries
                    await _knobs(client, base, {**FAULTS, "burst_429": 6, "retry_after": 1})
                started = time.monotonic()
                response = await client.post(gateway, json={"query": MIXED[i % len(MIXED)]})
                assert response.status_code == 200, response.text
                body = response.json()
                _check(body, time.monotonic() - started)
                bodies.append(body)

        await asyncio.gather(*(worker() for _ in range(PARALLEL)))
        await _knobs(client, base, {})
    return bodies


async def _clean(gateway: str) -> dict[str, Any]:
    # Breakers opened during the soak close on their first probe after the cool-down.
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(40):
            body: dict[str, Any] = (await client.post(gateway, json={"query": MIXED[0]})).json()
            if "errors" not in body:
                return body
            await asyncio.sleep(0.25)
    return body


def test_faults_on_every_upstream_stay_local_and_bounded() -> None:
    upstream_port, gateway_port = free_port(), free_port()
    base = f"http://127.0.0.1:{upstream_port}"
    gateway = f"http://127.0.0.1:{gateway_port}/graphql"
    with (
        running(["emulate", "--port", str(upstream_port)]),
        running(["serve", "--port", str(gateway_port)], _env(base)),
    ):
        bodies = asyncio.run(_soak(gateway, base))
        clean = asyncio.run(_clean(gateway))

    assert len(bodies) == QUERIES
    failed = [b for b in bodies if b.get("errors")]
    partial = [b for b in failed if any(v is not None for v in b["data"].values())]
    assert failed, "the faults were injected"
    assert partial, "some answers held the upstreams that did answer"
    assert "errors" not in clean, clean

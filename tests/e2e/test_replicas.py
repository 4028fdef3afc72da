"""Two `sessiongraph serve` replicas sharing one Redis, on emulators served as their own process.

Everything crosses real sockets: client → replica → emulator, replica → Redis.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.meet.auth import SETTINGS_ONLY_TOKEN
from tests.e2e.processes import free_port, running
from tests.e2e.redis_server import redis_server

pytestmark = pytest.mark.e2e

CREDS = DEMO_CREDENTIALS
PREFIX = (
    f"/client/v4/accounts/{CREDS.realtimekit_account_id}/realtime/kit/{CREDS.realtimekit_app_id}"
)
QUOTA = 10  # RealtimeKit requests per window, on the emulator and on the gateway alike
DASHBOARD = """query($record: String!, $session: String!) {
  conferenceRecord(name: $record) {
    name participants(first: 10) { nodes { name sessions(first: 5) { nodes { name } } } }
  }
  realtimeSession(id: $session) { sessionId status participants(first: 5) { nodes { userId } } }
}"""
RECORDS = "{ conferenceRecords(first: 2) { nodes { name } } }"


def _env(upstream: str, redis_url: str) -> dict[str, str]:
    # No static Google token: each caller's own bearer token is forwarded.
    return {
        "SESSIONGRAPH_MEET_URL": upstream,
        "SESSIONGRAPH_DISCOVERY_URL": upstream,
        "SESSIONGRAPH_STREAM_URL": upstream,
        "SESSIONGRAPH_REALTIMEKIT_URL": upstream,
        "SESSIONGRAPH_STREAM_API_KEY": CREDS.stream_api_key,
        "SESSIONGRAPH_STREAM_API_SECRET": CREDS.stream_api_secret,
        "SESSIONGRAPH_REALTIMEKIT_ACCOUNT_ID": CREDS.realtimekit_account_id,
        "SESSIONGRAPH_REALTIMEKIT_APP_ID": CREDS.realtimekit_app_id,
        "SESSIONGRAPH_REALTIMEKIT_API_TOKEN": CREDS.realtimekit_api_token,
        "SESSIONGRAPH_CACHE_URL": redis_url,
        "SESSIONGRAPH_CACHE_SECRET": "e2e-replicas-share-this-secret",
        "SESSIONGRAPH_QUOTA_REALTIMEKIT": f"{QUOTA}/60",
        "SESSIONGRAPH_THROTTLE_MAX_WAIT": "0.5",
    }


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _ended_ids(upstream: str) -> tuple[str, str]:
    """An ended conference record and an ended RealtimeKit session, asked of the emulator."""
    records = httpx.get(
        f"{upstream}/v2/conferenceRecords",
        params={"pageSize": "50", "filter": "end_time IS NOT NULL"},
        headers=_bearer(CREDS.google_token),
        timeout=10,
    )
    if records.status_code != 200:  # the filter may be refused: pick from a plain page
        records = httpx.get(
            f"{upstream}/v2/conferenceRecords",
            params={"pageSize": "50"},
            headers=_bearer(CREDS.google_token),
            timeout=10,
        )
    record = next(r["name"] for r in records.json()["conferenceRecords"] if r.get("endTime"))
    sessions = httpx.get(
        f"{upstream}{PREFIX}/sessions",
        params={"status": "ENDED", "per_page": "1", "page_no": "1"},
        headers=_bearer(CREDS.realtimekit_api_token),
        timeout=10,
    ).json()
    return record, sessions["data"]["sessions"][0]["id"]


def _log(upstream: str, emulator: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(
        f"{upstream}/_emulator/log", params={"emulator": emulator}, timeout=10
    ).json()
    return entries


def _post(port: int, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query, "variables": variables or {}},
        timeout=30,
        **kw,
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _hammer(ports: tuple[int, int], count: int) -> list[Any]:
    """`count` distinct RealtimeKit reads at once, alternating between the replicas."""
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(n: int) -> Any:
            query = f"{{ realtimeSessions(first: {n + 1}) {{ nodes {{ sessionId }} }} }}"
            port = ports[n % 2]
            response = await client.post(f"http://127.0.0.1:{port}/graphql", json={"query": query})
            return response.json()

        return await asyncio.gather(*(one(n) for n in range(count)))


def test_two_replicas_share_entries_keep_identities_apart_and_hold_one_quota() -> None:
    upstream_port, first, second = free_port(), free_port(), free_port()
    upstream = f"http://127.0.0.1:{upstream_port}"
    with redis_server() as redis_url, running(["emulate", "--port", str(upstream_port)]):
        env = _env(upstream, redis_url)
        with (
            running(["serve", "--port", str(first)], env),
            running(["serve", "--port", str(second)], env),
        ):
            record, session = _ended_ids(upstream)
            variables = {"record": record, "session": session}
            token = _bearer(CREDS.google_token)

            # A dashboard answered by replica 1 ...
            httpx.delete(f"{upstream}/_emulator/log", timeout=10)
            one = _post(first, DASHBOARD, variables, headers=token)
            sent = len(_log(upstream, "meet")) + len(_log(upstream, "realtimekit"))
            # ... and repeated on replica 2 makes no upstream call.
            httpx.delete(f"{upstream}/_emulator/log", timeout=10)
            two = _post(second, DASHBOARD, variables, headers=token)
            repeat_meet, repeat_rtk = _log(upstream, "meet"), _log(upstream, "realtimekit")

            # A caller with another Google token is answered by Meet, never from the cache.
            _post(first, RECORDS, headers=token)
            httpx.delete(f"{upstream}/_emulator/log", timeout=10)
            other = _post(second, RECORDS, headers=_bearer(SETTINGS_ONLY_TOKEN))
            other_calls = _log(upstream, "meet")

            # Hammering both replicas with the RealtimeKit quota at QUOTA per window.
            knobs = {"options": {"rate_limit": QUOTA, "rate_window": 60}}
            httpx.put(f"{upstream}/_emulator/knobs/realtimekit", json=knobs, timeout=10)
            httpx.delete(f"{upstream}/_emulator/log", timeout=10)
            answers = asyncio.run(_hammer((first, second), 3 * QUOTA))
            hammer_log = _log(upstream, "realtimekit")

    assert "errors" not in one, one
    assert sent > 0
    assert two == one
    assert repeat_meet == []
    assert repeat_rtk == []

    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [entry["status"] for entry in other_calls] == [403]

    assert [entry["status"] for entry in hammer_log if entry["status"] == 429] == []
    assert len(hammer_log) <= QUOTA
    limited = 0
    for answer in answers:
        if "errors" not in answer:
            assert answer["data"]["realtimeSessions"]["nodes"]
            continue
        limited += 1
        for error in answer["errors"]:
            assert error["extensions"]["code"] == "RATE_LIMITED", error
            assert error["extensions"]["retryAfterSeconds"] > 0
    assert limited >= 2 * QUOTA  # only QUOTA distinct reads could be sent

"""One upstream failing 100 % fails only its own fields; the other three still answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule

GOOGLE = {"authorization": "Bearer sessiongraph-demo-google-token"}

ALL_FOUR = """{
  conferenceRecords(first: 2) { nodes { name participants(first: 2) { totalCount nodes { displayName } } } }
  conversations(first: 2) { nodes { name turnCount } }
  realtimeSessions(first: 2) { nodes { sessionId participants(first: 2) { totalCount nodes { displayName } } } }
  callSessions(first: 2) { nodes { callId participantSessions(first: 2) { nodes { userId } } } }
}"""

ROOTS = {
    "meet": ("conferenceRecords", "GOOGLE_MEET"),
    "discovery": ("conversations", "VERTEX_AI_SEARCH"),
    "realtimekit": ("realtimeSessions", "CLOUDFLARE_REALTIMEKIT"),
    "stream": ("callSessions", "STREAM_VIDEO"),
}


def _fail(hub: EmulatorHub, name: str, fault: str) -> None:
    knobs = hub[name].knobs
    if fault == "5xx":
        knobs.error_rate, knobs.error_status = 1.0, 500
    elif fault == "hang":
        knobs.rules.append(FaultRule(path_regex=".", status=0, delay_s=30.0))
    elif fault == "429":
        knobs.burst_429, knobs.retry_after = 10**6, 1
    else:
        knobs.rules.append(FaultRule(path_regex=".", status=401))


CODES = {
    "5xx": "UPSTREAM_UNAVAILABLE",
    "hang": "UPSTREAM_TIMEOUT",
    "429": "RATE_LIMITED",
    "401": "UNAUTHENTICATED",
}


@pytest.mark.parametrize("fault", list(CODES))
@pytest.mark.parametrize("failing", list(ROOTS))
async def test_one_failing_upstream_leaves_the_other_three(
    fault_client: httpx.AsyncClient, hub: EmulatorHub, failing: str, fault: str
) -> None:
    _fail(hub, failing, fault)

    response = await fault_client.post("/graphql", json={"query": ALL_FOUR}, headers=GOOGLE)

    assert response.status_code == 200
    body = response.json()
    field, provider = ROOTS[failing]
    assert body["data"][field] is None
    for other, (other_field, _) in ROOTS.items():
        if other != failing:
            assert len(body["data"][other_field]["nodes"]) == 2, other
    [error] = body["errors"]
    assert error["path"] == [field]
    assert error["extensions"]["code"] == CODES[fault]
    assert error["extensions"]["provider"] == provider
    if fault == "429":
        assert error["extensions"]["retryAfterSeconds"] >= 1


NESTED = {
    "meet": ("/participants$", "conferenceRecords", "participants"),
    "realtimekit": ("/participants$", "realtimeSessions", "participants"),
    "stream": ("/participant_sessions$", "callSessions", "participantSessions"),
}


@pytest.mark.parametrize("failing", list(NESTED))
async def test_failing_nested_pages_null_only_themselves(
    fault_client: httpx.AsyncClient, hub: EmulatorHub, failing: str
) -> None:
    regex, root, nested = NESTED[failing]
    hub[failing].knobs.rules.append(FaultRule(path_regex=regex, status=500))

    body = (await fault_client.post("/graphql", json={"query": ALL_FOUR}, headers=GOOGLE)).json()

    nodes: list[dict[str, Any]] = body["data"][root]["nodes"]
    assert len(nodes) == 2
    assert [n[nested] for n in nodes] == [None, None]
    assert sorted(tuple(e["path"]) for e in body["errors"]) == [
        (root, "nodes", 0, nested),
        (root, "nodes", 1, nested),
    ]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_UNAVAILABLE"}
    assert body["data"]["conversations"]["nodes"]

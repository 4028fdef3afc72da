"""Benchmark scenarios: a query, its nesting depth, and how to compute its minimal call count."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS


@dataclass(frozen=True)
class Scenario:
    name: str
    query: str
    depth: int
    emulators: tuple[str, ...]
    minimum: Callable[[EmulatorHub], Awaitable[int]]


_GOOGLE = {"Authorization": f"Bearer {DEMO_CREDENTIALS.google_token}"}


async def _meet_walk(hub: EmulatorHub, path: str, field: str, size: int) -> list[dict[str, Any]]:
    transport = httpx.ASGITransport(app=hub["meet"])
    async with httpx.AsyncClient(transport=transport, base_url="http://meet") as client:
        response = await client.get(path, params={"pageSize": str(size)}, headers=_GOOGLE)
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json().get(field, [])
    return items


# Page sizes are explicit and bounded so the query's worst case stays within the
# default upstream-call budget (SESSIONGRAPH_MAX_UPSTREAM_CALLS, docs/faults.md): each
# transcript entry's speaker is a by-name lookup, so entries x transcripts x
# records bounds the calls.
MEET_DASHBOARD = """{
  conferenceRecords(first: 10) { edges { node {
    name
    participants(first: 5) { edges { node { displayName sessions(first: 3) { edges { node { joinTime } } } } } }
    transcripts(first: 2) { edges { node { entries(first: 10) { edges { node { text participant { displayName } } } } } } }
  } } }
}"""


async def _meet_dashboard_minimum(hub: EmulatorHub) -> int:
    records = (await _meet_walk(hub, "/v2/conferenceRecords", "conferenceRecords", 11))[:10]
    calls = 1
    for record in records:
        people = await _meet_walk(hub, f"/v2/{record['name']}/participants", "participants", 6)
        calls += 2 + min(5, len(people))
        transcripts = await _meet_walk(hub, f"/v2/{record['name']}/transcripts", "transcripts", 3)
        speakers: set[str] = set()
        for transcript in transcripts[:2]:
            calls += 1
            entries = await _meet_walk(
                hub, f"/v2/{transcript['name']}/entries", "transcriptEntries", 11
            )
            speakers |= {e["participant"] for e in entries[:10] if e.get("participant")}
        calls += len(speakers - {p["name"] for p in people})
    hub.log.clear()
    return calls


def constant(calls: int) -> Callable[[EmulatorHub], Awaitable[int]]:
    """A scenario whose minimum does not depend on the data."""

    async def minimum(hub: EmulatorHub) -> int:
        return calls

    return minimum


REALTIME = """{ realtimeSessions(first: 25) { nodes { sessionId participants(first: 20) { totalCount nodes { displayName durationSeconds } } } } }"""

CALLS = """{ callSessions(first: 20) { nodes { callId totalParticipantSessions participantSessions(first: 10) { totalCount nodes { userId joinTime } } } } }"""

CONVERSATIONS = """{ conversations(first: 20) { nodes { name turnCount turns { query { text } detailedAnswer } } } }"""

TIMELINE = """{ sessions(first: 50) { edges { cursor node { __typename startTime isLive } } pageInfo { hasNextPage } } }"""

SCENARIOS: list[Scenario] = [
    Scenario(
        name="meet dashboard (4 levels)",
        query=MEET_DASHBOARD,
        depth=4,
        emulators=("meet",),
        minimum=_meet_dashboard_minimum,
    ),
    Scenario(
        name="realtime: 25 sessions x participants",
        query=REALTIME,
        depth=2,
        emulators=("realtimekit",),
        minimum=constant(1 + 25),
    ),
    Scenario(
        name="calls: 20 sessions x attendance",
        query=CALLS,
        depth=2,
        emulators=("stream",),
        minimum=constant(1 + 20),  # totals ride on the attendance page
    ),
    Scenario(
        name="conversations: 20 with answer details",
        query=CONVERSATIONS,
        depth=2,
        emulators=("discovery",),
        minimum=constant(1 + 20),  # one includeAnswerDetails get per conversation
    ),
    Scenario(
        name="sessions timeline: first 50",
        query=TIMELINE,
        depth=1,
        emulators=("meet", "discovery", "realtimekit", "stream"),
        minimum=constant(4),  # one page per provider
    ),
]

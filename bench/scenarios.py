"""Benchmark scenarios: a query and the fewest upstream calls it needs (from a plain client).

Minimums are counted by `bench.plain` against the same emulator process and
knobs as the gateway run, so short pages and trailing empty pages raise the
minimum exactly as much as they must and no more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.plain import CREDS, STREAM, PageFn, Plain, Walk, dashboard, walk

# minimum(plain, variables, gateway response body) -> calls
Minimum = Callable[[Plain, dict[str, Any], dict[str, Any]], Awaitable[int]]


@dataclass(frozen=True)
class Scenario:
    name: str
    query: str
    emulators: tuple[str, ...]
    minimum: Minimum
    needs_town_hall: bool = False
    # Within the gateway's default upstream-call budget (the bench gateway lifts it).
    within_default_budget: bool = True
    variables: dict[str, Any] = field(default_factory=dict)


ATTENDANCE = """query($t: String!, $c: String!, $s: String!) { callSession(callType: $t, callId: $c, sessionId: $s) { participantSessions(first: 100) { edges { node { userId joinTime leaveTime durationSeconds } } } } }"""

MEET_DASHBOARD = """{
  conferenceRecords(first: 20) { edges { node {
    name
    participants(first: 10) { edges { node { displayName sessions(first: 5) { edges { node { joinTime } } } } } }
    transcripts { edges { node { entries(first: 50) { edges { node { text participant { displayName } } } } } } }
  } } }
}"""

REALTIME = """{ realtimeSessions(first: 25) { nodes { sessionId participants(first: 20) { totalCount nodes { displayName durationSeconds } } } } }"""

CALLS = """{ callSessions(first: 20) { nodes { callId totalParticipantSessions participantSessions(first: 10) { totalCount nodes { userId joinTime } } } } }"""

CONVERSATIONS = """{ conversations(first: 20) { nodes { name turnCount turns { query { text } detailedAnswer } } } }"""


def timeline_query(first: int) -> str:
    return f"{{ sessions(first: {first}) {{ edges {{ cursor node {{ __typename startTime isLive }} }} pageInfo {{ hasNextPage }} }} }}"


def constant(calls: int) -> Minimum:
    async def minimum(plain: Plain, variables: dict[str, Any], body: dict[str, Any]) -> int:
        return calls

    return minimum


async def _dashboard(plain: Plain, variables: dict[str, Any], body: dict[str, Any]) -> int:
    return await dashboard(plain)


def _attendance_reader(plain: Plain, call: dict[str, Any]) -> PageFn:
    path = (
        f"/api/v2/video/call/{call['call_type']}/{call['call_id']}"
        f"/session/{call['call_session_id']}/participant_sessions"
    )

    async def read(token: str | None, size: int) -> tuple[list[Any], str | None, int | None]:
        params = {"api_key": CREDS.stream_api_key, "limit": str(size)}
        if token:
            params["next"] = token
        page = await plain._get(path, params, STREAM)
        return page["participants_sessions"], page.get("next"), page["total_participant_sessions"]

    return read


async def _attendance(plain: Plain, variables: dict[str, Any], body: dict[str, Any]) -> int:
    call = {
        "call_type": variables["t"],
        "call_id": variables["c"],
        "call_session_id": variables["s"],
    }
    return (await walk(_attendance_reader(plain, call), 100, 100)).calls


async def _calls(plain: Plain, variables: dict[str, Any], body: dict[str, Any]) -> int:
    listing = await walk(plain.stream_call_stats(), 20, 100)
    pages = await asyncio.gather(
        *(walk(_attendance_reader(plain, call), 10, 100) for call in listing.items[:20])
    )
    return listing.calls + sum(p.calls for p in pages)


async def _conversations(plain: Plain, variables: dict[str, Any], body: dict[str, Any]) -> int:
    listing = await walk(plain.discovery_sessions(), 20, 1000)
    return listing.calls + len(listing.items[:20])


_TYPENAMES = {
    "ConferenceRecord": "meet",
    "Conversation": "discovery",
    "RealtimeSession": "realtimekit",
    "CallSession": "stream",
}


class _Lazy:
    """One provider's listing read a page at a time, asking for the rest of the window."""

    def __init__(self, read: PageFn, window: int, max_size: int) -> None:
        self.read, self.window, self.max_size = read, window, max_size
        self.got = Walk()
        self.token: str | None = None
        self.done = False

    async def step(self) -> None:
        size = max(1, min(self.max_size, self.window))
        items, self.token, _ = await self.read(self.token, size)
        self.got.calls += 1
        self.got.items.extend(items)
        self.done = self.token is None


def timeline_minimum(first: int) -> Minimum:
    """A lazy k-way merge's calls: each provider read page by page as far as the merged
    page took items from it (at least its first page), then, only if nothing read is left
    over, on until one more item shows up or every listing ends (exact hasNextPage)."""

    async def minimum(plain: Plain, variables: dict[str, Any], body: dict[str, Any]) -> int:
        edges = body["data"]["sessions"]["edges"]
        taken = dict.fromkeys(_TYPENAMES.values(), 0)
        for edge in edges:
            taken[_TYPENAMES[edge["node"]["__typename"]]] += 1
        lazies = {
            "meet": _Lazy(plain.meet("/v2/conferenceRecords", "conferenceRecords"), first + 1, 100),
            "discovery": _Lazy(plain.discovery_sessions(), first + 1, 1000),
            "realtimekit": _Lazy(plain.realtimekit_sessions(first + 1), first + 1, first + 1),
            "stream": _Lazy(plain.stream_call_stats(), first + 1, 100),
        }
        for name, lazy in lazies.items():
            await lazy.step()
            while len(lazy.got.items) < taken[name] and not lazy.done:
                await lazy.step()
        if not any(len(lazy.got.items) > taken[name] for name, lazy in lazies.items()):
            for name, lazy in lazies.items():
                while not lazy.done and len(lazy.got.items) <= taken[name]:
                    await lazy.step()
                if len(lazy.got.items) > taken[name]:
                    break
        return sum(lazy.got.calls for lazy in lazies.values())

    return minimum


SCENARIOS: list[Scenario] = [
    Scenario("attendance: callSession, 100 items", ATTENDANCE, ("stream",), _attendance, True),
    Scenario(
        "meet dashboard (4 levels)",
        MEET_DASHBOARD,
        ("meet",),
        _dashboard,
        within_default_budget=False,
    ),
    Scenario("realtime: 25 sessions x participants", REALTIME, ("realtimekit",), constant(26)),
    Scenario("calls: 20 sessions x attendance", CALLS, ("stream",), _calls),
    Scenario(
        "conversations: 20 with answer details", CONVERSATIONS, ("discovery",), _conversations
    ),
    Scenario(
        "sessions timeline: first 30",
        timeline_query(30),
        ("meet", "discovery", "realtimekit", "stream"),
        timeline_minimum(30),
    ),
    Scenario(
        "sessions timeline: first 50",
        timeline_query(50),
        ("meet", "discovery", "realtimekit", "stream"),
        timeline_minimum(50),
    ),
]

"""`Query.sessions`: all four providers merged newest-first, walked with composite cursors."""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule
from app.settings import Settings
from resolvers.timestamps import Instant
from tests.conftest import GraphQL

SESSIONS = """
query($first: Int, $after: String, $filter: SessionFilter) {
  sessions(first: $first, after: $after, filter: $filter) {
    edges { cursor node {
      __typename id provider startTime endTime isLive durationSeconds
      ... on ConferenceRecord { name }
      ... on Conversation { name }
      ... on RealtimeSession { sessionId }
      ... on CallSession { callType callId sessionId }
    } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""


def _key(node: dict[str, Any]) -> tuple[str, str]:
    kind = node["__typename"]
    if kind == "CallSession":
        return kind, f"{node['callType']}:{node['callId']}:{node['sessionId']}"
    return kind, node.get("name") or node["sessionId"]


def _expected(hub: EmulatorHub, parent: str) -> list[tuple[int, str, str]]:
    """(start ns, type, key) of every session the four emulators hold."""
    rows: list[tuple[int, str, str]] = []
    rows += [
        (r.start_time, "ConferenceRecord", r.name) for r in hub["meet"].dataset.conference_records()
    ]
    rows += [(s.create_time, "Conversation", s.name) for s in hub["discovery"].store.under(parent)]
    rows += [
        (s.started_ms * 1_000_000, "RealtimeSession", s.id)
        for s in hub["realtimekit"].dataset.sessions
    ]
    rows += [
        (s.started_at, "CallSession", f"{s.call_type}:{s.call_id}:{s.session_id}")
        for s in hub["stream"].dataset.sessions.values()
    ]
    return rows


async def _walk(
    graphql: GraphQL, hub: EmulatorHub, flt: dict[str, Any] | None = None, first: int = 10
) -> tuple[list[dict[str, Any]], list[int]]:
    nodes: list[dict[str, Any]] = []
    calls_per_page: list[int] = []
    after = None
    while True:
        hub.log.clear()
        data = (await graphql(SESSIONS, {"first": first, "after": after, "filter": flt}))[
            "sessions"
        ]
        calls_per_page.append(len(hub.log.entries()))
        nodes.extend(edge["node"] for edge in data["edges"])
        assert data["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not data["pageInfo"]["hasNextPage"]:
            assert len(data["edges"]) <= first
            return nodes, calls_per_page
        assert len(data["edges"]) == first
        after = data["pageInfo"]["endCursor"]


async def test_walking_sessions_yields_the_union_newest_first(
    graphql: GraphQL, hub: EmulatorHub, settings: Settings
) -> None:
    expected = _expected(hub, settings.discovery_parent)

    nodes, calls_per_page = await _walk(graphql, hub)

    keys = [_key(n) for n in nodes]
    assert len(keys) == len(set(keys)), "no session twice"
    assert set(keys) == {(kind, key) for _, kind, key in expected}, "no session missing"
    starts = [Instant.parse(n["startTime"]).ns for n in nodes]
    assert starts == sorted(starts, reverse=True)
    # About one upstream page per provider per page, never a provider's whole history.
    assert max(calls_per_page) <= 8
    assert sum(calls_per_page) / len(calls_per_page) <= 4.5


async def test_provider_counts_match_each_emulator(
    graphql: GraphQL, hub: EmulatorHub, settings: Settings
) -> None:
    expected = Counter(kind for _, kind, _ in _expected(hub, settings.discovery_parent))

    nodes, _ = await _walk(graphql, hub, first=100)

    assert Counter(n["__typename"] for n in nodes) == expected


async def test_filter_narrows_every_provider_upstream(graphql: GraphQL, hub: EmulatorHub) -> None:
    flt = {"providers": ["GOOGLE_MEET", "CLOUDFLARE_REALTIMEKIT"], "live": True}

    nodes, _ = await _walk(graphql, hub, flt, first=5)

    live_meet = {r.name for r in hub["meet"].dataset.live_records()}
    live_rtk = {s.id for s in hub["realtimekit"].dataset.sessions if s.ended_ms is None}
    assert {_key(n) for n in nodes} == {("ConferenceRecord", n) for n in live_meet} | {
        ("RealtimeSession", i) for i in live_rtk
    }
    assert all(n["isLive"] and n["endTime"] is None and n["durationSeconds"] is None for n in nodes)
    emulators = {e.emulator for e in hub.log.entries()}
    assert emulators <= {"meet", "realtimekit"}


async def test_a_failing_provider_yields_the_others_plus_an_error_naming_it(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    hub["stream"].knobs.rules = [FaultRule(r"call_stats", 500)]

    body = await graphql(SESSIONS, {"first": 30}, expect_errors=True)

    edges = body["data"]["sessions"]["edges"]
    assert len(edges) == 30
    assert {e["node"]["provider"] for e in edges} <= {
        "GOOGLE_MEET",
        "VERTEX_AI_SEARCH",
        "CLOUDFLARE_REALTIMEKIT",
    }
    (error,) = body["errors"]
    assert error["path"] == ["sessions"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["provider"] == "STREAM_VIDEO"
    assert (
        error["message"]
        == "Stream Video is unavailable (HTTP 500): its sessions are missing from this page"
    )


async def test_a_cursor_from_another_filter_is_refused(graphql: GraphQL, hub: EmulatorHub) -> None:
    page = await graphql(SESSIONS, {"first": 2})
    cursor = page["sessions"]["pageInfo"]["endCursor"]
    hub.log.clear()

    body = await graphql(
        SESSIONS, {"first": 2, "after": cursor, "filter": {"live": True}}, expect_errors=True
    )

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert hub.log.entries() == []

"""`callSessions` (QueryCallSessionStats), the timeline source and the Stream error mapping."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest

from app.emulators import EmulatorHub
from app.emulators.stream.dataset import CallSessionRow, StreamDataset
from app.emulators.timeformat import rfc3339
from app.runtime import Runtime
from app.settings import Settings
from resolvers.stream.client import server_token
from resolvers.stream.errors import error_parser
from resolvers.stream.timeline import timeline
from resolvers.timeline import TimelineFilter
from resolvers.timestamps import Instant
from tests.conftest import GraphQL
from tests.stream.conftest import SECRET

LIST = """
query($first: Int, $after: String, $filter: CallSessionFilter) {
  callSessions(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { callType callId sessionId startTime isLive }
  }
}
"""


def newest_first(sessions: list[CallSessionRow]) -> list[str]:
    ordered = sorted(sessions, key=lambda s: (-s.started_at, s.cid, s.session_id))
    return [s.session_id for s in ordered]


async def walk(graphql: GraphQL, flt: dict[str, Any] | None, first: int = 100) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        data = (await graphql(LIST, {"first": first, "after": after, "filter": flt}))[
            "callSessions"
        ]
        seen += [n["sessionId"] for n in data["nodes"]]
        assert data["totalCount"] is None  # call_stats reports no total
        if not data["pageInfo"]["hasNextPage"]:
            return seen
        after = data["pageInfo"]["endCursor"]


async def test_walk_lists_every_session_newest_first(
    graphql: GraphQL, hub: EmulatorHub, dataset: StreamDataset
) -> None:
    seen = await walk(graphql, None)
    assert seen == newest_first(list(dataset.sessions.values()))
    assert all(e.status == 201 for e in hub.log.entries("stream"))


async def test_first_page_fields(graphql: GraphQL, dataset: StreamDataset) -> None:
    data = (await graphql(LIST, {"first": 2}))["callSessions"]
    newest = max(dataset.sessions.values(), key=lambda s: s.started_at)
    assert data["nodes"][0] == {
        "callType": newest.call_type,
        "callId": newest.call_id,
        "sessionId": newest.session_id,
        "startTime": rfc3339(newest.started_at),
        "isLive": newest.ended_at is None,
    }
    assert data["pageInfo"]["hasNextPage"] is True
    assert data["pageInfo"]["hasPreviousPage"] is False


@pytest.mark.parametrize(
    "flt",
    [
        {"callType": "livestream", "callId": "town-hall"},
        {"callType": "audio_room"},
        {"callId": "standup-0000"},
        {"live": True},
        {"live": False, "startedAfter": "2026-10-01T00:00:00+02:00"},
        {"startedBefore": "2026-07-01T00:00:00Z"},
        {"startedAfter": "2026-08-01T00:00:00Z", "startedBefore": "2026-09-01T00:00:00Z"},
    ],
)
async def test_filters_match_the_dataset(
    graphql: GraphQL, dataset: StreamDataset, flt: dict[str, Any]
) -> None:
    after = Instant.parse(flt["startedAfter"]) if "startedAfter" in flt else None
    before = Instant.parse(flt["startedBefore"]) if "startedBefore" in flt else None
    expected = [
        s
        for s in dataset.sessions.values()
        if flt.get("callType", s.call_type) == s.call_type
        and flt.get("callId", s.call_id) == s.call_id
        and flt.get("live", s.ended_at is None) == (s.ended_at is None)
        and (after is None or s.started_at >= after.ns)
        and (before is None or s.started_at <= before.ns)
    ]
    assert expected
    assert await walk(graphql, flt, first=7) == newest_first(expected)


@pytest.mark.parametrize(
    ("flt", "field"), [({"callId": "../x"}, "callId"), ({"callType": "a:b"}, "callType")]
)
async def test_unsafe_filter_ids_are_refused(
    graphql: GraphQL, hub: EmulatorHub, flt: dict[str, Any], field: str
) -> None:
    body = await graphql(LIST, {"first": 1, "filter": flt}, expect_errors=True)
    (error,) = body["errors"]
    assert error["path"] == ["callSessions"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert hub.log.entries("stream") == []


async def test_sessions_from_the_list_prime_the_lookup(graphql: GraphQL, hub: EmulatorHub) -> None:
    query = """{ callSessions(first: 3) { nodes { sessionId totalParticipantSessions } } }"""
    data = await graphql(query)
    assert len(data["callSessions"]["nodes"]) == 3
    paths = [e.path.rsplit("/", 1)[-1] for e in hub.log.entries("stream")]
    assert sorted(paths) == ["call_stats", *["participant_sessions"] * 3]


def test_server_token_is_hs256_without_user_id_and_minted_once() -> None:
    token = server_token(SECRET)
    assert jwt.decode(token, SECRET, algorithms=["HS256"]) == {"server": True}
    assert server_token(SECRET) is token


def _response(status: int, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def test_error_parser_reads_rate_limit_reset_when_no_retry_after() -> None:
    reset = int(time.time()) + 20
    error = error_parser(
        _response(429, {"code": 9, "StatusCode": 429}, {"X-RateLimit-Reset": f", {reset}"})
    )
    assert error.extensions["code"] == "RATE_LIMITED"
    assert error.extensions["upstreamReason"] == "RATE_LIMIT"
    assert error.retry_after is not None
    assert 19 < error.retry_after <= 20


def test_error_parser_prefers_retry_after_and_keys_off_status_then_code() -> None:
    limited = error_parser(
        _response(429, {"code": 9}, {"Retry-After": "3", "X-RateLimit-Reset": "9999999999"})
    )
    expired = error_parser(_response(401, {"code": 40, "StatusCode": 401}, {}))
    garbled = error_parser(httpx.Response(502, text="<html>"))
    assert limited.retry_after == 3.0
    assert (expired.extensions["code"], expired.extensions["upstreamReason"]) == (
        "UNAUTHENTICATED",
        "TOKEN_EXPIRED",
    )
    assert garbled.extensions == {
        "code": "UPSTREAM_UNAVAILABLE",
        "provider": "STREAM_VIDEO",
        "upstreamStatus": 502,
    }


async def test_timeline_source_is_newest_first_and_filtered(
    settings: Settings, hub: EmulatorHub, dataset: StreamDataset
) -> None:
    runtime = Runtime.create(settings, hub)
    try:
        loaders = runtime.context_for(None).loaders.stream
        cutoff = Instant(dataset.now - 30 * 86_400 * 10**9)
        source = timeline(loaders, TimelineFilter(started_after=cutoff, live=False))
        window = await source.forward(None, 5)
    finally:
        await runtime.close()
    expected = [s for s in dataset.sessions.values() if s.started_at >= cutoff.ns and s.ended_at]
    assert [item.call_session_id for _, item in window.items] == newest_first(expected)[:5]
    assert window.has_next is (len(expected) > 5)


async def test_nested_totals_ride_on_each_sessions_page(graphql: GraphQL, hub: EmulatorHub) -> None:
    query = """{ callSessions(first: 3) { nodes {
        participantSessions(first: 2) { totalCount nodes { userSessionId } }
        totalParticipantSessions totalParticipantDurationSeconds
    } } }"""
    data = await graphql(query)
    nodes = data["callSessions"]["nodes"]
    calls = [e for e in hub.log.entries("stream") if e.path.endswith("/participant_sessions")]
    assert [n["totalParticipantSessions"] for n in nodes] == [
        n["participantSessions"]["totalCount"] for n in nodes
    ]
    assert [c.param("limit") for c in calls] == ["3", "3", "3"]

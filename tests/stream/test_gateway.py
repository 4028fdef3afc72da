"""`callSession`, `callSessions` and attendance through the gateway, on the Stream emulator."""

from __future__ import annotations

import math
from typing import Any

import orjson
import pytest

from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule, LoggedRequest
from app.emulators.stream.dataset import CallSessionRow, StreamDataset
from app.emulators.timeformat import rfc3339
from tests.conftest import GraphQL
from tests.stream.conftest import session_vars

SESSION = """
query($t: String!, $i: String!, $s: String!, $first: Int, $after: String, $last: Int,
      $before: String, $filter: CallParticipantSessionFilter) {
  callSession(callType: $t, callId: $i, sessionId: $s) {
    participantSessions(first: $first, after: $after, last: $last, before: $before,
                        filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { userSessionId userId } }
    }
  }
}
"""


def participant_calls(hub: EmulatorHub) -> list[LoggedRequest]:
    return [e for e in hub.log.entries("stream") if e.path.endswith("/participant_sessions")]


def stats_calls(hub: EmulatorHub) -> list[LoggedRequest]:
    return [e for e in hub.log.entries("stream") if e.path.endswith("/call_stats")]


async def page(graphql: GraphQL, session: CallSessionRow, **args: Any) -> dict[str, Any]:
    data = await graphql(SESSION, {**session_vars(session), **args})
    return data["callSession"]["participantSessions"]  # type: ignore[no-any-return]


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["userSessionId"] for edge in connection["edges"]]


async def test_call_session_fields_and_totals_share_one_participant_call(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow, dataset: StreamDataset
) -> None:
    query = """
    query($t: String!, $i: String!, $s: String!) {
      callSession(callType: $t, callId: $i, sessionId: $s) {
        __typename provider callType callId sessionId startTime endTime isLive durationSeconds
        totalParticipantSessions totalParticipantDurationSeconds
        participantSessions(first: 2) {
          totalCount
          nodes { provider userId joinTime leaveTime durationSeconds publisherType roles }
        }
      }
    }"""
    data = (await graphql(query, session_vars(big_session)))["callSession"]
    rows = big_session.participants
    assert big_session.ended_at is not None
    assert data["provider"] == "STREAM_VIDEO"
    assert (data["callType"], data["callId"], data["sessionId"]) == tuple(
        session_vars(big_session).values()
    )
    assert data["startTime"] == rfc3339(big_session.started_at)
    assert data["endTime"] == rfc3339(big_session.ended_at)
    assert data["isLive"] is False
    assert data["durationSeconds"] == (big_session.ended_at - big_session.started_at) / 10**9
    assert data["totalParticipantSessions"] == len(rows)
    assert data["totalParticipantDurationSeconds"] == sum(dataset.duration_of(r) for r in rows)
    assert data["participantSessions"]["totalCount"] == len(rows)
    assert data["participantSessions"]["nodes"][0] == {
        "provider": "STREAM_VIDEO",
        "userId": rows[0].user_id,
        "joinTime": rfc3339(rows[0].joined_at),
        "leaveTime": rfc3339(rows[0].left_at) if rows[0].left_at else None,
        "durationSeconds": dataset.duration_of(rows[0]),
        "publisherType": rows[0].publisher_type,
        "roles": list(rows[0].roles),
    }
    # One call in all: the session's first page at the maximum limit carries its times
    # and totals, and holds the first two participant sessions as well.
    calls = participant_calls(hub)
    assert [c.param("limit") for c in calls] == ["100"]
    assert stats_calls(hub) == []
    assert all(c.headers["stream-auth-type"] == "jwt" for c in hub.log.entries("stream"))


async def test_session_with_totals_costs_one_call(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    query = """
    query($t: String!, $i: String!, $s: String!) {
      callSession(callType: $t, callId: $i, sessionId: $s) {
        totalParticipantSessions totalParticipantDurationSeconds
      }
    }"""
    data = await graphql(query, session_vars(big_session))
    assert data["callSession"]["totalParticipantSessions"] == len(big_session.participants)
    assert [c.param("limit") for c in participant_calls(hub)] == ["100"]
    assert stats_calls(hub) == []


async def test_forward_walk_visits_every_item_once_in_order(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        connection = await page(graphql, big_session, first=100, after=after)
        pages += 1
        seen += ids(connection)
        assert connection["totalCount"] == len(big_session.participants)
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == [r.user_session_id for r in big_session.participants]
    assert pages == math.ceil(len(big_session.participants) / 100)
    assert len(participant_calls(hub)) <= 2 * pages


async def test_backward_walk_from_the_end_visits_every_item_once_in_order(
    graphql: GraphQL, big_session: CallSessionRow
) -> None:
    seen: list[str] = []
    before: str | None = None
    while True:
        connection = await page(graphql, big_session, last=100, before=before)
        seen = ids(connection) + seen
        assert connection["pageInfo"]["hasNextPage"] is (before is not None)
        if not connection["pageInfo"]["hasPreviousPage"]:
            break
        before = connection["pageInfo"]["startCursor"]
    assert seen == [r.user_session_id for r in big_session.participants]


async def test_last_without_before_walks_forward_at_limit_100(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    # Stream documents no way to start at the end: this is the honest cost.
    connection = await page(graphql, big_session, last=10)
    rows = big_session.participants
    assert ids(connection) == [r.user_session_id for r in rows[-10:]]
    assert connection["pageInfo"]["hasPreviousPage"] is True
    assert connection["pageInfo"]["hasNextPage"] is False
    calls = participant_calls(hub)
    assert len(calls) == math.ceil(len(rows) / 100)
    assert {c.param("limit") for c in calls} == {"100"}


async def test_last_before_a_cursor_costs_one_call(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    tail = await page(graphql, big_session, last=10)
    hub.log.clear()
    connection = await page(graphql, big_session, last=10, before=tail["pageInfo"]["startCursor"])
    rows = big_session.participants
    assert ids(connection) == [r.user_session_id for r in rows[-20:-10]]
    assert connection["pageInfo"]["hasPreviousPage"] is True
    assert connection["pageInfo"]["hasNextPage"] is True
    assert len(participant_calls(hub)) == 1


async def test_page_boundary_cursors_resume_without_rereading(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    first = await page(graphql, big_session, first=100)  # its last edge closes a page
    hub.log.clear()
    second = await page(graphql, big_session, first=5, after=first["pageInfo"]["endCursor"])
    rows = big_session.participants
    assert ids(second) == [r.user_session_id for r in rows[100:105]]
    calls = participant_calls(hub)
    assert [(c.param("limit"), c.param("next") is not None) for c in calls] == [("6", True)]


async def test_short_pages_still_fill_first(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    hub["stream"].knobs.short_pages = True
    connection = await page(graphql, big_session, first=40)
    assert ids(connection) == [r.user_session_id for r in big_session.participants[:40]]
    assert connection["pageInfo"]["hasNextPage"] is True


async def test_filters_reach_stream_only_as_escaped_literals(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    hostile = ['{"$ne": null}', "$in", 'x"}, "is_live": {"$eq": true}, "a": {"$eq": "']
    flt = {"userIds": hostile, "publisherTypes": ["$where"], "live": False}
    connection = await page(graphql, big_session, first=5, filter=flt)
    assert connection["edges"] == []
    assert connection["totalCount"] is None
    (call,) = participant_calls(hub)
    assert orjson.loads(call.param("filter_conditions") or "") == {
        "user_id": {"$in": hostile},
        "publisher_type": {"$in": ["$where"]},
        "is_live": {"$eq": False},
    }


async def test_user_filter_narrows_the_list_and_totals_stay_whole(
    graphql: GraphQL, big_session: CallSessionRow
) -> None:
    user = big_session.participants[0].user_id
    connection = await page(graphql, big_session, first=50, filter={"userIds": [user]})
    expected = [r.user_session_id for r in big_session.participants if r.user_id == user]
    assert ids(connection) == expected
    assert connection["totalCount"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("i", "../admin"),
        ("i", "a?x=1"),
        ("i", "a#frag"),
        ("i", "a%2Fb"),
        ("i", "a b"),
        ("i", "a/b"),
        ("i", "x" * 65),
        ("s", ".."),
        ("t", "default:x"),
        ("t", ""),
    ],
)
async def test_unsafe_ids_are_refused_before_any_call(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow, field: str, value: str
) -> None:
    variables = {**session_vars(big_session), field: value, "first": 1}
    body = await graphql(SESSION, variables, expect_errors=True)
    assert body["data"] == {"callSession": None}
    (error,) = body["errors"]
    assert error["path"] == ["callSession"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert hub.log.entries("stream") == []


async def test_unknown_session_is_null_and_not_found(graphql: GraphQL) -> None:
    body = await graphql(
        SESSION, {"t": "default", "i": "nope", "s": "nope", "first": 1}, expect_errors=True
    )
    assert body["data"] == {"callSession": None}
    assert body["errors"][0]["path"] == ["callSession"]
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("args", "argument"),
    [({"first": 101}, "first"), ({"last": -1}, "last"), ({"first": 2, "after": "v1.x.y"}, "after")],
)
async def test_bad_paging_arguments(
    graphql: GraphQL, big_session: CallSessionRow, args: dict[str, Any], argument: str
) -> None:
    body = await graphql(SESSION, {**session_vars(big_session), **args}, expect_errors=True)
    (error,) = body["errors"]
    assert error["path"] == ["callSession", "participantSessions"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": argument}


async def test_cursor_from_another_session_is_refused(
    graphql: GraphQL, dataset: StreamDataset, big_session: CallSessionRow
) -> None:
    other = sorted(dataset.sessions.values(), key=lambda s: len(s.participants))[-2]
    cursor = (await page(graphql, other, first=1))["pageInfo"]["endCursor"]
    body = await graphql(
        SESSION, {**session_vars(big_session), "first": 1, "after": cursor}, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_stream_429_is_rate_limited_with_retry_after(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    hub["stream"].knobs.rules.append(
        FaultRule(path_regex="participant_sessions", status=429, retry_after=30)
    )
    body = await graphql(SESSION, {**session_vars(big_session), "first": 2}, expect_errors=True)
    (error,) = body["errors"]
    assert error["path"] == ["callSession", "participantSessions"]
    ext = error["extensions"]
    assert (ext["code"], ext["provider"], ext["upstreamStatus"]) == (
        "RATE_LIMITED",
        "STREAM_VIDEO",
        429,
    )
    # From X-RateLimit-Reset (whole epoch seconds): 30, or 29 if a second ticked over.
    assert ext["retryAfterSeconds"] in (29, 30)
    assert len(participant_calls(hub)) == 1  # too long to wait out: not retried


async def test_stream_429_due_now_is_retried(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    hub["stream"].knobs.rules.append(
        FaultRule(path_regex="participant_sessions", status=429, retry_after=0, times=1)
    )
    connection = await page(graphql, big_session, first=2)
    assert len(connection["edges"]) == 2
    assert [c.status for c in participant_calls(hub)] == [429, 200]


async def test_expired_session_lists_nothing_but_keeps_totals(
    graphql: GraphQL, dataset: StreamDataset
) -> None:
    old = next(s for s in dataset.sessions.values() if dataset.expired(s))
    query = """
    query($t: String!, $i: String!, $s: String!) {
      callSession(callType: $t, callId: $i, sessionId: $s) {
        totalParticipantSessions
        participantSessions(first: 5) { totalCount edges { cursor } pageInfo { hasNextPage } }
      }
    }"""
    data = (await graphql(query, session_vars(old)))["callSession"]
    assert data["totalParticipantSessions"] == len(old.participants)
    assert data["participantSessions"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False},
    }


async def test_live_session_names_connected_participants(
    graphql: GraphQL, dataset: StreamDataset
) -> None:
    live = next(s for s in dataset.sessions.values() if s.ended_at is None)
    query = """
    query($t: String!, $i: String!, $s: String!) {
      callSession(callType: $t, callId: $i, sessionId: $s) {
        isLive endTime durationSeconds
        participantSessions(first: 100, filter: {live: true}) {
          nodes { userId displayName leaveTime }
        }
      }
    }"""
    data = (await graphql(query, session_vars(live)))["callSession"]
    here = [r for r in live.participants if r.left_at is None]
    assert any(dataset.users[r.user_id].name for r in here)
    assert (data["isLive"], data["endTime"], data["durationSeconds"]) == (True, None, None)
    assert data["participantSessions"]["nodes"] == [
        {"userId": r.user_id, "displayName": dataset.users[r.user_id].name, "leaveTime": None}
        for r in here
    ]


async def test_nodes_resolve_through_the_loaders(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    query = """
    query($t: String!, $i: String!, $s: String!) {
      callSession(callType: $t, callId: $i, sessionId: $s) {
        id participantSessions(first: 1) { nodes { id userSessionId } }
      }
    }"""
    data = (await graphql(query, session_vars(big_session)))["callSession"]
    attendee = data["participantSessions"]["nodes"][0]
    hub.log.clear()
    nodes = await graphql(
        """query($ids: [ID!]!) { nodes(ids: $ids) {
             ... on CallSession { sessionId }
             ... on CallParticipantSession { userSessionId }
           } }""",
        {"ids": [data["id"], attendee["id"]]},
    )
    assert nodes["nodes"] == [
        {"sessionId": big_session.session_id},
        {"userSessionId": attendee["userSessionId"]},
    ]
    assert len(stats_calls(hub)) == 1
    assert len(participant_calls(hub)) == 1


async def test_entities_resolve_by_natural_key(
    graphql: GraphQL, big_session: CallSessionRow
) -> None:
    query = """
    query($r: [_Any!]!) { _entities(representations: $r) { ... on CallSession { id sessionId } } }
    """
    rep = {
        "__typename": "CallSession",
        "callType": big_session.call_type,
        "callId": big_session.call_id,
        "sessionId": big_session.session_id,
    }
    data = await graphql(query, {"r": [rep]})
    assert data["_entities"][0]["sessionId"] == big_session.session_id

"""RealtimeKit through the graph: field mapping, links, loaders, filters, nodes, the mutation."""

from __future__ import annotations

from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule
from resolvers.timestamps import Instant
from schema.relay import encode_global_id
from tests.conftest import GraphQL
from tests.realtimekit.upstream import (
    emulator,
    large_session,
    session_with,
    sessions_newest_first,
)

SESSION = """
query($id: String!) {
  realtimeSession(id: $id) {
    id sessionId meetingId meetingTitle kind status provider isLive
    startTime endTime durationSeconds liveParticipants maxConcurrentParticipants minutesConsumed
    chat { url expiresAt } transcript { url expiresAt } summary { url expiresAt }
  }
}"""


def _iso(ms: int) -> str:
    return Instant(ms * 1_000_000).isoformat()


async def test_session_fields_map_from_the_wire(graphql: GraphQL, hub: EmulatorHub) -> None:
    session = session_with(hub, has_chat=True, has_transcript=True, has_summary=False)

    data = (await graphql(SESSION, {"id": session.id}))["realtimeSession"]

    assert session.ended_ms is not None
    assert data == {
        "id": encode_global_id("RealtimeSession", session.id),
        "sessionId": session.id,
        "meetingId": session.meeting.id,
        "meetingTitle": session.meeting.title,
        "kind": session.kind.upper(),
        "status": "ENDED",
        "provider": "CLOUDFLARE_REALTIMEKIT",
        "isLive": False,
        "startTime": _iso(session.started_ms),
        "endTime": _iso(session.ended_ms),
        "durationSeconds": (session.ended_ms - session.started_ms) / 1000,
        "liveParticipants": 0,
        "maxConcurrentParticipants": session.max_concurrent,
        "minutesConsumed": session.minutes_consumed,
        "chat": {
            "url": f"http://emulators.local/client/v4/accounts/demoaccount/realtime/kit/demoapp/_downloads/{session.id}/chat.csv",
            "expiresAt": "2026-11-01T13:00:00Z",
        },
        "transcript": {
            "url": f"http://emulators.local/client/v4/accounts/demoaccount/realtime/kit/demoapp/_downloads/{session.id}/transcript.csv",
            "expiresAt": "2026-11-01T13:00:00Z",
        },
        "summary": None,  # 404 from the summary endpoint is "none yet", not an error
    }


async def test_live_session_has_no_end_and_nested_details_shape_reads_the_same(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    live = next(s for s in emulator(hub).dataset.sessions if s.ended_ms is None)
    query = "query($id: String!) { realtimeSession(id: $id) { sessionId isLive endTime durationSeconds status liveParticipants } }"

    flat = await graphql(query, {"id": live.id})
    emulator(hub).knobs.options["session_details_shape"] = "nested"
    nested = await graphql(query, {"id": live.id})

    assert flat == nested
    assert flat["realtimeSession"] == {
        "sessionId": live.id,
        "isLive": True,
        "endTime": None,
        "durationSeconds": None,
        "status": "LIVE",
        "liveParticipants": live.live_participants,
    }


async def test_participants_map_minutes_to_seconds_and_peer_report_loads_only_when_selected(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    session = large_session(hub)
    query = """query($id: String!) { realtimeSession(id: $id) { participants(first: 3) { nodes {
      id participantId sessionId userId customParticipantId presetName displayName provider
      joinTime leaveTime durationSeconds } } } }"""
    with_report = """query($id: String!) { realtimeSession(id: $id) {
      participants(first: 3) { nodes { participantId peerReport } } } }"""

    plain = (await graphql(query, {"id": session.id}))["realtimeSession"]["participants"]["nodes"]
    plain_calls = len(hub.log.entries("realtimekit"))
    hub.log.clear()
    reports = (await graphql(with_report, {"id": session.id}))["realtimeSession"]["participants"]
    report_calls = [e.path for e in hub.log.entries("realtimekit") if "peer-report" in e.path]

    first = session.participants[0]
    assert plain[0] == {
        "id": encode_global_id("RealtimeParticipant", f"{session.id}/{first.id}"),
        "participantId": first.id,
        "sessionId": session.id,
        "userId": first.user_id,
        "customParticipantId": first.custom_participant_id,
        "presetName": first.preset_name,
        "displayName": first.display_name,
        "provider": "CLOUDFLARE_REALTIMEKIT",
        "joinTime": _iso(first.joined_ms),
        "leaveTime": _iso(first.left_ms) if first.left_ms else None,
        "durationSeconds": first.duration_min * 60,
    }
    assert plain_calls == 2  # details + one participants page, no peer reports
    assert len(report_calls) == 3
    assert reports["nodes"][0]["peerReport"]["peer_report"]["metadata"]["sdk_name"] == "web-core"


async def test_25_sessions_with_participants_cost_1_plus_25_overlapping_calls(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    emulator(hub).knobs.latency_ms = 40
    query = """{ realtimeSessions(first: 25) { totalCount nodes { sessionId
      participants(first: 20) { totalCount nodes { participantId } } } } }"""

    data = (await graphql(query))["realtimeSessions"]

    expected = sessions_newest_first(hub)[:25]
    assert [n["sessionId"] for n in data["nodes"]] == [s.id for s in expected]
    assert data["totalCount"] == len(emulator(hub).dataset.sessions)
    assert [n["participants"]["totalCount"] for n in data["nodes"]] == [
        len(s.participants) for s in expected
    ]
    assert [len(n["participants"]["nodes"]) for n in data["nodes"]] == [
        min(20, len(s.participants)) for s in expected
    ]
    calls = hub.log.entries("realtimekit")
    assert len(calls) == 1 + 25
    assert calls[0].path.endswith("/sessions")
    nested = calls[1:]
    assert all(c.path.endswith("/participants") for c in nested)
    assert {c.param("per_page") for c in nested} == {
        "20"
    }  # the reported total makes a peek unnecessary
    # All 25 were in flight together: each started before any of them finished.
    assert max(c.started for c in nested) < min(c.finished for c in nested)


async def test_filters_reach_the_upstream_only_as_literal_parameters(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    query = """query($f: RealtimeSessionFilter) { realtimeSessions(first: 5, filter: $f) {
      totalCount nodes { sessionId } } }"""
    injected = {
        "search": '{"$ne": 1}',
        "meetingId": '{"$gt": ""}&status=LIVE',
        "status": "ENDED",
        "startedAfter": "2026-09-01T02:00:00+02:00",
        "startedBefore": "2026-11-01T00:00:00.5Z",
    }

    data = await graphql(query, {"f": injected})

    assert data["realtimeSessions"] == {"totalCount": 0, "nodes": []}
    (call,) = hub.log.entries("realtimekit")
    assert call.query == {
        "search": ['{"$ne": 1}'],
        "associated_id": ['{"$gt": ""}&status=LIVE'],
        "status": ["ENDED"],
        "start_time": ["2026-09-01T00:00:00Z"],
        "end_time": ["2026-11-01T00:00:00.500Z"],
        "sort_by": ["createdAt"],
        "sort_order": ["DESC"],
        "page_no": ["1"],
        "per_page": ["5"],
    }


async def test_participant_search_and_order(graphql: GraphQL, hub: EmulatorHub) -> None:
    session = large_session(hub)
    person = session.participants[3]
    query = """query($id: String!, $search: String) { realtimeSession(id: $id) {
      bySearch: participants(first: 50, search: $search) { nodes { customParticipantId } }
      longest: participants(first: 3, orderBy: DURATION_DESC) { nodes { durationSeconds } } } }"""

    data = (await graphql(query, {"id": session.id, "search": person.custom_participant_id}))[
        "realtimeSession"
    ]

    joins = [
        p for p in session.participants if p.custom_participant_id == person.custom_participant_id
    ]
    assert [n["customParticipantId"] for n in data["bySearch"]["nodes"]] == [
        p.custom_participant_id for p in joins
    ]
    longest = sorted((p.duration_min * 60 for p in session.participants), reverse=True)[:3]
    assert [n["durationSeconds"] for n in data["longest"]["nodes"]] == longest
    orders = {
        (c.param("sort_by"), c.param("sort_order"))
        for c in hub.log.entries("realtimekit")
        if c.path.endswith("/participants")
    }
    assert orders == {("joinedAt", "ASC"), ("duration", "DESC")}


async def test_node_nodes_and_entities_resolve_through_the_loaders(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    session = large_session(hub)
    peer = session.participants[7]
    session_id = encode_global_id("RealtimeSession", session.id)
    peer_id = encode_global_id("RealtimeParticipant", f"{session.id}/{peer.id}")
    query = """query($ids: [ID!]!, $reps: [_Any!]!) {
      nodes(ids: $ids) { id ... on RealtimeSession { sessionId } ... on RealtimeParticipant { participantId } }
      _entities(representations: $reps) { ... on RealtimeSession { sessionId }
        ... on RealtimeParticipant { participantId displayName } } }"""
    reps = [
        {"__typename": "RealtimeSession", "sessionId": session.id},
        {"__typename": "RealtimeParticipant", "sessionId": session.id, "participantId": peer.id},
        {"__typename": "RealtimeParticipant", "id": peer_id},
    ]

    data = await graphql(query, {"ids": [session_id, peer_id], "reps": reps})

    assert data["nodes"] == [
        {"id": session_id, "sessionId": session.id},
        {"id": peer_id, "participantId": peer.id},
    ]
    assert data["_entities"] == [
        {"sessionId": session.id},
        {"participantId": peer.id, "displayName": peer.display_name},
        {"participantId": peer.id, "displayName": peer.display_name},
    ]
    # The same session and the same participant, asked for three ways each, cost one call each.
    kinds = sorted(e.path.rsplit("/", 2)[-2] for e in hub.log.entries("realtimekit"))
    assert kinds == ["participants", "sessions"]


async def test_sessions_from_a_list_page_are_primed_for_later_lookups(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    query = """{ realtimeSessions(first: 5) { nodes {
      participants(first: 1) { nodes { session { sessionId } } } } } }"""

    data = await graphql(query)

    expected = [s.id for s in sessions_newest_first(hub)[:5]]
    assert [
        n["participants"]["nodes"][0]["session"]["sessionId"]
        for n in data["realtimeSessions"]["nodes"]
    ] == expected
    # One list page and five participant pages; the back-references cost nothing.
    assert len(hub.log.entries("realtimekit")) == 1 + 5


GENERATE = """mutation($id: String!) { generateRealtimeSessionSummary(sessionId: $id) {
  sessionId status errors { code message field } } }"""


async def test_generate_summary_then_read_it(
    fresh_graphql: GraphQL, fresh_hub: EmulatorHub
) -> None:
    session = session_with(fresh_hub, has_transcript=True, has_summary=False)

    payload = (await fresh_graphql(GENERATE, {"id": session.id}))["generateRealtimeSessionSummary"]
    after = await fresh_graphql(
        "query($id: String!) { realtimeSession(id: $id) { summary { url } } }", {"id": session.id}
    )

    assert payload == {"sessionId": session.id, "status": "queued", "errors": []}
    assert after["realtimeSession"]["summary"]["url"].endswith(f"/{session.id}/summary.txt")
    posts = [e for e in fresh_hub.log.entries("realtimekit") if e.method == "POST"]
    assert [e.path.rsplit("/", 2)[-2:] for e in posts] == [[session.id, "summary"]]


async def test_generate_summary_expected_failures_come_back_in_errors(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    no_transcript = session_with(hub, has_transcript=False)

    missing = await graphql(GENERATE, {"id": "6f1d7a2c-0000-4000-8000-000000000000"})
    bad = await graphql(GENERATE, {"id": "../sessions"})
    untranscribed = await graphql(GENERATE, {"id": no_transcript.id})

    assert missing["generateRealtimeSessionSummary"] == {
        "sessionId": None,
        "status": None,
        "errors": [
            {
                "code": "NOT_FOUND",
                "message": "Cloudflare RealtimeKit has no such object",
                "field": "sessionId",
            }
        ],
    }
    assert bad["generateRealtimeSessionSummary"]["errors"][0]["code"] == "BAD_USER_INPUT"
    assert untranscribed["generateRealtimeSessionSummary"]["errors"][0]["code"] == "NOT_FOUND"
    assert len(hub.log.entries("realtimekit")) == 2  # the bad id never left the gateway


async def test_generate_summary_is_not_retried(graphql: GraphQL, hub: EmulatorHub) -> None:
    session = session_with(hub, has_transcript=True)
    emulator(hub).knobs.rules.append(FaultRule(path_regex="/summary$", status=503, method="POST"))

    body = await graphql(GENERATE, {"id": session.id}, expect_errors=True)

    assert body["data"] is None
    assert body["errors"][0]["path"] == ["generateRealtimeSessionSummary"]
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert len(hub.log.entries("realtimekit")) == 1

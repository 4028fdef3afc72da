"""`Subscription.sessionEvents` executed by the real schema on the real runtime (in-process).

Events enter through the real receivers (HTTP, in-process); the subscription is
run by the schema with the context a WebSocket connection gets. Upstream calls
are counted from the emulators' request log.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.emulators.live.signing import meet_push, realtimekit_webhook, stream_webhook
from app.settings import Settings
from resolvers.timestamps import Instant
from tests.live.helpers import post, realtimekit_joined, stream_joined

EVENT_FIELDS = """
  id kind provider occurredAt
  session { id provider isLive startTime ... on CallSession { callId sessionId }
            ... on RealtimeSession { sessionId meetingTitle }
            ... on ConferenceRecord { name } }
  attendance { id provider displayName userId joinTime leaveTime
               ... on ParticipantSession { name participant { name } } }
"""
SUBSCRIBE = f"subscription Live($filter: SessionEventFilter) {{ sessionEvents(filter: $filter) {{ {EVENT_FIELDS} }} }}"


@pytest.fixture
async def app(settings: Settings, hub: EmulatorHub) -> AsyncIterator[Starlette]:
    application = create_app(settings, hub=hub)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
        yield c


@asynccontextmanager
async def subscription(
    app: Starlette, variables: dict[str, Any] | None = None
) -> AsyncIterator[Any]:
    """A running subscription; yields its result stream once it is registered."""
    runtime = app.state.runtime
    fanout = runtime.live.broker.fanout
    registered = asyncio.Event()
    fanout.observe(lambda active: registered.set())
    stream = await runtime.schema.subscribe(
        SUBSCRIBE, variable_values=variables, context_value=runtime.context_for(None)
    )
    first = asyncio.ensure_future(anext(stream))
    async with asyncio.timeout(5):
        await registered.wait()
    try:
        yield first, stream
    finally:
        first.cancel()
        await stream.aclose()


async def result_of(pending: asyncio.Future[Any]) -> dict[str, Any]:
    async with asyncio.timeout(5):
        result = await pending
    assert result.errors is None, result.errors
    return result.data["sessionEvents"]  # type: ignore[no-any-return]


async def live_call(client: httpx.AsyncClient) -> dict[str, str]:
    body = (
        await client.post(
            "/graphql",
            json={
                "query": "{ callSessions(first: 1, filter: {live: true}) { nodes { id callType callId sessionId } } }"
            },
        )
    ).json()
    return body["data"]["callSessions"]["nodes"][0]  # type: ignore[no-any-return]


async def live_participant_session(client: httpx.AsyncClient) -> dict[str, Any]:
    query = "{ conferenceRecords(first: 1, filter: {live: true}) { nodes { id name participants(first: 1) { nodes { name sessions(first: 1) { nodes { id name displayName } } } } } } }"
    record = (await client.post("/graphql", json={"query": query})).json()["data"][
        "conferenceRecords"
    ]["nodes"][0]
    return {"record": record, "session": record["participants"]["nodes"][0]["sessions"]["nodes"][0]}


async def test_a_stream_join_resolves_attendance_from_the_payload_and_the_session_through_loaders(
    app: Starlette, client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    call = await live_call(client)
    hub.log.clear()
    async with subscription(app) as (first, _):
        await post(
            client,
            stream_webhook(
                stream_joined(call["callType"], call["callId"], call["sessionId"]), webhook_id="s-1"
            ),
        )
        event = await result_of(first)
    assert event["id"] == "stream:s-1"
    assert event["kind"] == "PARTICIPANT_JOINED"
    assert event["session"]["id"] == call["id"]
    assert event["session"]["isLive"] is True
    assert event["attendance"]["displayName"] == "Alice"
    assert event["attendance"]["userId"] == "alice"
    assert event["attendance"]["joinTime"] == "2026-11-01T12:00:05.142179098Z"
    assert event["attendance"]["leaveTime"] is None
    # The attendance came with the payload; only the session (times) was fetched: one call.
    assert [(e.method, e.path) for e in hub.log.entries("stream")] == [
        ("POST", "/api/v2/video/call_stats")
    ]


async def test_a_realtimekit_join_is_filled_from_the_payload_with_no_upstream_call(
    app: Starlette, client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub.log.clear()
    async with subscription(app) as (first, _):
        await post(client, realtimekit_webhook(realtimekit_joined("rtk-live-1"), delivery_id="r-1"))
        event = await result_of(first)
    assert event["session"]["sessionId"] == "rtk-live-1"
    assert event["session"]["meetingTitle"] == "Weekly sync"
    assert event["session"]["isLive"] is True
    assert event["attendance"]["displayName"] == "Mary Sue"
    assert event["attendance"]["joinTime"] == "2026-11-01T11:05:00Z"
    assert hub.log.entries("realtimekit") == []


async def _meet_event(
    app: Starlette, client: httpx.AsyncClient, hub: EmulatorHub, kind: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Push one signed Meet event (request log cleared first); the subscriber's result."""
    push = meet_push(
        kind, data, occurred=Instant.parse("2026-11-01T12:00:00Z").ns, space="spaces/x"
    )
    hub.log.clear()
    async with subscription(app) as (first, _):
        await post(client, push)
        event: dict[str, Any] = await result_of(first)
    return event


async def test_a_meet_join_is_resolved_through_the_loaders(
    app: Starlette, client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    known = await live_participant_session(client)
    name = known["session"]["name"]
    event = await _meet_event(
        app, client, hub, "participant.v2.joined", {"participantSession": {"name": name}}
    )
    assert event["provider"] == "GOOGLE_MEET"
    assert event["session"]["name"] == known["record"]["name"]
    assert event["session"]["id"] == known["record"]["id"]
    assert event["attendance"]["id"] == known["session"]["id"]
    assert event["attendance"]["displayName"] == known["session"]["displayName"]
    assert event["attendance"]["participant"]["name"] == name.split("/participantSessions/")[0]
    # The participant session, its participant (shared by displayName, userId and
    # participant) and the conference record: one call each.
    assert sorted(e.path for e in hub.log.entries("meet")) == sorted(
        [
            f"/v2/{name}",
            f"/v2/{name.split('/participantSessions/')[0]}",
            f"/v2/{known['record']['name']}",
        ]
    )


async def test_filters_run_before_anything_is_fetched(
    app: Starlette, client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    call = await live_call(client)
    wanted = {
        "filter": {
            "providers": ["STREAM_VIDEO"],
            "kinds": ["PARTICIPANT_JOINED"],
            "sessionIds": [call["id"]],
        }
    }
    other_call = stream_joined(call["callType"], call["callId"], "another-session")
    left = {
        **stream_joined(call["callType"], call["callId"], call["sessionId"]),
        "type": "call.session_participant_left",
        "duration_seconds": 3,
    }
    hub.log.clear()
    async with subscription(app, wanted) as (first, _):
        await post(client, realtimekit_webhook(realtimekit_joined("rtk-x")))
        await post(client, stream_webhook(other_call, webhook_id="other"))
        await post(client, stream_webhook(left, webhook_id="left"))
        assert not first.done()
        assert hub.log.entries() == []  # nothing fetched for unwanted events
        await post(
            client,
            stream_webhook(
                stream_joined(call["callType"], call["callId"], call["sessionId"]),
                webhook_id="wanted",
            ),
        )
        event = await result_of(first)
    assert event["id"] == "stream:wanted"


async def test_an_invalid_session_id_in_the_filter_is_bad_user_input(app: Starlette) -> None:
    runtime = app.state.runtime
    stream = await runtime.schema.subscribe(
        SUBSCRIBE,
        variable_values={"filter": {"sessionIds": ["nope"]}},
        context_value=runtime.context_for(None),
    )
    result = await anext(stream)
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    await stream.aclose()


async def test_a_subscriber_that_falls_a_whole_queue_behind_is_dropped(
    settings: Settings, hub: EmulatorHub
) -> None:
    small = settings.model_copy(update={"subscription_queue_size": 3})
    application = create_app(small, hub=hub)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            fanout = application.state.runtime.live.broker.fanout
            async with subscription(application) as (first, _stream):
                for i in range(5):  # nobody reads: the fourth overflows the queue
                    await post(c, realtimekit_webhook(realtimekit_joined("rtk-s", peer=f"p{i}")))
                assert fanout.active == 0  # dropped at once, the backlog freed
                async with asyncio.timeout(5):
                    result = await first
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "RATE_LIMITED"
    assert result.errors[0].extensions["upstreamReason"] == "slow-subscriber"


async def test_a_stream_session_end_is_filled_from_the_payload_with_no_upstream_call(
    app: Starlette, client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    ended = {
        "type": "call.session_ended",
        "created_at": "2026-11-01T12:30:00.5Z",
        "call_cid": "default:standup-1",
        "session_id": "sess-1",
        "call": {
            "session": {"started_at": "2026-11-01T12:00:00Z", "ended_at": "2026-11-01T12:30:00.5Z"}
        },
    }
    hub.log.clear()
    async with subscription(app) as (first, _):
        await post(client, stream_webhook(ended, webhook_id="end-1"))
        event = await result_of(first)
    assert event["kind"] == "SESSION_ENDED"
    assert event["occurredAt"] == "2026-11-01T12:30:00.500Z"
    assert event["session"]["callId"] == "standup-1"
    assert event["session"]["isLive"] is False
    assert event["attendance"] is None
    assert hub.log.entries("stream") == []


async def test_a_meet_conference_end_loads_the_record(
    app: Starlette, client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    known = await live_participant_session(client)
    record = known["record"]["name"]
    event = await _meet_event(
        app, client, hub, "conference.v2.ended", {"conferenceRecord": {"name": record}}
    )
    assert event["kind"] == "SESSION_ENDED"
    assert event["session"]["name"] == record
    assert event["attendance"] is None
    assert [e.path for e in hub.log.entries("meet")] == [f"/v2/{record}"]

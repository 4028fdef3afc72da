"""The emulators' live activity (in-process): steps change the data and deliver signed webhooks
that the gateway verifies; registration endpoints store targets as the upstreams do."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest
from starlette.applications import Starlette

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.live import live_activity
from app.emulators.live.activity import LiveActivity
from app.settings import Settings
from resolvers.events import EventKind
from resolvers.stream.client import server_token
from tests.live.helpers import next_event, published


@pytest.fixture
async def app(settings: Settings, fresh_hub: EmulatorHub) -> AsyncIterator[Starlette]:
    application = create_app(settings, hub=fresh_hub)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def activity(app: Starlette, fresh_hub: EmulatorHub) -> LiveActivity:
    found = live_activity(fresh_hub)
    assert found is not None
    # Deliver straight into the in-process gateway.
    found.deliverer.client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    )
    found.targets.base_url = "http://gateway"
    return found


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as c:
        yield c


async def test_a_stream_join_is_in_the_data_and_delivered_signed(
    app: Starlette, activity: LiveActivity, client: httpx.AsyncClient
) -> None:
    async with published(app) as events:
        request, status = await activity.step("stream", "join")
        event = await next_event(events)
    assert request is not None
    assert status == 204
    sent = orjson.loads(request.body)
    assert event.kind is EventKind.PARTICIPANT_JOINED
    call_type, call_id = sent["call_cid"].split(":")
    query = "query($t: String!, $c: String!, $s: String!) { callSession(callType: $t, callId: $c, sessionId: $s) { participantSessions(first: 100, filter: {live: true}) { nodes { userSessionId } } } }"
    body = (
        await client.post(
            "/graphql",
            json={
                "query": query,
                "variables": {"t": call_type, "c": call_id, "s": sent["session_id"]},
            },
        )
    ).json()
    live = [n["userSessionId"] for n in body["data"]["callSession"]["participantSessions"]["nodes"]]
    assert sent["participant"]["user_session_id"] in live


async def test_a_realtimekit_leave_ends_the_participant_and_is_delivered(
    app: Starlette, activity: LiveActivity, client: httpx.AsyncClient
) -> None:
    async with published(app) as events:
        request, status = await activity.step("realtimekit", "leave")
        event = await next_event(events)
    assert request is not None
    assert status == 204
    sent = orjson.loads(request.body)
    assert event.kind is EventKind.PARTICIPANT_LEFT
    query = "query($id: String!) { realtimeSession(id: $id) { participants(first: 100) { nodes { participantId leaveTime } } } }"
    body = (
        await client.post(
            "/graphql", json={"query": query, "variables": {"id": sent["meeting"]["sessionId"]}}
        )
    ).json()
    nodes = {
        n["participantId"]: n for n in body["data"]["realtimeSession"]["participants"]["nodes"]
    }
    assert nodes[sent["participant"]["peerId"]]["leaveTime"] is not None


async def test_a_meet_join_adds_a_participant_session_the_api_serves(
    app: Starlette, activity: LiveActivity, client: httpx.AsyncClient
) -> None:
    async with published(app) as events:
        request, status = await activity.step("meet", "join")
        event = await next_event(events)
    assert request is not None
    assert status == 204
    name = orjson.loads(base64.b64decode(orjson.loads(request.body)["message"]["data"]))[
        "participantSession"
    ]["name"]
    assert event.attendance is not None
    assert event.attendance.key == name
    response = await client.post(
        "/graphql",
        json={
            "query": "query($n: String!) { conferenceRecord(name: $n) { isLive } }",
            "variables": {"n": "/".join(name.split("/")[:2])},
        },
    )
    assert response.json()["data"]["conferenceRecord"]["isLive"] is True


async def test_deliveries_are_retried_as_the_upstream_does(fresh_hub: EmulatorHub) -> None:
    found = live_activity(fresh_hub)
    assert found is not None
    statuses = iter([503, 503, 204])

    async def flaky(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(statuses))

    found.deliverer.client = httpx.AsyncClient(transport=httpx.MockTransport(flaky))
    found.deliverer.backoff_s = 0
    found.targets.base_url = "http://gateway"
    request, status = await found.step("stream", "join")
    attempts = [
        a for a in found.deliverer.attempts if request and a.delivery_id == request.delivery_id
    ]
    assert status == 204
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert [a.headers["X-Webhook-Attempt"] for a in attempts] == ["1", "2", "3"]

    found.deliverer.client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(400))
    )
    request, status = await found.step("realtimekit", "join")
    assert status == 400
    assert (
        len(
            [
                a
                for a in found.deliverer.attempts
                if request and a.delivery_id == request.delivery_id
            ]
        )
        == 1
    )  # 4xx: not retried


async def test_registration_endpoints_store_targets(fresh_hub: EmulatorHub) -> None:
    found = live_activity(fresh_hub)
    assert found is not None
    creds = DEMO_CREDENTIALS
    stream_auth = {
        "Stream-Auth-Type": "jwt",
        "Authorization": server_token(creds.stream_api_secret),
    }
    rtk_path = f"/client/v4/accounts/{creds.realtimekit_account_id}/realtime/kit/{creds.realtimekit_app_id}/webhooks"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=fresh_hub), base_url="http://upstream"
    ) as upstream:
        denied = await upstream.patch(
            "/api/v2/app", params={"api_key": creds.stream_api_key}, json={"event_hooks": []}
        )
        hook = {
            "hook_type": "webhook",
            "enabled": True,
            "webhook_url": "https://gw.example/webhooks/stream",
            "event_types": [],
        }
        patched = await upstream.patch(
            "/api/v2/app",
            params={"api_key": creds.stream_api_key},
            headers=stream_auth,
            json={"event_hooks": [hook]},
        )
        app_settings = (
            await upstream.get(
                "/api/v2/app", params={"api_key": creds.stream_api_key}, headers=stream_auth
            )
        ).json()
        unauthorised = await upstream.post(
            rtk_path, json={"name": "x", "url": "https://x", "events": ["meeting.started"]}
        )
        bad = await upstream.post(
            rtk_path,
            headers={"Authorization": f"Bearer {creds.realtimekit_api_token}"},
            json={"name": "x", "url": "https://x", "events": ["nope"]},
        )
        created = await upstream.post(
            rtk_path,
            headers={"Authorization": f"Bearer {creds.realtimekit_api_token}"},
            json={
                "name": "gw",
                "url": "https://gw.example/webhooks/realtimekit",
                "events": ["meeting.participantJoined", "meeting.participantLeft"],
            },
        )
        keys = (await upstream.get("/.well-known/webhooks.json")).json()
        jwks = (await upstream.get("/oauth2/v3/certs")).json()
    assert denied.status_code == 401
    assert patched.status_code == 200
    assert (
        app_settings["app"]["event_hooks"][0]["webhook_url"] == "https://gw.example/webhooks/stream"
    )
    assert (unauthorised.status_code, bad.status_code, created.status_code) == (401, 400, 201)
    assert created.json()["data"]["events"] == [
        "meeting.participantJoined",
        "meeting.participantLeft",
    ]
    assert found.targets.url_for("stream") == "https://gw.example/webhooks/stream"
    assert found.targets.url_for("realtimekit") == "https://gw.example/webhooks/realtimekit"
    assert keys["data"]["publicKey"].startswith("-----BEGIN PUBLIC KEY-----")
    assert jwks["keys"][0]["alg"] == "RS256"

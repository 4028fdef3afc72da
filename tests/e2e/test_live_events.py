"""Live events end to end: emulators deliver signed webhooks over HTTP to gateway replicas
sharing one Redis; real clients (npm graphql-ws, plain HTTP SSE and multipart) subscribe."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from tests.e2e.live_stack import (
    API_KEY,
    JS,
    Stack,
    gateway_env,
    live_stack,
    messages,
    node,
    until_subscribed,
    wait_for,
    ws_subscriber,
)
from tests.e2e.processes import BIN

pytestmark = pytest.mark.e2e

FIELDS = """
  id kind provider occurredAt
  session { id provider isLive
            ... on CallSession { callType callId sessionId }
            ... on RealtimeSession { sessionId meetingTitle }
            ... on ConferenceRecord { name } }
  attendance { id provider displayName userId joinTime leaveTime
               ... on CallParticipantSession { userSessionId }
               ... on RealtimeParticipant { participantId }
               ... on ParticipantSession { name participant { name displayName } } }
"""
SUBSCRIPTION = f"subscription Live($filter: SessionEventFilter) {{ sessionEvents(filter: $filter) {{ {FIELDS} }} }}"
PUSHED = {"filter": {"providers": ["STREAM_VIDEO", "CLOUDFLARE_REALTIMEKIT", "GOOGLE_MEET"]}}
KEY = {"X-API-Key": API_KEY}


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with live_stack(replicas=2) as running_stack:
        yield running_stack


def events(lines: list[str]) -> list[dict[str, Any]]:
    return [
        m["payload"]["data"]["sessionEvents"] for m in messages(lines) if m["payload"].get("data")
    ]


def event_for(lines: list[str], event_id: str) -> dict[str, Any]:
    return wait_for(
        lambda: next((e for e in events(lines) if e["id"] == event_id), None), what=event_id
    )  # type: ignore[no-any-return]


def body_of(stack: Stack, delivery_id: str) -> dict[str, Any]:
    return orjson.loads(base64.b64decode(stack.delivered(delivery_id)["body_b64"]))  # type: ignore[no-any-return]


def graphql(gateway: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(
        f"{gateway}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=KEY,
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def test_graphql_ws_receives_stream_realtimekit_and_meet_joins_resolved(stack: Stack) -> None:
    with ws_subscriber(stack.gateways[0], SUBSCRIPTION, PUSHED, KEY) as lines:
        until_subscribed(stack, lambda: len(events(lines)))

        stream = stack.step("stream", "join")
        got = event_for(lines, f"stream:{stream['deliveryId']}")
        sent = body_of(stack, stream["deliveryId"])
        call_type, call_id = sent["call_cid"].split(":")
        assert got["kind"] == "PARTICIPANT_JOINED"
        assert got["provider"] == "STREAM_VIDEO"
        assert (
            got["session"]["callType"],
            got["session"]["callId"],
            got["session"]["sessionId"],
        ) == (call_type, call_id, sent["session_id"])
        assert got["session"]["isLive"] is True
        assert got["attendance"]["userId"] == sent["participant"]["user"]["id"]
        assert got["attendance"]["userSessionId"] == sent["participant"]["user_session_id"]
        assert got["attendance"]["leaveTime"] is None

        rtk = stack.step("realtimekit", "join")
        got = event_for(lines, f"realtimekit:{rtk['deliveryId']}")
        sent = body_of(stack, rtk["deliveryId"])
        assert got["kind"] == "PARTICIPANT_JOINED"
        assert got["session"]["sessionId"] == sent["meeting"]["sessionId"]
        assert got["session"]["meetingTitle"] == sent["meeting"]["title"]
        assert got["attendance"]["participantId"] == sent["participant"]["peerId"]
        assert got["attendance"]["displayName"] == sent["participant"]["userDisplayName"]

        meet = stack.step("meet", "join")
        got = event_for(lines, f"meet:{meet['deliveryId']}")
        envelope = body_of(stack, meet["deliveryId"])
        name = orjson.loads(base64.b64decode(envelope["message"]["data"]))["participantSession"][
            "name"
        ]
        assert got["kind"] == "PARTICIPANT_JOINED"
        assert got["attendance"]["name"] == name
        assert got["session"]["name"] == "/".join(name.split("/")[:2])
        # Resolved through the loaders: the same answer a query gives for that node.
        node = graphql(
            stack.gateways[0],
            "query($id: ID!) { node(id: $id) { ... on ParticipantSession { displayName joinTime } } }",
            {"id": got["attendance"]["id"]},
        )
        assert got["attendance"]["displayName"] == node["node"]["displayName"]
        assert got["attendance"]["joinTime"] == node["node"]["joinTime"]


def test_a_bad_signature_and_a_replay_publish_nothing(stack: Stack) -> None:
    with ws_subscriber(
        stack.gateways[0], SUBSCRIPTION, {"filter": {"providers": ["STREAM_VIDEO"]}}, KEY
    ) as lines:
        until_subscribed(stack, lambda: len(events(lines)), upstream="stream")
        first = stack.step("stream", "join")
        event_for(lines, f"stream:{first['deliveryId']}")
        attempt = stack.delivered(first["deliveryId"])
        body = base64.b64decode(attempt["body_b64"])
        forged = httpx.post(
            f"{stack.gateways[0]}/webhooks/stream",
            content=body.replace(b"user", b"resu"),
            headers=attempt["headers"],
            timeout=10,
        )
        replay = httpx.post(
            f"{stack.gateways[1]}/webhooks/stream",
            content=body,
            headers=attempt["headers"],
            timeout=10,
        )
        last = stack.step("stream", "join")
        event_for(lines, f"stream:{last['deliveryId']}")
        ids = [e["id"] for e in events(lines)]
    assert forged.status_code == 401
    assert replay.status_code == 204  # acknowledged, so the upstream stops retrying
    assert ids.count(f"stream:{first['deliveryId']}") == 1  # across replicas, through Redis
    assert ids[-1] == f"stream:{last['deliveryId']}"


def test_a_webhook_to_replica_one_reaches_a_subscriber_on_replica_two(stack: Stack) -> None:
    with ws_subscriber(stack.gateways[1], SUBSCRIPTION, PUSHED, KEY) as lines:
        until_subscribed(stack, lambda: len(events(lines)))
        step = stack.step("realtimekit", "leave")
        got = event_for(lines, f"realtimekit:{step['deliveryId']}")
    assert stack.delivered(step["deliveryId"])["url"].startswith(stack.gateways[0])
    assert got["kind"] == "PARTICIPANT_LEFT"
    assert got["attendance"]["leaveTime"] is not None


def test_websocket_subscribers_need_the_api_key(stack: Stack) -> None:
    url = stack.gateways[0].replace("http://", "ws://") + "/graphql"
    script = str(JS / "live" / "subscribe.mjs")
    command = [node(), script, url, SUBSCRIPTION, orjson.dumps(PUSHED).decode(), "{}"]
    # Without the key the client is closed before any event; it prints why and exits.
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, cwd=JS)  # noqa: S603
    closed = messages(done.stdout.splitlines(), "closed")
    assert messages(done.stdout.splitlines(), "connected") == []
    assert [c["code"] for c in closed] == [4403]


def test_sse_from_a_plain_http_client(stack: Stack) -> None:
    received: list[dict[str, Any]] = []
    with (
        httpx.Client(timeout=30) as client,
        client.stream(
            "POST",
            f"{stack.gateways[1]}/graphql",
            json={"query": SUBSCRIPTION, "variables": PUSHED},
            headers={**KEY, "Accept": "text/event-stream"},
        ) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        step = stack.step("stream", "join")  # the stream is open: the subscription is registered
        for line in response.iter_lines():
            if line.startswith("data:") and len(line) > 6:
                received.append(orjson.loads(line[5:])["data"]["sessionEvents"])
                if received[-1]["id"] == f"stream:{step['deliveryId']}":
                    break
    assert received[-1]["attendance"]["userId"]


def test_multipart_subscriptions_from_a_plain_http_client(stack: Stack) -> None:
    accept = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json'  # Apollo Client's
    found = None
    with (
        httpx.Client(timeout=30) as client,
        client.stream(
            "POST",
            f"{stack.gateways[0]}/graphql",
            json={"query": SUBSCRIPTION, "variables": PUSHED},
            headers={**KEY, "Accept": accept},
        ) as response,
    ):
        assert response.headers["content-type"].startswith("multipart/mixed")
        step = stack.step("meet", "leave")
        for line in response.iter_lines():
            if line.startswith("{") and '"payload"' in line:
                payload = orjson.loads(line)["payload"]["data"]["sessionEvents"]
                if payload["id"] == f"meet:{step['deliveryId']}":
                    found = payload
                    break
    assert found is not None
    assert found["kind"] == "PARTICIPANT_LEFT"
    assert found["attendance"]["leaveTime"] is not None


def test_webhooks_register_calls_each_upstreams_registration_api(stack: Stack) -> None:
    # Last in this module: it moves the emulators' Stream and RealtimeKit targets to replica 2.
    env = gateway_env(stack.emulators, None)
    env["PATH"] = "/usr/bin:/bin"
    results = {}
    for upstream in ("stream", "realtimekit"):
        url = f"{stack.gateways[1]}/webhooks/{upstream}"
        done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
            [str(BIN), "webhooks", "register", upstream, "--url", url],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        results[upstream] = (done.returncode, done.stdout, done.stderr)
    stream_step = stack.step("stream", "join")
    rtk_step = stack.step("realtimekit", "join")
    assert results["stream"][0] == 0, results["stream"]
    assert results["realtimekit"][0] == 0, results["realtimekit"]
    assert (
        orjson.loads(results["stream"][1])["webhook_url"] == f"{stack.gateways[1]}/webhooks/stream"
    )
    assert (
        orjson.loads(results["realtimekit"][1])["url"]
        == f"{stack.gateways[1]}/webhooks/realtimekit"
    )
    assert (
        stack.delivered(stream_step["deliveryId"])["url"] == f"{stack.gateways[1]}/webhooks/stream"
    )
    assert (
        stack.delivered(rtk_step["deliveryId"])["url"]
        == f"{stack.gateways[1]}/webhooks/realtimekit"
    )
    assert stream_step["status"] == rtk_step["status"] == 204
    for secret in (
        env["SESSIONGRAPH_STREAM_API_SECRET"],
        env["SESSIONGRAPH_REALTIMEKIT_API_TOKEN"],
    ):
        assert secret not in results["stream"][1] + results["realtimekit"][1]

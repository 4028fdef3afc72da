"""graphql-transport-ws in-process (Starlette's TestClient): API key, and the slow-subscriber close."""

from __future__ import annotations

import time

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.live_transport import SLOW_SUBSCRIBER_CLOSE_CODE
from app.settings import Settings
from resolvers.errors import Provider
from resolvers.events import EventKind, NodeRef, SessionEvent
from resolvers.timestamps import Instant

QUERY = "subscription { sessionEvents(filter: {providers: [CLOUDFLARE_REALTIMEKIT]}) { id } }"


def event(n: int) -> SessionEvent:
    return SessionEvent(
        id=f"e{n}",
        kind=EventKind.SESSION_STARTED,
        provider=Provider.CLOUDFLARE_REALTIMEKIT,
        occurred_at=Instant.parse("2026-11-01T12:00:00Z"),
        session=NodeRef("RealtimeSession", f"s{n}"),
    )


def drain(ws: object) -> None:
    """Read messages until the server closes the socket (raises WebSocketDisconnect)."""
    for _ in range(100):
        ws.receive_json()  # type: ignore[attr-defined]


def wait_until(condition: object, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def test_a_subscriber_that_falls_behind_is_closed_with_the_slow_subscriber_code(
    settings: Settings, hub: EmulatorHub
) -> None:
    app = create_app(settings.model_copy(update={"subscription_queue_size": 2}), hub=hub)
    with (
        TestClient(app) as client,
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        fanout = app.state.runtime.live.broker.fanout
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": QUERY}})
        wait_until(lambda: client.portal.call(lambda: fanout.active) == 1)

        def burst() -> None:  # in the app's loop, in one go: the subscriber cannot keep up
            for n in range(5):
                fanout.deliver(event(n))

        client.portal.call(burst)
        with pytest.raises(WebSocketDisconnect) as closed:
            drain(ws)
    assert closed.value.code == SLOW_SUBSCRIBER_CLOSE_CODE


def test_the_api_key_may_come_in_the_connection_init_payload(
    settings: Settings, hub: EmulatorHub
) -> None:
    app = create_app(settings.model_copy(update={"api_keys": SecretStr("ws-key")}), hub=hub)
    with TestClient(app) as client:
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": {"X-API-Key": "wrong"}})
            with pytest.raises(WebSocketDisconnect) as refused:
                ws.receive_json()
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": {"X-API-Key": "ws-key"}})
            accepted = ws.receive_json()
        with client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers={"X-API-Key": "ws-key"}
        ) as ws:
            ws.send_json({"type": "connection_init", "payload": {}})
            by_header = ws.receive_json()
    assert refused.value.code == 4403
    assert accepted["type"] == "connection_ack"
    assert by_header["type"] == "connection_ack"

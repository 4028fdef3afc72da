"""Helpers for live-event tests: seeded ids to talk about, and waiting for published events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.applications import Starlette

from app.emulators.live.signing import WebhookRequest
from app.pubsub import Subscriber
from resolvers.errors import Provider
from resolvers.events import SessionEvent

ALL = frozenset(Provider)


@asynccontextmanager
async def published(app: Starlette) -> AsyncIterator[Subscriber]:
    """A raw subscriber on the app's fan-out: every event the receivers publish."""
    fanout = app.state.runtime.live.broker.fanout
    subscriber = fanout.subscribe(lambda event: True, ALL)
    try:
        yield subscriber
    finally:
        fanout.remove(subscriber)


async def next_event(subscriber: Subscriber) -> SessionEvent:
    """The subscriber's next event (bounded wait: a missing event fails, it never hangs)."""
    async with asyncio.timeout(5):
        event = await subscriber.queue.get()
    assert event is not None
    return event


async def post(
    client: httpx.AsyncClient, request: WebhookRequest, **overrides: Any
) -> httpx.Response:
    headers = {**request.headers, **overrides.pop("headers", {})}
    body = overrides.pop("body", request.body)
    return await client.post(f"/webhooks/{request.upstream}", content=body, headers=headers)


def stream_joined(
    call_type: str, call_id: str, session_id: str, user: str = "alice"
) -> dict[str, Any]:
    return {
        "type": "call.session_participant_joined",
        "created_at": "2026-11-01T12:00:05.142187951Z",
        "call_cid": f"{call_type}:{call_id}",
        "session_id": session_id,
        "participant": {
            "user": {"id": user, "name": user.title(), "custom": {}, "role": "user"},
            "user_session_id": f"{user}-session-1",
            "role": "user",
            "joined_at": "2026-11-01T12:00:05.142179098Z",
        },
    }


def realtimekit_joined(session_id: str, peer: str = "peer-1") -> dict[str, Any]:
    return {
        "event": "meeting.participantJoined",
        "meeting": {
            "id": "meeting-1",
            "sessionId": session_id,
            "title": "Weekly sync",
            "status": "LIVE",
            "createdAt": "2026-11-01T11:00:00.000Z",
            "startedAt": "2026-11-01T11:00:00.000Z",
            "organizedBy": {"id": "org-1", "name": "Example organization"},
        },
        "participant": {
            "peerId": peer,
            "userDisplayName": "Mary Sue",
            "customParticipantId": "user-123",
            "clientSpecificId": "user-123",
            "joinedAt": "2026-11-01T11:05:00.000Z",
        },
    }

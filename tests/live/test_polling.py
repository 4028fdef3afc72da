"""Vertex AI Search is polled: only while subscribed, changes become SESSION_STARTED/ENDED."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.settings import Settings
from app.webhooks.polling import DiscoveryPoller
from resolvers.discovery import models
from resolvers.events import Delivery, EventKind
from resolvers.timestamps import Instant

NOW = Instant.parse("2026-11-01T12:00:00Z")


def session(name: str, ended: bool = False) -> models.Session:
    return models.Session.model_validate(
        {
            "name": name,
            "startTime": "2026-11-01T11:00:00Z",
            **({"endTime": "2026-11-01T11:30:00Z"} if ended else {}),
        }
    )


async def test_rounds_after_the_first_report_new_and_ended_sessions() -> None:
    pages = [
        [session("s/1")],
        [session("s/1"), session("s/2")],
        [session("s/1", ended=True), session("s/2")],
        [session("s/1", ended=True), session("s/2")],
    ]
    published: list[Delivery] = []
    done = asyncio.Event()

    async def lister() -> list[models.Session]:
        page = pages.pop(0) if pages else []
        if not pages:
            done.set()
        return page

    async def publish(delivery: Delivery, provider: str) -> None:
        published.append(delivery)

    poller = DiscoveryPoller(lister, publish, interval=0, now=lambda: NOW)
    poller.ensure_running()
    async with asyncio.timeout(5):
        await done.wait()
    await poller.stop()
    kinds = [(e.kind, e.session.key) for d in published for e in d.events]
    assert kinds == [(EventKind.SESSION_STARTED, "s/2"), (EventKind.SESSION_ENDED, "s/1")]
    assert published[1].events[0].occurred_at == Instant.parse("2026-11-01T11:30:00Z")


@pytest.fixture
async def app(settings: Settings, fresh_hub: EmulatorHub) -> AsyncIterator[Starlette]:
    fast = settings.model_copy(update={"discovery_poll_interval": 0.05})
    application = create_app(fast, hub=fresh_hub)
    async with application.router.lifespan_context(application):
        yield application


async def test_polling_runs_only_while_someone_subscribes_and_a_new_conversation_is_started(
    app: Starlette, fresh_hub: EmulatorHub
) -> None:
    runtime = app.state.runtime
    poller = runtime.live.poller
    query = "subscription { sessionEvents(filter: {providers: [VERTEX_AI_SEARCH]}) { kind provider session { id ... on Conversation { displayName } } } }"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        fresh_hub.log.clear()
        stream = await runtime.schema.subscribe(query, context_value=runtime.context_for(None))
        first = asyncio.ensure_future(anext(stream))
        async with asyncio.timeout(5):
            await poller.round_done.wait()  # the baseline round is done
        created = await client.post(
            "/graphql",
            json={
                "query": 'mutation { createConversation(input: {displayName: "Polled into view"}) { conversation { id } errors { code } } }'
            },
        )
        conversation = created.json()["data"]["createConversation"]["conversation"]
        async with asyncio.timeout(5):
            result = await first
        await stream.aclose()
        assert not poller.running  # stopped with the last subscriber
    event = result.data["sessionEvents"]
    assert event == {
        "kind": "SESSION_STARTED",
        "provider": "VERTEX_AI_SEARCH",
        "session": {"id": conversation["id"], "displayName": "Polled into view"},
    }
    listed = [
        e
        for e in fresh_hub.log.entries("discovery")
        if e.method == "GET" and e.path.endswith("/sessions")
    ]
    assert listed
    assert all(e.param("orderBy") == "update_time desc" for e in listed)


async def test_no_poll_without_a_vertex_subscriber(app: Starlette, fresh_hub: EmulatorHub) -> None:
    runtime = app.state.runtime
    fresh_hub.log.clear()
    registered = asyncio.Event()
    runtime.live.broker.fanout.observe(lambda active: registered.set())
    query = "subscription { sessionEvents(filter: {providers: [STREAM_VIDEO]}) { id } }"
    stream = await runtime.schema.subscribe(query, context_value=runtime.context_for(None))
    first = asyncio.ensure_future(anext(stream))
    async with asyncio.timeout(5):
        await registered.wait()
    assert not runtime.live.poller.running
    first.cancel()
    assert fresh_hub.log.entries("discovery") == []

"""`sessiongraph_subscriptions_active` follows the subscriptions open on this replica."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.settings import Settings


@pytest.fixture
async def app(settings: Settings, hub: EmulatorHub) -> AsyncIterator[Starlette]:
    application = create_app(settings, hub=hub)
    async with application.router.lifespan_context(application):
        yield application


def gauge(text: str) -> float:
    line = next(
        row for row in text.splitlines() if row.startswith("sessiongraph_subscriptions_active ")
    )
    return float(line.split()[1])


async def test_the_gauge_counts_open_subscriptions(app: Starlette) -> None:
    runtime = app.state.runtime
    registered = asyncio.Event()
    runtime.live.broker.fanout.observe(lambda active: registered.set())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        before = gauge((await client.get("/metrics")).text)
        query = "subscription { sessionEvents(filter: {providers: [STREAM_VIDEO]}) { id } }"
        stream = await runtime.schema.subscribe(query, context_value=runtime.context_for(None))
        first = asyncio.ensure_future(anext(stream))
        async with asyncio.timeout(5):
            await registered.wait()
        during = gauge((await client.get("/metrics")).text)
        first.cancel()
        await asyncio.gather(first, return_exceptions=True)
        await stream.aclose()
        after = gauge((await client.get("/metrics")).text)
    assert (before, during, after) == (0, 1, 0)

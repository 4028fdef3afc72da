"""A configured upstream without its credentials gets a clear error, before any call."""

from __future__ import annotations

import httpx
import pytest

from app.asgi import create_app
from app.settings import Settings

QUERIES = {
    "STREAM_VIDEO": (
        "{ callSessions(first: 1) { nodes { callId } } }",
        "SESSIONGRAPH_STREAM_API_SECRET",
    ),
    "CLOUDFLARE_REALTIMEKIT": (
        "{ realtimeSessions(first: 1) { nodes { sessionId } } }",
        "SESSIONGRAPH_REALTIMEKIT_API_TOKEN",
    ),
}


@pytest.mark.parametrize("provider", sorted(QUERIES))
async def test_missing_server_credentials_are_named_not_sent(
    settings: Settings, provider: str
) -> None:
    # Port 9 (discard) on loopback: if the gateway tried to call it, the error would differ.
    unreachable = "http://127.0.0.1:9"
    configured = settings.model_copy(
        update={"stream_url": unreachable, "realtimekit_url": unreachable}
    )
    query, setting = QUERIES[provider]
    app = create_app(configured)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            body = (await client.post("/graphql", json={"query": query})).json()

    (error,) = body["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "provider": provider}
    assert setting in error["message"]

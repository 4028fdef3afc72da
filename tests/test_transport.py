"""Configured upstreams over real loopback sockets: failures keep their contract codes."""

from __future__ import annotations

import socket

import httpx
import pytest

from app.asgi import create_app
from app.settings import Settings

CALL = '{ callSession(callType: "default", callId: "a", sessionId: "b") { callId } }'


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens here any more


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_refused_connection_is_upstream_unavailable(transport: str) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        stream_url=f"http://127.0.0.1:{_closed_port()}",
        stream_api_key="key",  # type: ignore[arg-type]
        stream_api_secret="secret-0123456789-0123456789-0123456789",  # type: ignore[arg-type]
        upstream_transport=transport,  # type: ignore[arg-type]
        retry_base_delay=0.0,
        retry_max_delay=0.0,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        asgi = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=asgi, base_url="http://gateway") as client:
            body = (await client.post("/graphql", json={"query": CALL})).json()
    assert body["data"] == {"callSession": None}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["provider"] == "STREAM_VIDEO"

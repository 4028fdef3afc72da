"""CORS: off by default; with SESSIONGRAPH_CORS_ORIGINS, those origins (only) may call."""

from __future__ import annotations

import httpx

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.settings import Settings

PREFLIGHT = {
    "Origin": "https://app.example",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type,x-api-key",
}


async def _call(settings: Settings, hub: EmulatorHub) -> tuple[httpx.Response, httpx.Response]:
    app = create_app(settings, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            preflight = await c.options("/graphql", headers=PREFLIGHT)
            simple = await c.post(
                "/graphql",
                json={"query": "{ __typename }"},
                headers={"Origin": "https://app.example"},
            )
    return preflight, simple


async def test_cors_is_off_by_default(settings: Settings, hub: EmulatorHub) -> None:
    preflight, simple = await _call(settings, hub)
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_configured_origins_may_call(settings: Settings, hub: EmulatorHub) -> None:
    configured = settings.model_copy(
        update={"cors_origins": "https://other.example, https://app.example"}
    )
    preflight, simple = await _call(configured, hub)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
    assert simple.headers["access-control-allow-origin"] == "https://app.example"
    assert simple.headers["access-control-expose-headers"].lower() == "x-request-id"


async def test_other_origins_are_not_allowed(settings: Settings, hub: EmulatorHub) -> None:
    configured = settings.model_copy(update={"cors_origins": "https://other.example"})
    preflight, simple = await _call(configured, hub)
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in simple.headers

"""Fixtures for the cross-request cache: the real app with the cache on and a stepped clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.runtime import Runtime
from app.settings import Settings
from tests.conftest import GraphQL, _graphql_for

# The emulators' fixed "now" (2026-11-01T12:00:00Z): their data is dated around it.
EMULATOR_NOW = 1_793_534_400.0


class SteppedClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = EMULATOR_NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Gateway:
    """The app under test: its GraphQL runner, runtime and clock."""

    graphql: GraphQL
    runtime: Runtime
    clock: SteppedClock
    client: httpx.AsyncClient


@pytest.fixture
def cache_settings(settings: Settings) -> Settings:
    """The shared test settings with the cache at its documented defaults."""
    return settings.model_copy(update={"cache_ended_ttl": 86400.0, "cache_live_ttl": 5.0})


GatewayFactory = Callable[..., Awaitable[Gateway]]


@pytest.fixture
async def gateway_for(hub: EmulatorHub) -> AsyncIterator[Callable[..., Any]]:
    """Build gateways on `hub` (or another hub) with a stepped clock; closed after the test."""
    stack: list[tuple[Starlette, Any, httpx.AsyncClient]] = []

    async def build(settings: Settings, *, on: EmulatorHub | None = None) -> Gateway:
        app = create_app(settings, hub=on or hub)
        clock = SteppedClock()
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()  # the lifespan builds the runtime
        runtime: Runtime = app.state.runtime
        runtime.traffic.set_clock(clock)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")
        stack.append((app, lifespan, client))
        return Gateway(_graphql_for(client), runtime, clock, client)

    yield build
    for _app, lifespan, client in reversed(stack):
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


@pytest.fixture
async def gateway(gateway_for: Callable[..., Any], cache_settings: Settings) -> Gateway:
    """One gateway with the cache on (memory backend), on the shared `hub`."""
    built: Gateway = await gateway_for(cache_settings)
    return built

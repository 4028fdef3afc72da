"""Fixtures for the fault tests: a gateway with a short operation deadline."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator

import httpx
import pytest

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.settings import Settings

DEADLINE = 1.0


@pytest.fixture(autouse=True)
def _no_collector_pause_from_earlier_tests() -> None:
    """These tests run against a one-second deadline. The cyclic garbage earlier tests
    of the session leave (apps, hubs, generated examples) can make one full collection
    take about that long on a slow machine, and it may land inside a request (measured
    with gc.callbacks: 1.1 s for 199,239 objects, after tests/test_transport.py and the
    fuzz test). So it is collected before each test, and what survives is frozen: later
    collections skip it."""
    gc.collect()
    gc.freeze()


@pytest.fixture
def fault_settings(settings: Settings) -> Settings:
    """Retries as configured by default, a one-second deadline, a read timeout beyond it."""
    return settings.model_copy(update={"operation_timeout": DEADLINE, "read_timeout": 5.0})


@pytest.fixture
async def fault_client(
    fault_settings: Settings, hub: EmulatorHub
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(fault_settings, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client

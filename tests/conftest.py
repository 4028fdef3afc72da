"""Fixtures: the real gateway app over HTTP (in-process), on the real emulators.

`hub` is built once per session (seeding is the slow part) and reset before
every test: knobs off, request log empty. Tests that write to an emulator's data
use `fresh_hub` instead so they cannot disturb others.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Protocol

import httpx
import pytest

from app.asgi import create_app
from app.emulators import EmulatorConfig, EmulatorHub, build_hub
from app.settings import Settings


@pytest.fixture(scope="session")
def session_hub() -> EmulatorHub:
    return build_hub(EmulatorConfig())


@pytest.fixture
def hub(session_hub: EmulatorHub) -> Iterator[EmulatorHub]:
    session_hub.reset()
    yield session_hub
    session_hub.reset()


@pytest.fixture
def fresh_hub() -> EmulatorHub:
    return build_hub(EmulatorConfig())


@pytest.fixture
def settings() -> Settings:
    """Test settings: fixed cursor key, fast retries, no environment leaking in."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        cursor_secret="test-cursor-secret-0123456789",  # type: ignore[arg-type]
        retry_base_delay=0.0,
        retry_max_delay=0.0,
        read_timeout=2.0,
        # No cross-request cache: these tests count upstream calls per operation.
        # The cache has its own tests (tests/cache/), which turn it back on.
        cache_ended_ttl=0,
        cache_live_ttl=0,
    )


async def _client_for(settings: Settings, hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


@pytest.fixture
async def client(settings: Settings, hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client_for(settings, hub):
        yield c


class GraphQL(Protocol):
    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        expect_errors: bool = False,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]: ...


def _graphql_for(client: httpx.AsyncClient) -> GraphQL:
    async def run(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        expect_errors: bool = False,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if not expect_errors:
            assert "errors" not in body, body.get("errors")
            return body["data"]  # type: ignore[no-any-return]
        assert body.get("errors"), f"expected errors, got {body}"
        return body

    return run


@pytest.fixture
def graphql(client: httpx.AsyncClient) -> GraphQL:
    """POST a query; returns `data`, or the whole body when `expect_errors=True`."""
    return _graphql_for(client)


@pytest.fixture
async def fresh_graphql(settings: Settings, fresh_hub: EmulatorHub) -> AsyncIterator[GraphQL]:
    """Like `graphql`, on `fresh_hub` (for tests that write upstream data)."""
    async for c in _client_for(settings, fresh_hub):
        yield _graphql_for(c)


GraphQLFactory = Callable[..., Awaitable[dict[str, Any]]]

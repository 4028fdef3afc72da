"""Ground truth for Discovery tests: the emulator's own API, called directly (not via the gateway)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.discovery import DiscoveryEmulator
from app.emulators.discovery.seed import DEFAULT_PARENT

__all__ = ["AUTH", "DEFAULT_PARENT", "direct", "emulator", "get", "walk"]

AUTH = {"Authorization": f"Bearer {DEMO_CREDENTIALS.google_token}"}


def emulator(hub: EmulatorHub) -> DiscoveryEmulator:
    found = hub["discovery"]
    assert isinstance(found, DiscoveryEmulator)
    return found


@asynccontextmanager
async def direct(hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    """A client straight to the emulator, authenticated with the demo token."""
    transport = httpx.ASGITransport(app=hub["discovery"])
    async with httpx.AsyncClient(
        transport=transport, base_url="http://discovery", headers=AUTH
    ) as client:
        yield client


async def walk(
    hub: EmulatorHub, parent: str = DEFAULT_PARENT, size: int = 1000, **params: str
) -> list[dict[str, Any]]:
    """Every session of a listing, in upstream order (the log is cleared after)."""
    sessions: list[dict[str, Any]] = []
    async with direct(hub) as client:
        token: str | None = None
        while True:
            query = {"pageSize": str(size), **params, **({"pageToken": token} if token else {})}
            response = await client.get(f"/v1/{parent}/sessions", params=query)
            assert response.status_code == 200, response.text
            body = response.json()
            sessions.extend(body.get("sessions", []))
            token = body.get("nextPageToken")
            if not token:
                break
    hub.log.clear()
    return sessions


async def get(hub: EmulatorHub, name: str, *, details: bool = False) -> dict[str, Any] | None:
    async with direct(hub) as client:
        params = {"includeAnswerDetails": "true"} if details else {}
        response = await client.get(f"/v1/{name}", params=params)
    hub.log.clear()
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body

"""Ground truth for Meet tests: read the emulator's own API directly (not through the gateway)."""

from __future__ import annotations

from typing import Any

import httpx

from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS

AUTH = {"Authorization": f"Bearer {DEMO_CREDENTIALS.google_token}"}


async def walk(
    hub: EmulatorHub, path: str, field: str, params: dict[str, str] | None = None, size: int = 100
) -> list[dict[str, Any]]:
    """Every item of a Meet listing, in upstream order (direct calls; the log is cleared after)."""
    transport = httpx.ASGITransport(app=hub["meet"])
    items: list[dict[str, Any]] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://meet") as client:
        token: str | None = None
        while True:
            query = {"pageSize": str(size), **(params or {})}
            if token:
                query["pageToken"] = token
            response = await client.get(path, params=query, headers=AUTH)
            response.raise_for_status()
            body = response.json()
            items.extend(body.get(field, []))
            token = body.get("nextPageToken")
            if not token:
                break
    hub.log.clear()
    return items


async def get(hub: EmulatorHub, name: str) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=hub["meet"])
    async with httpx.AsyncClient(transport=transport, base_url="http://meet") as client:
        response = await client.get(f"/v2/{name}", headers=AUTH)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
    hub.log.clear()
    return body


def rounds(entries: list[Any]) -> int:
    """How many waves of calls: a call that starts after every call of the current wave
    has finished opens a new wave. Concurrent loads form one wave; N+1 loads form many."""
    waves = 0
    wave_end: float | None = None
    for entry in sorted(entries, key=lambda e: e.started):
        if wave_end is None or entry.started >= wave_end:
            waves += 1
            wave_end = entry.finished
        else:
            wave_end = max(wave_end, entry.finished)
    return waves

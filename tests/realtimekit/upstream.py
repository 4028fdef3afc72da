"""Ground truth for RealtimeKit tests: the emulator's own API, called directly (not via the gateway)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.realtimekit import RealtimeKitEmulator
from app.emulators.realtimekit.records import SessionRecord

AUTH = {"Authorization": f"Bearer {DEMO_CREDENTIALS.realtimekit_api_token}"}
PREFIX = (
    f"/client/v4/accounts/{DEMO_CREDENTIALS.realtimekit_account_id}"
    f"/realtime/kit/{DEMO_CREDENTIALS.realtimekit_app_id}"
)


def emulator(hub: EmulatorHub) -> RealtimeKitEmulator:
    found = hub["realtimekit"]
    assert isinstance(found, RealtimeKitEmulator)
    return found


@asynccontextmanager
async def direct(hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    """A client straight to the emulator (its calls land in the log: clear it after)."""
    transport = httpx.ASGITransport(app=emulator(hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://rtk") as client:
        yield client


async def get(hub: EmulatorHub, path: str, **params: Any) -> httpx.Response:
    async with direct(hub) as client:
        return await client.get(PREFIX + path, params=params, headers=AUTH)


def large_session(hub: EmulatorHub) -> SessionRecord:
    """The biggest seeded session (> 500 joins)."""
    return max(emulator(hub).dataset.sessions, key=lambda s: len(s.participants))


def session_with(hub: EmulatorHub, **flags: bool) -> SessionRecord:
    """The newest ended session whose chat/transcript/summary flags match `flags`."""
    for session in sorted(emulator(hub).dataset.sessions, key=lambda s: -s.started_ms):
        if session.ended_ms and all(getattr(session, k) == v for k, v in flags.items()):
            return session
    raise AssertionError(f"no seeded session with {flags}")


def sessions_newest_first(hub: EmulatorHub) -> list[SessionRecord]:
    return sorted(emulator(hub).dataset.sessions, key=lambda s: (s.started_ms, s.id), reverse=True)

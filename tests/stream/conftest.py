"""Stream fixtures: direct access to the emulator, its dataset and signed requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.stream import StreamEmulator
from app.emulators.stream.dataset import CallSessionRow, StreamDataset

KEY = DEMO_CREDENTIALS.stream_api_key
SECRET = DEMO_CREDENTIALS.stream_api_secret


def server_headers(token: str | None = None) -> dict[str, str]:
    token = token if token is not None else jwt.encode({"server": True}, SECRET, "HS256")
    return {"Stream-Auth-Type": "jwt", "Authorization": token}


@pytest.fixture
def stream(hub: EmulatorHub) -> StreamEmulator:
    emulator = hub["stream"]
    assert isinstance(emulator, StreamEmulator)
    return emulator


@pytest.fixture
def dataset(stream: StreamEmulator) -> StreamDataset:
    return stream.dataset


@pytest.fixture
def big_session(dataset: StreamDataset) -> CallSessionRow:
    """The largest session (more than 1,000 participant sessions, within retention)."""
    return max(dataset.sessions.values(), key=lambda s: len(s.participants))


@pytest.fixture
async def emu(hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    """The emulators over in-process HTTP, as an SDK would call them."""
    transport = httpx.ASGITransport(app=hub)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulators") as client:
        yield client


def session_vars(session: CallSessionRow) -> dict[str, Any]:
    return {"t": session.call_type, "i": session.call_id, "s": session.session_id}

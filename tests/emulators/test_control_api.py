"""The hub's `/_emulator/…` control API: knobs as JSON both ways, base knobs from the config."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.emulators import EmulatorConfig, EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.framework import FaultRule, RequestLog
from app.emulators.meet import MeetEmulator
from app.runtime import Runtime
from app.settings import Settings

DEFAULT_KNOBS = {
    "latency_ms": 0.0,
    "error_rate": 0.0,
    "error_status": 503,
    "hang_rate": 0.0,
    "hang_s": 30.0,
    "burst_429": 0,
    "retry_after": 1,
    "short_pages": False,
    "trailing_empty_page": False,
    "rules": [],
    "options": {},
}


@pytest.fixture
async def control(hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=hub)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        yield client


async def test_get_knobs_answers_the_current_knobs(
    control: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["stream"].knobs.rules.append(FaultRule(path_regex="call_stats", status=500, times=2))
    hub["stream"].knobs.options["rate_limits"] = {"GetCall": 5}

    meet = await control.get("/_emulator/knobs/meet")
    stream = await control.get("/_emulator/knobs/stream")
    unknown = await control.get("/_emulator/knobs/zoom")

    assert meet.json() == DEFAULT_KNOBS
    assert stream.json() == {
        **DEFAULT_KNOBS,
        "rules": [
            {
                "path_regex": "call_stats",
                "status": 500,
                "times": 2,
                "delay_s": 0.0,
                "retry_after": None,
                "method": None,
            }
        ],
        "options": {"rate_limits": {"GetCall": 5}},
    }
    assert unknown.status_code == 404


async def test_put_replaces_every_knob_and_get_reads_it_back(
    control: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["realtimekit"].knobs.latency_ms = 40.0
    body = {
        "burst_429": 2,
        "retry_after": 9,
        "rules": [{"path_regex": "/sessions$", "status": 503, "method": "GET"}],
        "options": {"participants_paging": "top"},
    }

    put = await control.put("/_emulator/knobs/realtimekit", json=body)
    got = (await control.get("/_emulator/knobs/realtimekit")).json()

    assert put.status_code == 204
    assert got["latency_ms"] == 0.0  # not in the body: back to its default
    assert (got["burst_429"], got["retry_after"], got["options"]) == (
        2,
        9,
        {"participants_paging": "top"},
    )
    assert got["rules"][0]["method"] == "GET"
    assert hub.log.entries() == []  # control calls are not upstream traffic


async def test_configured_latency_and_error_rate_are_the_knobs_reset_returns_to() -> None:
    config = EmulatorConfig(latency_ms=3.0, error_rate=1.0)
    log = RequestLog()
    meet = MeetEmulator(config, log)
    hub = EmulatorHub([meet], log)
    meet.knobs.error_rate = 0.0

    hub.reset()
    transport = httpx.ASGITransport(app=hub)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        knobs = (await client.get("/_emulator/knobs/meet")).json()
        failed = await client.get(
            "/v2/conferenceRecords",
            headers={"Authorization": f"Bearer {DEMO_CREDENTIALS.google_token}"},
        )

    assert (knobs["latency_ms"], knobs["error_rate"]) == (3.0, 1.0)
    assert failed.status_code == 503
    assert failed.json()["error"]["status"] == "UNAVAILABLE"
    assert [e.status for e in log.entries("meet")] == [503]


async def test_put_refuses_unknown_knobs_and_keeps_the_old_ones(
    control: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["meet"].knobs.burst_429 = 4

    unknown = await control.put("/_emulator/knobs/meet", json={"latency": 5})
    not_an_object = await control.put("/_emulator/knobs/meet", json=[1])
    bad_rule = await control.put("/_emulator/knobs/meet", json={"rules": [{"status": 500}]})

    assert [r.status_code for r in (unknown, not_an_object, bad_rule)] == [400, 400, 400]
    assert "latency" in unknown.json()["error"]
    assert hub["meet"].knobs.burst_429 == 4


async def test_the_gateway_builds_its_emulators_from_the_emulator_settings(
    settings: Settings,
) -> None:
    configured = settings.model_copy(
        update={"emulator_seed": 7, "emulator_latency_ms": 1.5, "emulator_error_rate": 0.25}
    )

    runtime = Runtime.create(configured)
    try:
        assert runtime.hub is not None
        knobs = {name: e.knobs for name, e in runtime.hub.emulators.items()}
        meet = runtime.hub["meet"]
        assert isinstance(meet, MeetEmulator)
        first = meet.dataset.conference_records()[0].name
    finally:
        await runtime.close()

    assert {(k.latency_ms, k.error_rate) for k in knobs.values()} == {(1.5, 0.25)}
    assert set(knobs) == {"live", "meet", "discovery", "realtimekit", "stream"}
    assert (
        first
        == MeetEmulator(EmulatorConfig(seed=7), RequestLog()).dataset.conference_records()[0].name
    )

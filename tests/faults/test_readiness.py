"""`/readyz` tells the truth: every upstream probed, at most every 30 s, its state named."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.framework import FaultRule
from app.readiness import Readiness
from app.settings import Settings
from tests.e2e.processes import free_port


@asynccontextmanager
async def _gateway(settings: Settings, hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


async def _states(client: httpx.AsyncClient) -> tuple[int, dict[str, str]]:
    response = await client.get("/readyz")
    body = response.json()
    return response.status_code, {n: u["state"] for n, u in body["upstreams"].items()}


async def test_an_upstream_failing_every_request_is_unreachable(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["meet"].knobs.error_rate, hub["meet"].knobs.error_status = 1.0, 500
    status, states = await _states(client)
    assert status == 503
    assert states == {
        "meet": "unreachable",
        "discovery": "ok",
        "realtimekit": "ok",
        "stream": "ok",
    }


async def test_refused_credentials_are_unauthenticated(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["realtimekit"].knobs.rules.append(FaultRule(path_regex=".", status=401))
    status, states = await _states(client)
    assert status == 503
    assert states["realtimekit"] == "unauthenticated"


async def test_a_closed_port_is_unreachable_and_missing_credentials_unauthenticated(
    settings: Settings, hub: EmulatorHub
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    configured = settings.model_copy(
        update={
            "stream_url": closed,
            "stream_api_key": DEMO_CREDENTIALS.stream_api_key,
            "stream_api_secret": DEMO_CREDENTIALS.stream_api_secret,
            "realtimekit_url": closed,  # and no RealtimeKit credentials at all
        }
    )
    async with _gateway(configured, hub) as client:
        status, states = await _states(client)
    assert status == 503
    assert states["stream"] == "unreachable"
    assert states["realtimekit"] == "unauthenticated"
    assert states["meet"] == "ok"


async def test_a_google_upstream_without_a_token_is_ready_when_it_answers_401(
    settings: Settings, hub: EmulatorHub
) -> None:
    # Where callers' tokens are forwarded the gateway holds none to test: any
    # well-formed answer of the upstream, a 401 included, means reachable.
    from app.runtime import Runtime  # noqa: PLC0415
    from resolvers.readiness import UpstreamState, check  # noqa: PLC0415
    from resolvers.registry import spec_named  # noqa: PLC0415

    runtime = Runtime.create(settings, hub)
    credentials = runtime.upstreams.credentials
    unauthenticated = type(credentials)(**{**credentials.__dict__, "meet_token": None})
    spec = spec_named("meet")
    try:
        state = await check(spec, runtime.upstreams.http[spec.provider], unauthenticated, within=2)
    finally:
        await runtime.close()
    assert state is UpstreamState.OK
    assert [e.status for e in hub.log.entries("meet")] == [401]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_answers_are_reused_for_the_interval_then_probed_again(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    app_state = client._transport.app.state  # type: ignore[attr-defined]
    clock = Clock()
    readiness = Readiness(app_state.runtime.upstreams, {}, interval=30, clock=clock)
    await readiness.report()
    probes = len(hub.log)
    assert probes == 4  # one cheap call per upstream
    clock.now += 29
    hub["meet"].knobs.error_rate, hub["meet"].knobs.error_status = 1.0, 500
    assert (await readiness.report()).ready
    assert len(hub.log) == probes
    clock.now += 1
    assert not (await readiness.report()).ready
    assert len(hub.log) == 2 * probes

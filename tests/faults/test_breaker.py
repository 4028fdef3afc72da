"""The circuit breaker: opens after repeated failures, fails fast, probes once after the cool-down."""

from __future__ import annotations

import httpx
import pytest

from app.emulators import EmulatorHub
from resolvers.breaker import BreakerPolicy, BreakerState, CircuitBreaker
from resolvers.errors import ErrorCode, GatewayError, Provider

GOOGLE = {"authorization": "Bearer sessiongraph-demo-google-token"}
FAILURE = GatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, "down", upstream_status=500)
NOT_FOUND = GatewayError(ErrorCode.NOT_FOUND, "no", upstream_status=404)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Changes:
    def __init__(self) -> None:
        self.seen: list[bool] = []

    def request_finished(self, *args: object) -> None:
        return None

    def cache_result(self, *args: object) -> None:
        return None

    def breaker_changed(self, provider: Provider, is_open: bool) -> None:
        self.seen.append(is_open)


def _breaker(clock: Clock, changes: Changes) -> CircuitBreaker:
    policy = BreakerPolicy(failure_threshold=3, cooldown=30.0)
    return CircuitBreaker(Provider.STREAM_VIDEO, policy, clock=clock, observer=changes)


def _fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.before_call()
        breaker.record(FAILURE)


def test_it_opens_after_the_threshold_and_fails_fast() -> None:
    clock, changes = Clock(), Changes()
    breaker = _breaker(clock, changes)
    _fail(breaker, 2)
    breaker.before_call()
    breaker.record(NOT_FOUND)  # an answer, not a failure: the count starts again
    _fail(breaker, 2)
    assert breaker.state is BreakerState.CLOSED
    _fail(breaker, 1)
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(GatewayError) as raised:
        breaker.before_call()
    assert raised.value.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert changes.seen == [True]


def test_after_the_cooldown_one_probe_goes_through_and_its_success_closes() -> None:
    clock, changes = Clock(), Changes()
    breaker = _breaker(clock, changes)
    _fail(breaker, 3)
    clock.now += 29.9
    with pytest.raises(GatewayError):
        breaker.before_call()
    clock.now += 0.1
    breaker.before_call()  # the probe
    with pytest.raises(GatewayError):
        breaker.before_call()  # others still fail fast while it is out
    breaker.record(None)
    assert breaker.state is BreakerState.CLOSED
    breaker.before_call()
    assert changes.seen == [True, False]


def test_a_failed_probe_opens_it_for_another_cooldown() -> None:
    clock, changes = Clock(), Changes()
    breaker = _breaker(clock, changes)
    _fail(breaker, 3)
    clock.now += 30
    breaker.before_call()
    breaker.record(FAILURE)
    assert breaker.state is BreakerState.OPEN
    clock.now += 29
    with pytest.raises(GatewayError):
        breaker.before_call()
    clock.now += 1
    breaker.before_call()
    assert changes.seen == [True]


def test_a_cancelled_probe_does_not_block_the_next_one() -> None:
    clock, changes = Clock(), Changes()
    breaker = _breaker(clock, changes)
    _fail(breaker, 3)
    clock.now += 30
    breaker.before_call()
    breaker.record(TimeoutError())
    breaker.before_call()  # a new probe may go


QUERY = """{ conferenceRecords(first: 1) { nodes { name } }
             realtimeSessions(first: 1) { nodes { sessionId } } }"""


async def test_an_open_breaker_fails_that_upstreams_fields_without_calling_it(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["meet"].knobs.error_rate, hub["meet"].knobs.error_status = 1.0, 500
    for _ in range(5):  # the default threshold; 500 is not retried on Meet
        await client.post("/graphql", json={"query": QUERY}, headers=GOOGLE)
    assert len(hub.log.entries("meet")) == 5
    hub.reset()

    body = (await client.post("/graphql", json={"query": QUERY}, headers=GOOGLE)).json()

    assert hub.log.entries("meet") == []
    assert body["data"]["conferenceRecords"] is None
    assert len(body["data"]["realtimeSessions"]["nodes"]) == 1
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["provider"] == "GOOGLE_MEET"
    ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["upstreams"]["meet"]["state"] == "breaker-open"
    assert ready.json()["upstreams"]["stream"]["state"] == "ok"

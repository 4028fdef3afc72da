"""One deadline per operation: every attempt and retry wait gets what is left of it."""

from __future__ import annotations

import asyncio

import httpx

from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule
from resolvers import deadline

GOOGLE = {"authorization": "Bearer sessiongraph-demo-google-token"}


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_the_deadline_counts_down_on_its_clock_and_ends_with_the_operation() -> None:
    clock = Clock()
    assert deadline.remaining() is None
    with deadline.operation_deadline(10, clock):
        clock.now += 4
        assert deadline.remaining() == 6
        clock.now += 7
        assert deadline.remaining() == 0
    assert deadline.remaining() is None


async def test_tasks_started_inside_the_operation_see_its_deadline() -> None:
    with deadline.operation_deadline(10):
        seen = await asyncio.create_task(asyncio.sleep(0, deadline.remaining()))
    assert seen is not None
    assert seen > 9


async def test_a_hung_upstream_with_retries_answers_timeout_by_the_deadline(
    fault_client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    # RealtimeKit reads retry 504 as well: without one deadline each attempt would
    # get a full read timeout (5 s here) and the field would take 15 s.
    hub["realtimekit"].knobs.rules.append(FaultRule(path_regex=".", status=0, delay_s=30.0))
    query = "{ realtimeSessions(first: 1) { nodes { sessionId } } callSessions(first: 1) { nodes { callId } } }"

    body = (await fault_client.post("/graphql", json={"query": query})).json()

    assert body["data"]["realtimeSessions"] is None
    assert len(body["data"]["callSessions"]["nodes"]) == 1
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_TIMEOUT"
    assert error["extensions"]["provider"] == "CLOUDFLARE_REALTIMEKIT"
    assert len(hub.log.entries("realtimekit")) == 1  # no retry started after the deadline


async def test_a_retry_wait_that_would_end_past_the_deadline_is_not_waited(
    fault_client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    # Retry-After: 1 is short enough to wait out normally, but not with under 1 s left.
    hub["realtimekit"].knobs.burst_429, hub["realtimekit"].knobs.retry_after = 5, 1
    query = "{ realtimeSessions(first: 1) { totalCount } }"

    body = (await fault_client.post("/graphql", json={"query": query})).json()

    [error] = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfterSeconds"] == 1
    assert len(hub.log.entries("realtimekit")) == 1


async def test_retries_within_the_deadline_still_happen(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["meet"].knobs.burst_429, hub["meet"].knobs.retry_after = 1, 0
    body = (
        await client.post(
            "/graphql",
            json={"query": "{ conferenceRecords(first: 1) { totalCount } }"},
            headers=GOOGLE,
        )
    ).json()
    assert "errors" not in body
    assert len(hub.log.entries("meet")) == 2

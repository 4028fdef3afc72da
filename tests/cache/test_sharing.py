"""In-flight sharing, and a Redis outage in the middle of a run."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.emulators import EmulatorHub
from app.settings import Settings
from tests.cache.conftest import GatewayFactory
from tests.cache.test_lifetimes import RECORD, _ended_record
from tests.e2e.redis_server import redis_server


async def test_ten_concurrent_identical_operations_make_one_call_per_distinct_read(
    gateway_for: GatewayFactory, cache_settings: Settings, hub: EmulatorHub
) -> None:
    # Nothing is kept: only sharing calls in flight can save upstream calls here.
    no_cache = cache_settings.model_copy(update={"cache_ended_ttl": 0.0, "cache_live_ttl": 0.0})
    record = _ended_record(hub)
    hub["meet"].knobs.latency_ms = 50  # every call stays in flight while the others start
    alone = await gateway_for(no_cache)
    expected = await alone.graphql(RECORD, {"name": record.name})
    distinct = {(e.path, repr(sorted(e.query.items()))) for e in hub.log.entries("meet")}
    assert len(hub.log.entries("meet")) == len(distinct)

    hub.log.clear()
    gateway = await gateway_for(no_cache)
    answers = await asyncio.gather(
        *(gateway.graphql(RECORD, {"name": record.name}) for _ in range(10))
    )
    assert answers == [expected] * 10
    assert len(hub.log.entries("meet")) == len(distinct)


@pytest.mark.e2e
async def test_queries_keep_answering_when_redis_goes_away(
    gateway_for: GatewayFactory,
    cache_settings: Settings,
    hub: EmulatorHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = _ended_record(hub)
    with redis_server() as url:
        gateway = await gateway_for(cache_settings.model_copy(update={"cache_url": url}))
        first = await gateway.graphql(RECORD, {"name": record.name})
        sent = len(hub.log.entries("meet"))
        hub.log.clear()
        assert await gateway.graphql(RECORD, {"name": record.name}) == first
        assert hub.log.entries("meet") == []  # answered from Redis
        assert _backend_samples(await gateway.client.get("/metrics")) == {
            ("sessiongraph_cache_backend_up", "redis"): 1,
            ("sessiongraph_cache_backend_failures_total", "redis"): 0,
        }
    # Redis has stopped: the same query is answered from Meet, without an error.
    with caplog.at_level(logging.WARNING, logger="sessiongraph"):
        assert await gateway.graphql(RECORD, {"name": record.name}) == first
        assert await gateway.graphql(RECORD, {"name": record.name}) == first
    assert len(hub.log.entries("meet")) == 2 * sent
    outage = [r.name for r in caplog.records if "Redis unavailable" in r.getMessage()]
    # One line each for the cache and the throttle when the outage starts, not one per call.
    assert sorted(outage) == ["sessiongraph.cache", "sessiongraph.throttle"]
    # ...and the outage shows in the metrics: backend down, its failed commands counted.
    samples = _backend_samples(await gateway.client.get("/metrics"))
    assert samples[("sessiongraph_cache_backend_up", "redis")] == 0
    assert samples[("sessiongraph_cache_backend_failures_total", "redis")] >= 2


def _backend_samples(response: httpx.Response) -> dict[tuple[str, str], float]:
    return {
        (s.name, s.labels["backend"]): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
        if s.name.startswith("sessiongraph_cache_backend_")
    }

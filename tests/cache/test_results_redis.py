"""Whole query answers on Redis: shared by two app instances, and a Redis outage mid-run."""

from __future__ import annotations

import logging

import pytest

from app.emulators import EmulatorHub
from app.result_cache import METRIC_PROVIDER
from app.settings import Settings
from tests.cache.conftest import GatewayFactory
from tests.cache.test_lifetimes import RECORD, _ended_record
from tests.cache.test_results import CACHE, RENAMED, _post, _samples, _value
from tests.discovery.test_mutations import CREATE, READ, UPDATE
from tests.e2e.redis_server import redis_server

pytestmark = pytest.mark.e2e


async def test_two_instances_share_answers_and_one_instances_mutation_ends_them(
    gateway_for: GatewayFactory, cache_settings: Settings, fresh_hub: EmulatorHub
) -> None:
    with redis_server() as url:
        shared = cache_settings.model_copy(update={"cache_url": url})
        first, second = (
            await gateway_for(shared, on=fresh_hub),
            await gateway_for(shared, on=fresh_hub),
        )
        variables = {"name": _ended_record(fresh_hub).name}
        computed = await _post(first, RECORD, variables)
        assert "errors" not in computed.json()

        fresh_hub.log.clear()
        served = await _post(second, RECORD, variables)
        assert served.content == computed.content
        assert fresh_hub.log.entries() == []
        samples = await _samples(second)
        assert _value(samples, CACHE, provider=METRIC_PROVIDER, result="hit") == 1
        assert _value(samples, CACHE, provider="GOOGLE_MEET") == 0  # nothing executed

        created = await first.graphql(
            CREATE, {"input": {"displayName": "Before", "userPseudoId": "u-redis"}}
        )
        name = created["createConversation"]["conversation"]["name"]
        await first.graphql(READ, {"name": name})
        before = await second.graphql(READ, {"name": name})
        assert before["conversation"]["displayName"] == "Before"

        await second.graphql(UPDATE, {"input": {"name": name, "displayName": "After"}})
        # The session is read again (stored anew under the same key) before the repeat.
        assert (await second.graphql(RENAMED, {"name": name}))["c"]["displayName"] == "After"
        fresh_hub.log.clear()
        after = await first.graphql(READ, {"name": name})
        assert after["conversation"]["displayName"] == "After"
        assert fresh_hub.log.entries() == []  # re-executed over the shared, re-stored entry


async def test_queries_keep_answering_when_redis_stops_under_the_result_cache(
    gateway_for: GatewayFactory,
    cache_settings: Settings,
    hub: EmulatorHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    variables = {"name": _ended_record(hub).name}
    with redis_server() as url:
        gateway = await gateway_for(cache_settings.model_copy(update={"cache_url": url}))
        first = await _post(gateway, RECORD, variables)
        sent = len(hub.log.entries("meet"))
        hub.log.clear()
        assert (await _post(gateway, RECORD, variables)).content == first.content
        assert hub.log.entries() == []
    # Redis has stopped: the query runs again, against Meet, and answers the same.
    with caplog.at_level(logging.WARNING, logger="sessiongraph"):
        assert (await _post(gateway, RECORD, variables)).content == first.content
        assert (await _post(gateway, RECORD, variables)).content == first.content
    assert len(hub.log.entries("meet")) == 2 * sent
    assert any("Redis unavailable" in r.getMessage() for r in caplog.records)
    samples = await _samples(gateway)
    assert _value(samples, CACHE, provider=METRIC_PROVIDER, result="unavailable") == 2

"""Whole query answers (the operation-result cache) over the in-process upstream cache.

Upstream calls come from the emulators' request log; that an answer was not
re-executed shows in the upstream cache's own hit counter, which does not move.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.framework.knobs import FaultRule
from app.emulators.meet.auth import SETTINGS_ONLY_TOKEN
from app.result_cache import METRIC_PROVIDER
from app.settings import Settings
from resolvers.cache.result_stores import MemoryResults
from tests.cache.conftest import Gateway, GatewayFactory
from tests.cache.test_isolation_and_invalidation import _bearer, _forwarding
from tests.cache.test_lifetimes import CALLS, HOUR, REALTIME, RECORD, _ended_record
from tests.discovery.test_mutations import CREATE, READ, UPDATE
from tests.realtimekit.upstream import emulator as realtimekit

WITH_ATTENDANCE = """query($name: String!) {
  conferenceRecord(name: $name) { name participants(first: 3) { nodes { name } } }
  callSessions(first: 3) { nodes { sessionId } }
}"""
RENAMED = "query($name: String!) { c: conversation(name: $name) { name displayName } }"


async def _post(
    gateway: Gateway, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    response = await gateway.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response


Samples = list[tuple[str, dict[str, str], float]]


async def _samples(gateway: Gateway) -> Samples:
    text = (await gateway.client.get("/metrics")).text
    return [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
    ]


def _value(samples: Samples, name: str, **labels: str) -> float:
    """The sample of `name` with these labels (0 when it was never counted)."""
    found = [v for n, have, v in samples if n == name and labels.items() <= have.items()]
    return sum(found)


def _store(gateway: Gateway) -> MemoryResults:
    assert gateway.runtime.results is not None
    store = gateway.runtime.results.cache.store
    assert isinstance(store, MemoryResults)
    return store


CACHE = "sessiongraph_upstream_cache_requests_total"


async def test_a_repeat_is_answered_whole_with_the_same_bytes_and_no_upstream_call(
    gateway: Gateway, hub: EmulatorHub, caplog: pytest.LogCaptureFixture
) -> None:
    name = _ended_record(hub).name
    named = "query Ended" + RECORD.removeprefix("query")
    first = await _post(gateway, named, {"name": name})
    assert "errors" not in first.json()
    assert hub.log.entries("meet")
    before = await _samples(gateway)

    hub.log.clear()
    with caplog.at_level(logging.INFO, logger="sessiongraph.access"):
        again = await _post(
            gateway,
            named,
            {"name": name},
            {"Accept": "application/graphql-response+json", "X-Request-Id": "repeat-1"},
        )

    assert again.content == first.content
    assert hub.log.entries() == []
    # Everything around the operation still happens: id, media type, log line, metrics.
    assert again.headers["x-request-id"] == "repeat-1"
    assert again.headers["content-type"] == "application/graphql-response+json"
    [line] = [r for r in caplog.records if getattr(r, "request_id", None) == "repeat-1"]
    assert line.__dict__["upstream_calls"] == 0
    assert line.__dict__["operation_name"] == "Ended"
    after = await _samples(gateway)
    operations = {"operation_name": "Ended", "outcome": "success"}
    assert _value(before, "sessiongraph_operations_total", **operations) == 1
    assert _value(after, "sessiongraph_operations_total", **operations) == 2
    assert _value(before, CACHE, provider=METRIC_PROVIDER, result="miss") == 1
    assert _value(after, CACHE, provider=METRIC_PROVIDER, result="hit") == 1
    # Not re-executed: the upstream cache was not even asked.
    meet_hits = {"provider": "GOOGLE_MEET", "result": "hit"}
    assert _value(after, CACHE, **meet_hits) == _value(before, CACHE, **meet_hits)


async def test_a_hit_still_has_its_operation_span(
    cache_settings: Settings, hub: EmulatorHub
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(cache_settings, hub=hub, tracer_provider=provider)
    query = "query Ended" + RECORD.removeprefix("query")
    variables = {"name": _ended_record(hub).name}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            first = await client.post("/graphql", json={"query": query, "variables": variables})
            assert len(exporter.get_finished_spans()) > 1  # the operation and its calls
            exporter.clear()
            again = await client.post("/graphql", json={"query": query, "variables": variables})
    assert again.content == first.content
    [span] = exporter.get_finished_spans()  # no upstream call, so no client span
    assert span.name == "query Ended"
    assert span.attributes is not None
    assert span.attributes["sessiongraph.outcome"] == "success"


async def test_different_google_tokens_never_share_an_answer(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    gateway = _forwarding(gateway)
    variables = {"name": _ended_record(hub).name}
    allowed = await _post(gateway, RECORD, variables, _bearer(DEMO_CREDENTIALS.google_token))
    assert "errors" not in allowed.json()

    hub.log.clear()
    other = await _post(gateway, RECORD, variables, _bearer(SETTINGS_ONLY_TOKEN))
    assert other.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert hub.log.entries("meet")  # asked of Meet itself, which refuses that token
    nobody = await _post(gateway, RECORD, variables)
    assert nobody.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    hub.log.clear()
    again = await _post(gateway, RECORD, variables, _bearer(DEMO_CREDENTIALS.google_token))
    assert again.content == allowed.content
    assert hub.log.entries() == []


async def test_a_mutation_ends_the_answers_computed_from_what_it_changed(
    gateway_for: GatewayFactory, cache_settings: Settings, fresh_hub: EmulatorHub
) -> None:
    gateway = await gateway_for(cache_settings, on=fresh_hub)
    created = await gateway.graphql(
        CREATE, {"input": {"displayName": "Before", "userPseudoId": "u-results"}}
    )
    name = created["createConversation"]["conversation"]["name"]
    await gateway.graphql(READ, {"name": name})
    fresh_hub.log.clear()
    assert (await gateway.graphql(READ, {"name": name}))["conversation"]["displayName"] == "Before"
    assert fresh_hub.log.entries() == []

    await gateway.graphql(UPDATE, {"input": {"name": name, "displayName": "After"}})
    # Another query reads the session again: the upstream entry is stored anew, under
    # the same key. The first answer was computed from the old one and is not served.
    assert (await gateway.graphql(RENAMED, {"name": name}))["c"]["displayName"] == "After"
    fresh_hub.log.clear()
    read = await gateway.graphql(READ, {"name": name})
    assert read["conversation"]["displayName"] == "After"
    assert fresh_hub.log.entries() == []  # re-executed over the re-stored upstream entry


async def test_an_answer_ends_when_the_ended_data_it_came_from_expires(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    variables = {"name": _ended_record(hub).name}
    first = await _post(gateway, RECORD, variables)
    sent = len(hub.log.entries("meet"))

    hub.log.clear()
    gateway.clock.advance(HOUR)
    assert (await _post(gateway, RECORD, variables)).content == first.content
    assert hub.log.entries() == []

    gateway.clock.advance(86400)  # past the ended TTL of every entry it was computed from
    assert (await _post(gateway, RECORD, variables)).content == first.content
    assert len(hub.log.entries("meet")) == sent


async def test_an_answer_over_live_data_lives_only_as_long_as_that_data(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    await gateway.graphql(CALLS)
    hub.log.clear()
    gateway.clock.advance(4)  # within the live TTL (5 s)
    await gateway.graphql(CALLS)
    assert hub.log.entries() == []

    gateway.clock.advance(2)  # past it
    await gateway.graphql(CALLS)
    assert hub.log.entries("stream")


async def test_an_answer_holding_a_download_link_ends_with_the_link(
    gateway: Gateway, hub: EmulatorHub
) -> None:
    session = next(s for s in realtimekit(hub).dataset.sessions if s.ended_ms and s.has_chat)
    first = await gateway.graphql(REALTIME, {"id": session.id})
    assert first["realtimeSession"]["chat"]["expiresAt"] == "2026-11-01T13:00:00Z"

    hub.log.clear()
    gateway.clock.advance(30 * 60)
    assert await gateway.graphql(REALTIME, {"id": session.id}) == first
    hit = {"provider": METRIC_PROVIDER, "result": "hit"}
    assert _value(await _samples(gateway), CACHE, **hit) == 1
    assert hub.log.entries() == []

    gateway.clock.advance(31 * 60)  # past the link's expiry: re-executed, the link asked again
    await gateway.graphql(REALTIME, {"id": session.id})
    assert [e.path.rsplit("/", 1)[-1] for e in hub.log.entries("realtimekit")] == ["chat"]
    assert _value(await _samples(gateway), CACHE, **hit) == 1


async def test_an_answer_with_errors_is_not_kept(gateway: Gateway, hub: EmulatorHub) -> None:
    variables = {"name": _ended_record(hub).name}
    hub["stream"].knobs.rules.append(FaultRule(path_regex="call", status=500))
    partial = (await _post(gateway, WITH_ATTENDANCE, variables)).json()
    assert partial["data"]["conferenceRecord"] is not None
    assert partial["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert len(_store(gateway)) == 0

    hub["stream"].knobs.rules.clear()
    hub.log.clear()
    complete = (await _post(gateway, WITH_ATTENDANCE, variables)).json()
    assert "errors" not in complete
    assert hub.log.entries("stream")  # re-executed: the failed part is asked again
    assert hub.log.entries("meet") == []  # the rest from the upstream cache
    assert len(_store(gateway)) == 1


async def test_a_read_that_is_not_kept_makes_the_answer_uncacheable(
    gateway_for: GatewayFactory, cache_settings: Settings, hub: EmulatorHub
) -> None:
    # Live data not kept at all (TTL 0), ended data kept: the calls list is live.
    gateway = await gateway_for(cache_settings.model_copy(update={"cache_live_ttl": 0.0}))
    await gateway.graphql(CALLS)
    hub.log.clear()
    await gateway.graphql(CALLS)
    assert hub.log.entries("stream")
    assert len(_store(gateway)) == 0


async def test_mutations_and_introspection_are_never_looked_up(
    gateway_for: GatewayFactory, cache_settings: Settings, fresh_hub: EmulatorHub
) -> None:
    gateway = await gateway_for(cache_settings, on=fresh_hub)
    for _ in range(2):
        await gateway.graphql(CREATE, {"input": {"displayName": "Twice", "userPseudoId": "u-m"}})
        await gateway.graphql("{ __schema { queryType { name } } }")
    creates = [e for e in fresh_hub.log.entries("discovery") if e.method == "POST"]
    assert len(creates) == 2
    samples = await _samples(gateway)
    assert _value(samples, CACHE, provider=METRIC_PROVIDER) == 0


async def test_the_result_cache_can_be_turned_off(
    gateway_for: GatewayFactory, cache_settings: Settings, hub: EmulatorHub
) -> None:
    gateway = await gateway_for(cache_settings.model_copy(update={"response_cache": False}))
    assert gateway.runtime.results is None
    variables = {"name": _ended_record(hub).name}
    await gateway.graphql(RECORD, variables)
    hub.log.clear()
    await gateway.graphql(RECORD, variables)
    assert hub.log.entries() == []  # the upstream cache still answers every read...
    samples = await _samples(gateway)
    assert _value(samples, CACHE, provider="GOOGLE_MEET", result="hit") >= 3  # ...executing it

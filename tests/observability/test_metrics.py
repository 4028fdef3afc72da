"""`GET /metrics`: each contract metric, with bounded labels and the right counts."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.observability import GatewayMetrics
from app.settings import Settings
from resolvers.errors import Provider
from tests.observability.conftest import NESTED


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_after_a_nested_query(client: httpx.AsyncClient, hub: EmulatorHub) -> None:
    response = await client.post("/graphql", json={"query": NESTED})
    assert "errors" not in response.json()
    meet_calls = hub.log.entries("meet")

    exposed = await client.get("/metrics")

    assert exposed.status_code == 200
    assert exposed.headers["content-type"].startswith("text/plain")
    samples = _samples(exposed.text)
    ops = ("sessiongraph_operations_total", (("operation_name", "Records"), ("outcome", "success")))
    assert samples[ops] == 1
    assert samples[("sessiongraph_operation_duration_seconds_count", ())] == 1
    upstream = (
        "sessiongraph_upstream_requests_total",
        (("provider", "GOOGLE_MEET"), ("status", "200")),
    )
    assert len(meet_calls) == 3  # the records page, then one participants page per record
    assert samples[upstream] == 3
    duration = (
        "sessiongraph_upstream_request_duration_seconds_count",
        (("provider", "GOOGLE_MEET"),),
    )
    assert samples[duration] == 3
    for provider in Provider:
        assert samples[("sessiongraph_upstream_breaker_open", (("provider", provider.value),))] == 0
    assert samples[("sessiongraph_subscriptions_active", ())] == 0
    names = {f.name for f in text_string_to_metric_families(exposed.text)}
    assert "sessiongraph_upstream_cache_requests" in names


async def test_upstream_errors_are_counted_by_status(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["meet"].knobs.error_rate = 1.0
    hub["meet"].knobs.error_status = 503

    body = (await client.post("/graphql", json={"query": NESTED})).json()

    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    samples = _samples((await client.get("/metrics")).text)
    attempts = len(hub.log.entries("meet"))
    assert attempts == 3  # the retry policy's three attempts
    key = ("sessiongraph_upstream_requests_total", (("provider", "GOOGLE_MEET"), ("status", "503")))
    assert samples[key] == attempts
    op = ("sessiongraph_operations_total", (("operation_name", "Records"), ("outcome", "error")))
    assert samples[op] == 1


async def test_timeouts_are_counted_as_timeout(settings: Settings, hub: EmulatorHub) -> None:
    hub["meet"].knobs.latency_ms = 400
    quick = settings.model_copy(update={"read_timeout": 0.05, "retry_attempts": 1})
    app = create_app(quick, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            body = (await c.post("/graphql", json={"query": NESTED})).json()
            samples = _samples((await c.get("/metrics")).text)
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_TIMEOUT"
    key = (
        "sessiongraph_upstream_requests_total",
        (("provider", "GOOGLE_MEET"), ("status", "timeout")),
    )
    assert samples[key] == 1


async def test_operation_names_are_bounded(client: httpx.AsyncClient) -> None:
    for i in range(3):
        await client.post("/graphql", json={"query": f"query Q{i} {{ __typename }}"})
    await client.post("/graphql", json={"query": "{ __typename }"})
    # Not a document: its operationName is client text, never a label.
    await client.post("/graphql", json={"query": "query {", "operationName": "Evil/123"})

    samples = _samples((await client.get("/metrics")).text)

    names = {
        dict(k[1])["operation_name"] for k in samples if k[0] == "sessiongraph_operations_total"
    }
    assert names == {"Q0", "Q1", "Q2", "anonymous"}


def test_operation_label_caps_distinct_names() -> None:
    metrics = GatewayMetrics(max_operation_names=2)
    labels = [metrics.operation_label(n) for n in ("A", "B", "C", "A", None)]
    assert labels == ["A", "B", "other", "A", "anonymous"]


def test_cache_breaker_and_subscription_hooks() -> None:
    metrics = GatewayMetrics()
    metrics.record_cache(Provider.STREAM_VIDEO, "hit")
    metrics.record_cache(Provider.STREAM_VIDEO, "shared")
    metrics.set_breaker_open(Provider.CLOUDFLARE_REALTIMEKIT, True)
    metrics.subscription_started()
    metrics.subscription_started()
    metrics.subscription_ended()

    samples = _samples(metrics.exposition().decode())

    cache = "sessiongraph_upstream_cache_requests_total"
    assert samples[(cache, (("provider", "STREAM_VIDEO"), ("result", "hit")))] == 1
    assert samples[(cache, (("provider", "STREAM_VIDEO"), ("result", "shared")))] == 1
    breaker = "sessiongraph_upstream_breaker_open"
    assert samples[(breaker, (("provider", "CLOUDFLARE_REALTIMEKIT"),))] == 1
    assert samples[("sessiongraph_subscriptions_active", ())] == 1


async def test_apps_keep_separate_registries(settings: Settings, hub: EmulatorHub) -> None:
    first, second = create_app(settings, hub=hub), create_app(settings, hub=hub)
    async with first.router.lifespan_context(first):
        transport = httpx.ASGITransport(app=first)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            await c.post("/graphql", json={"query": "query One { __typename }"})
    assert second.state.observability.metrics.operations.collect()[0].samples == []


async def test_metrics_can_be_turned_off(settings: Settings, hub: EmulatorHub) -> None:
    app = create_app(settings.model_copy(update={"metrics_enabled": False}), hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            assert (await c.get("/metrics")).status_code == 404
            assert (await c.post("/graphql", json={"query": "{ __typename }"})).status_code == 200

"""OpenTelemetry: an operation span parenting one client span per upstream attempt."""

from __future__ import annotations

import httpx
import pytest
from opentelemetry import baggage, propagate
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    StatusCode,
    set_span_in_context,
)

from app.emulators import EmulatorHub
from app.observability.routes import route_template
from app.observability.tracing import Tracing, batch_sizes, tracer_provider_from_env
from app.settings import Settings
from resolvers.errors import Provider
from tests.observability.conftest import NESTED, Traced, traced_app

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


async def test_nested_query_trace(traced: Traced, hub: EmulatorHub) -> None:
    headers = {"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"}

    response = await traced.client.post("/graphql", json={"query": NESTED}, headers=headers)

    assert "errors" not in response.json()
    spans = traced.spans.get_finished_spans()
    [operation] = [s for s in spans if s.name == "query Records"]
    upstream = [s for s in spans if s is not operation]
    calls = hub.log.entries("meet")
    assert len(calls) == len(upstream) == 3
    # The caller's trace is continued: same trace id, the caller's span is the parent.
    assert operation.context is not None
    assert f"{operation.context.trace_id:032x}" == CALLER_TRACE
    assert operation.parent is not None
    assert f"{operation.parent.span_id:016x}" == CALLER_SPAN
    assert operation.attributes == {
        "graphql.operation.name": "Records",
        "graphql.operation.type": "query",
        "sessiongraph.outcome": "success",
    }
    for span in upstream:
        assert span.parent is not None
        assert span.parent.span_id == operation.context.span_id
        assert span.attributes is not None
        assert span.attributes["sessiongraph.provider"] == "GOOGLE_MEET"
        assert span.attributes["http.response.status_code"] == 200
        assert span.attributes["http.request.resend_count"] == 0
    templates = sorted(str(s.attributes["url.template"]) for s in upstream if s.attributes)
    assert templates == [
        "/v2/conferenceRecords",
        "/v2/conferenceRecords/{id}/participants",
        "/v2/conferenceRecords/{id}/participants",
    ]
    # Each upstream request carried the trace id, with its own client span as parent.
    client_spans = {f"{s.context.span_id:016x}" for s in upstream if s.context}
    for call in calls:
        version, trace_id, parent, _flags = call.headers["traceparent"].split("-")
        assert (version, trace_id) == ("00", CALLER_TRACE)
        assert parent in client_spans


async def test_retries_are_one_span_each_with_their_resend_count(
    traced: Traced, hub: EmulatorHub
) -> None:
    hub["meet"].knobs.burst_429 = 1
    hub["meet"].knobs.retry_after = 0

    await traced.client.post(
        "/graphql",
        json={"query": "query One { conferenceRecords(first: 1) { edges { node { name } } } }"},
    )

    upstream = [s for s in traced.spans.get_finished_spans() if s.name.startswith("GET")]
    attrs = [(s.attributes or {}) for s in upstream]
    assert [(a["http.response.status_code"], a["http.request.resend_count"]) for a in attrs] == [
        (429, 0),
        (200, 1),
    ]
    assert attrs[0]["error.type"] == "429"


async def test_a_failed_operation_span_says_so(traced: Traced) -> None:
    await traced.client.post("/graphql", json={"query": "query Broken { nope }"})

    [span] = traced.spans.get_finished_spans()
    assert span.name == "query Broken"
    assert span.kind is SpanKind.SERVER
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["sessiongraph.outcome"] == "error"


async def test_a_root_operation_span_starts_a_trace_of_its_own(
    traced: Traced, hub: EmulatorHub
) -> None:
    await traced.client.post("/graphql", json={"query": NESTED})
    await traced.client.post("/graphql", json={"query": NESTED})

    operations = [s for s in traced.spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert [s.name for s in operations] == ["query Records"] * 2
    assert all(s.parent is None for s in operations)
    assert all(s.status.status_code is StatusCode.UNSET for s in operations)
    traces = {f"{s.context.trace_id:032x}" for s in operations if s.context}
    assert len(traces) == 2
    # Sampled, and the SDK's id generator made the trace id (random): flags 03.
    sent = {c.headers["traceparent"] for c in hub.log.entries("meet")}
    assert {(p.split("-")[1], p.split("-")[3]) for p in sent} == {(t, "03") for t in traces}


async def test_operation_span_attributes_keep_the_sdk_limits(
    settings: Settings, hub: EmulatorHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "6")
    query = "query AVeryLongOperationName { __typename }"

    async with traced_app(settings, hub) as traced:
        await traced.client.post("/graphql", json={"query": query})

    [span] = traced.spans.get_finished_spans()
    assert span.name == "query AVeryLongOperationName"
    assert span.attributes is not None
    assert span.attributes["graphql.operation.name"] == "AVeryL"


async def test_untraced_app_sends_no_traceparent(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    headers = {"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"}

    await client.post("/graphql", json={"query": NESTED}, headers=headers)

    assert [c.headers.get("traceparent") for c in hub.log.entries("meet")] == [None] * 3


@pytest.mark.parametrize(
    ("env", "on"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        (
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
                "OTEL_TRACES_EXPORTER": "none",
            },
            False,
        ),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"},
            False,
        ),
    ],
)
def test_tracing_follows_the_standard_variables(env: dict[str, str], on: bool) -> None:
    provider = tracer_provider_from_env(env)
    assert (provider is not None) == on
    if provider is not None:
        provider.shutdown()


@pytest.mark.parametrize(
    ("provider", "path", "template"),
    [
        (
            Provider.GOOGLE_MEET,
            "/v2/conferenceRecords/abc-1/participants/p9",
            "/v2/conferenceRecords/{id}/participants/{id}",
        ),
        (
            Provider.VERTEX_AI_SEARCH,
            "/v1/projects/p/locations/global/collections/c/engines/e/sessions/s1",
            "/v1/projects/{id}/locations/{id}/collections/{id}/engines/{id}/sessions/{id}",
        ),
        (
            Provider.CLOUDFLARE_REALTIMEKIT,
            "/client/v4/accounts/a1/realtime/kit/app2/sessions/s3/participants",
            "/client/v4/accounts/{id}/realtime/kit/{id}/sessions/{id}/participants",
        ),
        (
            Provider.STREAM_VIDEO,
            "/video/call/default/c1/session/s2/participant_sessions",
            "/video/call/{id}/{id}/session/{id}/participant_sessions",
        ),
    ],
)
def test_route_templates_drop_every_id(provider: Provider, path: str, template: str) -> None:
    assert route_template(provider, path) == template


async def test_a_timed_out_attempt_is_an_error_span_without_a_status(
    settings: Settings, hub: EmulatorHub
) -> None:
    hub["meet"].knobs.latency_ms = 400
    quick = settings.model_copy(update={"read_timeout": 0.05, "retry_attempts": 1})

    async with traced_app(quick, hub) as traced:
        await traced.client.post("/graphql", json={"query": NESTED})

    [upstream] = [s for s in traced.spans.get_finished_spans() if s.name.startswith("GET ")]
    assert upstream.attributes is not None
    assert upstream.attributes["error.type"] == "timeout"
    assert "http.response.status_code" not in upstream.attributes
    assert upstream.status.status_code is StatusCode.ERROR


@pytest.mark.parametrize(
    ("env", "queue", "batch"),
    [
        ({}, 8192, 2048),
        ({"OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "100"}, 8192, 100),
        ({"OTEL_BSP_MAX_QUEUE_SIZE": "1000"}, 1000, 1000),
        ({"OTEL_BSP_MAX_QUEUE_SIZE": "4096", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "4096"}, 4096, 4096),
        ({"OTEL_BSP_MAX_QUEUE_SIZE": "lots"}, 8192, 2048),
    ],
)
def test_batch_sizes_follow_the_standard_variables(
    env: dict[str, str], queue: int, batch: int
) -> None:
    assert batch_sizes(env) == (queue, batch)


def test_no_trace_headers_attach_nothing_only_when_nothing_would_change() -> None:
    tracing = Tracing(TracerProvider())
    # No trace header, nothing current: extract would attach an empty context over an
    # empty one, so nothing is attached.
    assert tracing.continue_from({"accept": "application/json"}) is None
    assert not otel_context.get_current()
    # Something current (an outer instrumentation's span): the request still starts a
    # trace of its own, as `extract` says.
    outer = SpanContext(int(CALLER_TRACE, 16), int(CALLER_SPAN, 16), is_remote=True)
    outer_token = otel_context.attach(set_span_in_context(NonRecordingSpan(outer)))
    token = tracing.continue_from({})
    assert token is not None
    assert not otel_context.get_current()
    Tracing.detach(token)
    otel_context.detach(outer_token)
    # Baggage alone is continued.
    token = tracing.continue_from({"baggage": "tenant=t1"})
    assert token is not None
    assert baggage.get_baggage("tenant") == "t1"
    Tracing.detach(token)

    # A propagator reading other headers always gets to extract.
    class Other:
        fields = frozenset({"x-other-trace"})

        def extract(self, carrier: object, context: object = None, getter: object = None) -> object:
            return baggage.set_baggage("seen", "yes", context)  # type: ignore[arg-type]

        def inject(self, carrier: object, context: object = None, setter: object = None) -> None:
            return None

    saved = propagate.get_global_textmap()
    propagate.set_global_textmap(Other())  # type: ignore[arg-type]
    try:
        token = tracing.continue_from({})
        assert token is not None
        assert baggage.get_baggage("seen") == "yes"
        Tracing.detach(token)
    finally:
        propagate.set_global_textmap(saved)

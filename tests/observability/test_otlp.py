"""Our OTLP encoder writes the reference encoder's bytes; the exporter sends them."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from opentelemetry import context as otel_context
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as reference
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Sampler
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    SpanKind,
    Status,
    StatusCode,
    set_span_in_context,
)
from opentelemetry.util.types import AttributeValue

from app.observability.export import OTLPWireExporter
from app.observability.otlp import encode_spans
from app.observability.spans import CallShape, ClientSpan
from app.observability.tracing import Tracing
from app.observability.wire import ClientRecord, readable_spans
from tests.e2e.otlp_receiver import otlp_receiver
from tests.observability.records import REMOTE, Records, Tagging, assert_encoded_as_their_spans

UNSET, ERROR = Status(StatusCode.UNSET), Status(StatusCode.ERROR)
VALUES = {
    "s": "x",
    "empty": "",
    "yes": True,
    "no": False,
    "one": 1,
    "negative": -5,
    "zero": 0.0,
    "minus_zero": -0.0,
    "pi": 3.25,
    "big": 2**62,
    "strings": ("a", "b"),
    "ints": (1, -2),
    "bools": (True,),
}


def _provider(**resource: str) -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create(resource))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def _every_kind_of_span() -> list[ReadableSpan]:
    provider, exporter = _provider(**{"service.name": "a"})
    other, other_exporter = _provider(**{"service.name": "b"})
    tracer = provider.get_tracer("first", "1.0", schema_url="https://example.test/schema")
    plain = provider.get_tracer("second")
    remote = set_span_in_context(NonRecordingSpan(REMOTE))
    with tracer.start_as_current_span(
        "root",
        context=remote,
        kind=SpanKind.SERVER,
        attributes=VALUES,
        links=[Link(REMOTE, {"l": 1})],
    ) as root:
        root.add_event("event", {"at": 1.5})
        root.add_event("bare")
        root.set_status(Status(StatusCode.ERROR, "broken"))
        with plain.start_as_current_span("child", kind=SpanKind.CLIENT) as child:
            child.set_attribute("http.response.status_code", 200)
            child.set_status(Status(StatusCode.OK))
        with tracer.start_as_current_span(""):
            pass
        # 1 and True, 0.0 and -0.0 under one key: equal in Python, not in protobuf.
        for value in (1, True, 0.0, -0.0):
            with plain.start_as_current_span("same key", attributes={"v": value}):
                pass
    with other.get_tracer("first").start_as_current_span("elsewhere"):
        pass
    spans = [*exporter.get_finished_spans(), *other_exporter.get_finished_spans()]
    # Interleaved: spans of one resource and scope need not arrive together.
    return [spans[-1], *spans[:-1], spans[0]]


def _ending(label: str) -> tuple[dict[str, AttributeValue], Status]:
    return {"http.response.status_code": int(label)}, ERROR if int(label) >= 400 else UNSET


def _client_spans(sampler: Sampler | None = None) -> list[ReadableSpan]:
    provider, exporter = _provider()
    if sampler is not None:
        provider = TracerProvider(sampler=sampler)
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider)
    assert tracing.client_spans is not None
    shape = CallShape(
        "GET /v2/things/{id}",
        {"http.request.method": "GET", "url.template": "/v2/things/{id}"},
        _ending,
    )
    # Children of a local operation span, then of a remote parent with a trace state.
    for parent in (tracing.tracer.start_span("operation"), NonRecordingSpan(REMOTE)):
        token = otel_context.attach(set_span_in_context(parent))
        try:
            for status in ("200", "200", "503", "200"):
                span, _ = tracing.client_spans.start(shape, ClientSpan)
                assert span is not None
                span.end(status)
        finally:
            otel_context.detach(token)
    return list(exporter.get_finished_spans())


@pytest.mark.parametrize(
    "make", [_every_kind_of_span, _client_spans, lambda: _client_spans(Tagging())]
)
def test_the_bytes_are_the_reference_encoders(make: Callable[[], list[ReadableSpan]]) -> None:
    spans = make()

    expected = reference(spans).SerializeToString()

    assert encode_spans(spans) == expected
    assert encode_spans(spans) == expected  # again, from what it remembered


def test_an_attribute_protobuf_cannot_hold_is_left_out_like_the_reference_does(
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider, exporter = _provider()
    with provider.get_tracer("t").start_as_current_span("s", attributes={"huge": 2**64, "ok": 1}):
        pass
    spans = exporter.get_finished_spans()

    with caplog.at_level(logging.ERROR):
        ours = encode_spans(spans)

    assert ours == reference(spans).SerializeToString()
    assert "huge" in caplog.text


def test_the_exporter_sends_our_bytes_to_an_otlp_receiver() -> None:
    spans = _client_spans()
    with otlp_receiver() as (endpoint, received):
        exporter = OTLPWireExporter(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces"))
        # It reaches the SDK client to send bytes; a version without one must be noticed.
        assert exporter.encodes_itself

        result = exporter.export(spans)
        got = received.wait_for(lambda s: len(s) == len(spans))
        exporter.shutdown()

    assert result is SpanExportResult.SUCCESS
    assert [s.name for s in got] == ["GET /v2/things/{id}"] * 8
    assert [s.attributes[-1].value.int_value for s in got] == [200, 200, 503, 200] * 2


def _client_records() -> list[ReadableSpan | ClientRecord]:
    """`_client_spans`' calls, with the batch processor alone: queued as records."""
    exporter = Records()
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    tracing = Tracing(provider)
    assert tracing.client_spans is not None
    shape = CallShape(
        "GET /v2/things/{id}",
        {"http.request.method": "GET", "url.template": "/v2/things/{id}"},
        _ending,
    )
    for parent in (tracing.tracer.start_span("operation"), NonRecordingSpan(REMOTE)):
        token = otel_context.attach(set_span_in_context(parent))
        try:
            for status in ("200", "503", "200"):
                span, _ = tracing.client_spans.start(shape, ClientSpan)
                assert span is not None
                span.end(status)
        finally:
            otel_context.detach(token)
    provider.shutdown()
    return exporter.batch


def test_client_records_encode_as_the_spans_they_stand_for() -> None:
    records = _client_records()
    assert len(records) == 6
    assert_encoded_as_their_spans(records)


def test_client_records_stand_for_what_a_plain_processor_gets() -> None:
    def fields(span: ReadableSpan) -> tuple[object, ...]:
        parent = span.parent
        assert span.context is not None
        assert parent is not None
        state = span.context.trace_state.to_header()
        return span.name, dict(span.attributes or {}), span.status.status_code, span.kind, (
            parent.is_remote, state, span.context.trace_flags, span.end_time is not None
        )  # fmt: skip

    plain = [s for i, s in enumerate(_client_spans()) if i % 4 != 1]  # its extra 200s
    records = readable_spans(_client_records())

    assert [fields(s) for s in records] == [fields(s) for s in plain]


def test_the_exporter_sends_records_through_the_sdk_encoder_too() -> None:
    records = _client_records()
    with otlp_receiver() as (endpoint, received):
        exporter = OTLPWireExporter(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces"))
        exporter._send = None  # as with an SDK whose client it cannot reach
        result = exporter.export(records)
        got = received.wait_for(lambda s: len(s) == len(records))
        exporter.shutdown()

    assert result is SpanExportResult.SUCCESS
    assert [s.name for s in got] == ["GET /v2/things/{id}"] * 6

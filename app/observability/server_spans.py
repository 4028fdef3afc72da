"""The operation's SERVER span, made the way the client spans are (`spans.py`).

An SDK span costs its start (a lock, limits, event and link lists, the
processors' `on_start`), every `set_attribute` and its end (a copy into a
`ReadableSpan`): about 1,200 bytecodes an operation. The operation span's name
and attributes are only known at its end, and nothing but its children reads it
meanwhile: so the tracer's sampler decides and its id generator names it at the
start, its children see it as the current span (a `NonRecordingSpan` of its
context, which is all they read of a parent), and at the end it is written once,
as the finished span the processors get at `on_end` (the SDK's processors do
nothing at `on_start`, which is not called). Its attributes are bounded by the
`OTEL_*ATTRIBUTE*_LIMIT` variables as an SDK span's are.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import getrandbits
from time import time_ns

from opentelemetry import context as otel_context
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.sdk.trace import ReadableSpan, SpanLimits, sampling
from opentelemetry.sdk.trace import Tracer as SdkTracer
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    TraceState,
    get_current_span,
    set_span_in_context,
)
from opentelemetry.util.types import AttributeValue

from app.observability.sdk_internals import context_getter, make_span_context
from app.observability.spans import TRACE_FLAGS, ClientSpans

__all__ = ["OperationSpan", "OperationSpans"]

_NO_STATE = TraceState()  # what SpanContext() puts for a None trace state (a root's)
_SAMPLED = sampling.Decision.RECORD_AND_SAMPLE
_DROP = sampling.Decision.DROP
_OURS = 3  # attributes an operation span gets (name, type, outcome)
_NAME = "graphql.operation"  # what the sampler sees: the name at the start, as with the SDK


class OperationSpans:
    """Makes the operation spans of one SDK tracer (handed over as its client spans are)."""

    def __init__(self, tracer: SdkTracer, client_spans: ClientSpans) -> None:
        self._sampler = tracer.sampler
        self._ids = tracer.id_generator
        # The SDK's random ids: a span id straight from `getrandbits`, as it makes them.
        self._random_ids = type(self._ids) is RandomIdGenerator
        self._current = context_getter()
        self._client_spans = client_spans
        self.resource = client_spans.resource
        self.scope = client_spans.scope
        self._limits = SpanLimits()  # from the OTEL_* limit variables, as the SDK's default

    def start(self) -> OperationSpan:
        """A SERVER span starting now, a child of the current span (the caller's, if its
        `traceparent` was continued)."""
        context = self._current()
        parent: SpanContext | None = get_current_span(context).get_span_context()
        if parent is None or not parent.is_valid:
            parent = None
            trace_id = self._ids.generate_trace_id()
            random_id = self._random_ids or self._ids.is_trace_id_random()
        else:
            trace_id = parent.trace_id
            random_id = parent.trace_flags.random_trace_id
        result = self._sampler.should_sample(context, trace_id, _NAME, SpanKind.SERVER)
        decision = result.decision
        sampled = decision is _SAMPLED
        span_id = (getrandbits(64) if self._random_ids else 0) or self._ids.generate_span_id()
        span_context = make_span_context(
            trace_id, span_id, TRACE_FLAGS[sampled, random_id], result.trace_state or _NO_STATE
        )
        current = set_span_in_context(NonRecordingSpan(span_context), context)
        attributes = None if decision is _DROP else result.attributes
        return OperationSpan(self, span_context, parent, current, attributes, sampled)

    def finish(self, span: ReadableSpan, sampled: bool) -> None:
        self._client_spans.finish(span, sampled)

    def bounded(
        self, attributes: Mapping[str, AttributeValue]
    ) -> Mapping[str, AttributeValue] | BoundedAttributes:
        """`attributes` within the limits (ours are valid values: only a limit set, or a
        sampler's own attributes, make them be checked one by one)."""
        limits = self._limits
        most = limits.max_span_attributes if limits.max_span_attributes is not None else _OURS
        if limits.max_span_attribute_length is None and len(attributes) <= _OURS <= most:
            return attributes
        return BoundedAttributes(
            limits.max_span_attributes,
            attributes,
            immutable=True,
            max_value_len=limits.max_span_attribute_length,
        )


class OperationSpan:
    """One operation span in flight: `current` is the context its children start in."""

    __slots__ = ("_attributes", "_owner", "_sampled", "_start", "context", "current", "parent")

    def __init__(  # noqa: PLR0917
        self,
        owner: OperationSpans,
        context: SpanContext,
        parent: SpanContext | None,
        current: otel_context.Context,
        attributes: Mapping[str, AttributeValue] | None,
        sampled: bool,
    ) -> None:
        self._owner = owner
        self.context = context
        self.parent = parent
        self.current = current
        self._attributes = attributes  # the sampler's; None: dropped
        self._sampled = sampled
        self._start = time_ns()

    def end(self, name: str, attributes: Mapping[str, AttributeValue], status: Status) -> None:
        """Ends now, named `name`, with `attributes` after the sampler's (dropped: nothing)."""
        if self._attributes is None:
            return
        owner = self._owner
        if self._attributes:  # a sampler's own (the SDK's add none)
            attributes = {**self._attributes, **attributes}
        span = ReadableSpan(
            name,
            self.context,
            self.parent,
            owner.resource,
            owner.bounded(attributes),
            (),
            (),
            SpanKind.SERVER,
            None,
            status,
            self._start,
            time_ns(),
            owner.scope,
        )
        owner.finish(span, self._sampled)

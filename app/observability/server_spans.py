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

Most operations start a trace of their own (no `traceparent` from the caller). For a
root span the SDK's fixed samplers (always on or off, alone or as the root of
`ParentBased`) always decide the same, with no attributes and no trace state: that
decision is made once, not asked of the sampler per operation. A sampled span the
batch processor alone gets, when its exporter is ours, is queued as a record (as
client spans are, `wire.ClientRecord`): the `ReadableSpan` and the encoded fields
around its ids are made in the export thread, in batches, not on the request's path.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from random import getrandbits
from time import time_ns
from typing import cast

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

from app.observability.otlp import wire_lineage
from app.observability.samplers import root_decision
from app.observability.sdk_internals import context_getter, make_span_context, root_context
from app.observability.spans import TRACE_FLAGS, ClientSpans
from app.observability.wire import ClientRecord, WireSpan

__all__ = ["Ending", "OperationSpan", "OperationSpans"]

_NO_STATE = TraceState()  # what SpanContext() puts for a None trace state (a root's)
_SAMPLED = sampling.Decision.RECORD_AND_SAMPLE
_DROP = sampling.Decision.DROP
_OURS = 3  # attributes an operation span gets (name, type, outcome)
_NAME = "graphql.operation"  # what the sampler sees: the name at the start, as with the SDK
_NO_ATTRIBUTES: Mapping[str, AttributeValue] = {}
# How an operation span ends (`OperationSpan.end`): name, attributes, status, wire keys.
Ending = tuple[str, Mapping[str, AttributeValue], Status, tuple[Hashable, Hashable]]


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
        limits = SpanLimits()  # from the OTEL_* limit variables, as the SDK's default
        self._limits = limits
        # Our attributes as they are (none too many, none too long) unless a limit says so.
        most = limits.max_span_attributes
        self.unbounded = limits.max_span_attribute_length is None and (
            most is None or most >= _OURS
        )
        # A root span's decision, when it is the same for every one (None: ask the sampler).
        self._root = root_decision(self._sampler)
        self._root_flags = TRACE_FLAGS[self._root is True, self._random_ids]
        self._root_attributes = _NO_ATTRIBUTES if self._root else None
        self.recorder: Callable[[], Callable[[object], None] | None] = client_spans.recorder

    def start(self) -> OperationSpan:
        """A SERVER span starting now, a child of the current span (the caller's, if its
        `traceparent` was continued)."""
        context = self._current()
        random_ids = self._random_ids
        span_id = (getrandbits(64) if random_ids else 0) or self._ids.generate_span_id()
        if not context and self._root is not None and random_ids:
            # Nothing current (no caller's trace): a root, decided in advance.
            trace_id = getrandbits(128) or self._ids.generate_trace_id()
            span_context, current = root_context(trace_id, span_id, self._root_flags)
            return OperationSpan(
                self, span_context, span_id, None, current, self._root_attributes, self._root
            )
        parent: SpanContext | None = get_current_span(context).get_span_context()
        if parent is None or not parent.is_valid:
            parent = None
            trace_id = (getrandbits(128) if random_ids else 0) or self._ids.generate_trace_id()
            random_id = random_ids or self._ids.is_trace_id_random()
        else:
            trace_id = parent.trace_id
            random_id = parent.trace_flags.random_trace_id
        result = self._sampler.should_sample(context, trace_id, _NAME, SpanKind.SERVER)
        decision = result.decision
        sampled = decision is _SAMPLED
        span_context = make_span_context(
            trace_id, span_id, TRACE_FLAGS[sampled, random_id], result.trace_state or _NO_STATE
        )
        current = set_span_in_context(NonRecordingSpan(span_context), context)
        attributes = None if decision is _DROP else result.attributes
        return OperationSpan(self, span_context, span_id, parent, current, attributes, sampled)

    def finish(self, span: ReadableSpan, sampled: bool) -> None:
        self._client_spans.finish(span, sampled)

    def readable(self, record: ClientRecord) -> WireSpan:
        """The finished span an operation span's record stands for."""
        _, made_by, span_id, start, end, name, ending, key = record
        operation = cast("OperationSpan", made_by)  # records are made by OperationSpan.end
        span = WireSpan(
            name,
            operation.context,
            operation.parent,
            self.resource,
            ending[0],
            (),
            (),
            SpanKind.SERVER,
            None,
            ending[1],
            start,
            end,
            self.scope,
        )
        span.wire = (operation.head, span_id, operation.middle, start, end, key)
        return span

    def bounded(
        self, attributes: Mapping[str, AttributeValue]
    ) -> Mapping[str, AttributeValue] | BoundedAttributes:
        """`attributes` within the limits (ours are valid values: only a limit set, or a
        sampler's own attributes, make them be checked one by one)."""
        limits = self._limits
        if self.unbounded and len(attributes) <= _OURS:  # (ours alone are never more)
            return attributes
        return BoundedAttributes(
            limits.max_span_attributes,
            attributes,
            immutable=True,
            max_value_len=limits.max_span_attribute_length,
        )


class OperationSpan:
    """One operation span in flight: `current` is the context its children start in."""

    __slots__ = (
        "_attributes",
        "_owner",
        "_sampled",
        "_start",
        "context",
        "current",
        "parent",
        "span_id",
    )

    def __init__(  # noqa: PLR0917
        self,
        owner: OperationSpans,
        context: SpanContext,
        span_id: int,
        parent: SpanContext | None,
        current: otel_context.Context,
        attributes: Mapping[str, AttributeValue] | None,
        sampled: bool,
    ) -> None:
        self._owner = owner
        self.context = context
        self.span_id = span_id  # the context's (read per span: its property is a call)
        self.parent = parent
        self.current = current
        self._attributes = attributes  # the sampler's; None: dropped
        self._sampled = sampled
        self._start = time_ns()

    def end(self, ending: Ending) -> None:
        """Ends now, as `ending` says: its name, its attributes (after the sampler's), its
        status, and keys naming those three, the first for a local or no parent, the
        second for a remote one (equal keys: equal spans but for ids and times). Dropped:
        nothing."""
        if self._attributes is None:
            return
        end = time_ns()
        owner = self._owner
        name, attributes, status, keys = ending
        if self._attributes:  # a sampler's own (the SDK's add none): not in the keys
            attributes = owner.bounded({**self._attributes, **attributes})
        elif owner.unbounded:
            record = owner.recorder() if self._sampled else None
            if record is not None:
                parent = self.parent
                key = keys[1] if parent is not None and parent.is_remote else keys[0]
                made = (attributes, status)
                record((owner, self, self.span_id, self._start, end, name, made, key))
                return
        else:
            attributes = owner.bounded(attributes)
        span = ReadableSpan(
            name,
            self.context,
            self.parent,
            owner.resource,
            attributes,
            (),
            (),
            SpanKind.SERVER,
            None,
            status,
            self._start,
            end,
            owner.scope,
        )
        owner.finish(span, self._sampled)

    # The encoded fields around the span id (`otlp.wire_lineage`), for the exporter.

    @property
    def head(self) -> bytes:
        return self._wire()[0]

    @property
    def middle(self) -> bytes:
        return self._wire()[1]

    def _wire(self) -> tuple[bytes, bytes]:
        parent = self.parent
        context = self.context
        parent_id = parent.span_id if parent is not None else None
        return wire_lineage(context.trace_id, parent_id, context.trace_state or None)

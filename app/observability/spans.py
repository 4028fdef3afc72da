"""Upstream CLIENT spans, each handed to the span processors as one finished span.

An SDK span (`Tracer.start_span` … `end`) costs 25 to 45 µs here: a lock,
bounded attribute validation, limits, events and links lists, a copy into a
`ReadableSpan` at the end. A client span for one upstream attempt needs none
of it: it has no children, no events, and nothing else writes to it; its
attributes are known at the start and at the end. So it is made the way the
SDK would make it (the tracer's sampler decides, its id generator names it,
its resource and instrumentation scope mark it) but written once, as the
`ReadableSpan` the SDK passes to `SpanProcessor.on_end`, which is all the
batch and simple processors (and so the exporters) see of a span. Processors'
`on_start` is not called for these spans: the SDK's processors do nothing there.

What the spans of one kind of call share is made once per kind (`CallShape`:
name, attributes, and per way of ending the finished attributes and status),
what the spans of one parent share once per parent (`Lineage`: trace, sampling
decision, `traceparent` around the span id). A sampled span the SDK's batch
processor alone would get is queued straight into it (`sdk_internals`), and when
its exporter is ours (`export.OTLPWireExporter`, which encodes them) as a
`ClientRecord`: one tuple instead of a `ReadableSpan` and its `SpanContext`
(about 9K instructions less a span, and less for the collector to scan while
the batch fills).

Unsampled (the sampler says drop), a span costs an id and the `traceparent`
header that tells the upstream so.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping
from random import getrandbits
from time import time_ns
from typing import Any, TypeVar, cast

from opentelemetry import baggage, propagate
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import ReadableSpan, SynchronousMultiSpanProcessor, sampling
from opentelemetry.sdk.trace import Tracer as SdkTracer
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    TraceFlags,
    get_current_span,
    set_span_in_context,
)
from opentelemetry.trace.span import DEFAULT_TRACE_STATE, TraceState
from opentelemetry.util.types import AttributeValue

from app.observability.otlp import wire_lineage
from app.observability.propagation import w3c_fields
from app.observability.samplers import decides_by_parent
from app.observability.sdk_internals import (
    batch_emitter,
    context_getter,
    make_span_context,
    processors_of,
)
from app.observability.wire import ClientRecord, WireSpan

__all__ = ["TRACE_FLAGS", "CallShape", "ClientSpan", "ClientSpans"]

Attributes = dict[str, AttributeValue]
# The trace flags by (sampled, random trace id), made once.
TRACE_FLAGS = {
    (sampled, random_id): TraceFlags(
        (TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT)
        | (TraceFlags.RANDOM_TRACE_ID if random_id else 0)
    )
    for sampled in (False, True)
    for random_id in (False, True)
}
_SERIALS = itertools.count()
_MAX_ENDINGS = 64  # per shape: statuses and error types are few
# (attributes, status, encoding key for a local parent, for a remote one)
Ending = tuple[Attributes, Status, tuple[int, str, bool], tuple[int, str, bool]]
S = TypeVar("S", bound="ClientSpan")


class CallShape:
    """One kind of call: its span's name and attributes at the start, and for each way
    it ends (a label, which with the shape must tell every attribute and the status) the
    finished attributes, status and encoding key, made once and shared (read-only)."""

    __slots__ = ("_end", "_endings", "attributes", "name", "serial")

    def __init__(
        self, name: str, attributes: Attributes, end: Callable[[str], tuple[Attributes, Status]]
    ) -> None:
        self.name = name
        self.attributes = attributes
        self.serial = next(_SERIALS)  # never reused, unlike id(): names the encoded shape
        self._end = end
        self._endings: dict[str, Ending] = {}

    def ending(self, label: str) -> Ending:
        ending = self._endings.get(label)
        if ending is None:
            added, status = self._end(label)
            if len(self._endings) >= _MAX_ENDINGS:
                self._endings.clear()
            ending = self._endings[label] = (
                {**self.attributes, **added},
                status,
                (self.serial, label, False),
                (self.serial, label, True),
            )
        return ending

    def finished_attributes(
        self, attributes: Mapping[str, AttributeValue], label: str
    ) -> Attributes:
        """`attributes` (a sampler's) with what ending with `label` adds."""
        return {**attributes, **self._end(label)[0]}


class Lineage:
    """What the client spans of one parent context share: the trace, the sampling
    decision, the parent's encoded fields, the trace headers around the span id. Kept for
    the last parent when the sampler decides by parent: one operation's upstream calls
    are all children of its span."""

    __slots__ = (
        "attributes",
        "context",
        "ends",
        "flags",
        "head",
        "keyed",
        "middle",
        "parent",
        "recorded",
        "remote",
        "state",
        "trace_id",
    )

    def __init__(  # noqa: PLR0917
        self,
        context: otel_context.Context,
        parent: SpanContext | None,
        trace_id: int,
        recorded: bool | None,
        state: TraceState | None,
        random_id: bool,
        attributes: Attributes | None,
    ) -> None:
        self.context = context
        self.parent = parent
        self.trace_id = trace_id
        self.recorded = recorded  # True: sampled, False: recorded only, None: dropped
        self.state = state if state is not None else DEFAULT_TRACE_STATE
        self.flags = TRACE_FLAGS[(recorded is True, random_id)]
        self.remote = parent is not None and parent.is_remote
        self.attributes = attributes  # a sampler's own, when it changed them
        # Sampled, with the shape's attributes: a span is encoded by its key (set by the
        # owner when its sampler decides by parent).
        self.keyed = False
        self.head, self.middle = wire_lineage(
            trace_id, parent.span_id if parent is not None else None, state
        )
        # `traceparent` before and after the span id and `tracestate`, for the propagators
        # configured when the lineage was made (so a change applies from the next
        # operation on); None if they write more than W3C trace context (or baggage).
        self.ends = _w3c_ends(propagate.get_global_textmap(), self)


class ClientSpans:
    """Makes the client spans of one SDK tracer."""

    def __init__(self, tracer: SdkTracer, scope: InstrumentationScope) -> None:
        self._sampler = tracer.sampler
        self._ids = tracer.id_generator
        self._random_ids = type(self._ids) is RandomIdGenerator
        self.processor = tracer.span_processor
        self.resource = tracer.resource
        self.scope = scope
        self.pure = decides_by_parent(self._sampler)
        self._current = context_getter()
        # Replaced as a whole, so concurrent operations only make it miss.
        self._last: Lineage | None = None
        # The processors last seen and, if the SDK's batch processor is the only one, its
        # queue's `emit` (what its on_end calls for a sampled span).
        self._multi = type(self.processor) is SynchronousMultiSpanProcessor
        self._processors: Callable[[Any], tuple[object, ...]] = (
            processors_of if self._multi else _no_processors
        )
        self._seen: tuple[object, ...] | None = None
        self._emit: Callable[[object], None] | None = None
        self._record: Callable[[object], None] | None = None  # the same, if its exporter
        # takes `ClientRecord`s

    def start(self, shape: CallShape, kind: type[S]) -> tuple[S | None, dict[str, str]]:
        """A CLIENT span of `shape` starting now (a `kind`, `ClientSpan` or a subclass), a
        child of the current span (if any), or None if the sampler drops it; and the
        headers that carry it upstream."""
        context = self._current()
        lineage = self._last
        if lineage is None or lineage.context is not context:
            lineage = self._lineage(context, shape)
        span_id = (getrandbits(64) if self._random_ids else 0) or self._ids.generate_span_id()
        ends = lineage.ends
        if ends is None:
            headers = _headers(lineage, span_id)
        else:
            headers = {"traceparent": f"{ends[0]}{span_id:016x}{ends[1]}"}
            if ends[2]:
                headers["tracestate"] = ends[2]
        if lineage.recorded is None:
            return None, headers
        # Made without a call to __init__ (once per upstream attempt: a frame less).
        span = _new(kind)
        span._owner = self
        span.shape = shape
        span.lineage = lineage
        span.span_id = span_id
        span._start = time_ns()
        return span, headers

    def _lineage(self, context: otel_context.Context, shape: CallShape) -> Lineage:
        parent: SpanContext | None = get_current_span(context).get_span_context()
        if parent is None or not parent.is_valid:
            trace_id = self._ids.generate_trace_id()
            recorded, state, attributes = self._decide(context, trace_id, shape)
            random_id = self._ids.is_trace_id_random()
            return Lineage(context, None, trace_id, recorded, state, random_id, attributes)
        recorded, state, attributes = self._decide(context, parent.trace_id, shape)
        lineage = Lineage(
            context,
            parent,
            parent.trace_id,
            recorded,
            state,
            parent.trace_flags.random_trace_id,
            attributes,
        )
        if self.pure:
            self._last = lineage
            lineage.keyed = recorded is True and attributes is None
        return lineage

    def _decide(
        self, context: otel_context.Context, trace_id: int, shape: CallShape
    ) -> tuple[bool | None, TraceState | None, Attributes | None]:
        """(True: sampled, False: recorded only, None: dropped; the trace state; the
        sampler's attributes if they differ). They replace the span's, as in the SDK."""
        attributes = dict(shape.attributes)  # the sampler may keep or change what it gets
        result = self._sampler.should_sample(
            context, trace_id, shape.name, SpanKind.CLIENT, attributes
        )
        if result.decision is sampling.Decision.DROP:
            return None, result.trace_state, None
        # Built-in samplers hand them back unchanged.
        replaced = dict(result.attributes) if result.attributes != shape.attributes else None
        return result.decision is sampling.Decision.RECORD_AND_SAMPLE, result.trace_state, replaced

    def _direct(self) -> Callable[[object], None] | None:
        """The batch processor's `emit`, while it is the only processor (checked on every
        call: the processors' tuple is replaced when one is added)."""
        processors = self._processors(self.processor)
        if processors is not self._seen:
            self._seen = processors
            only = processors[0] if len(processors) == 1 else None
            self._emit = batch_emitter(only)
            exporter = getattr(only, "span_exporter", None)
            self._record = self._emit if getattr(exporter, "takes_records", False) else None
        return self._emit

    def recorder(self) -> Callable[[object], None] | None:
        """What queues a sampled span's record, while records can be queued (else None)."""
        if self._processors(self.processor) is not self._seen:
            self._direct()
        return self._record

    def finish(self, span: ReadableSpan, sampled: bool) -> None:
        """Hand a finished span to the processors."""
        emit = self._direct() if sampled else None
        if emit is not None:
            emit(span)
        else:
            self.processor.on_end(span)

    def readable(self, record: ClientRecord) -> WireSpan:
        """The finished span a `ClientRecord` stands for."""
        _, made_by, span_id, start, end, name, ending, key = record
        lineage = cast("Lineage", made_by)  # records are made by ClientSpan.end
        return _wire_span(self, lineage, name, span_id, ending[0], ending[1], start, end, key)


class ClientSpan:
    """One recorded client span in flight (a subclass may add slots of its own), made by
    `ClientSpans.start`."""

    __slots__ = ("_owner", "_start", "lineage", "shape", "span_id")
    _owner: ClientSpans
    _start: int
    lineage: Lineage
    shape: CallShape
    span_id: int

    @property
    def context(self) -> SpanContext:
        lineage = self.lineage
        return make_span_context(lineage.trace_id, self.span_id, lineage.flags, lineage.state)

    def end(self, label: str) -> None:
        """Ends now, as `label` says (see `CallShape`)."""
        end = time_ns()
        lineage, shape, owner = self.lineage, self.shape, self._owner
        ending = shape._endings.get(label) or shape.ending(label)
        if lineage.keyed:
            key = ending[3] if lineage.remote else ending[2]
            # `owner.recorder()`, inlined (once per upstream attempt: a frame less)
            if owner._processors(owner.processor) is not owner._seen:
                owner._direct()
            record = owner._record
            if record is not None:
                record((owner, lineage, self.span_id, self._start, end, shape.name, ending, key))
                return
            attributes = ending[0]
        elif lineage.attributes is None:
            attributes, key = ending[0], None
        else:  # a sampler of one's own changed them: they are read when encoded
            attributes, key = shape.finished_attributes(lineage.attributes, label), None
        span = _wire_span(
            owner, lineage, shape.name, self.span_id, attributes, ending[1], self._start, end, key
        )
        owner.finish(span, lineage.recorded is True)


def _wire_span(  # noqa: PLR0917 (once per span: positional)
    owner: ClientSpans,
    lineage: Lineage,
    name: str,
    span_id: int,
    attributes: Attributes,
    status: Status,
    start: int,
    end: int,
    key: Hashable | None,
) -> WireSpan:
    span = WireSpan(
        name,
        make_span_context(lineage.trace_id, span_id, lineage.flags, lineage.state),
        lineage.parent,
        owner.resource,
        attributes,
        (),
        (),
        SpanKind.CLIENT,
        None,
        status,
        start,
        end,
        owner.scope,
    )
    span.wire = (lineage.head, span_id, lineage.middle, start, end, key)
    return span


_new = object.__new__


def _no_processors(processor: object) -> tuple[object, ...]:
    return ()


def _w3c_ends(textmap: object, lineage: Lineage) -> tuple[str, str, str] | None:
    """`traceparent` around the span id, and `tracestate`, if the propagators write only
    W3C trace context and baggage and there is no baggage; else None."""
    fields = w3c_fields(textmap)
    if fields is None or ("baggage" in fields and baggage.get_all(lineage.context)):
        return None
    state = lineage.state.to_header() if lineage.state else ""
    return f"00-{lineage.trace_id:032x}-", f"-{lineage.flags:02x}", state


def _headers(lineage: Lineage, span_id: int) -> dict[str, str]:
    """What the configured propagators write for the span, in its parent's context."""
    context = make_span_context(lineage.trace_id, span_id, lineage.flags, lineage.state)
    carrier: dict[str, str] = {}
    propagate.inject(
        carrier, context=set_span_in_context(NonRecordingSpan(context), lineage.context)
    )
    return carrier

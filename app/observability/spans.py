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

Unsampled (the sampler says drop), a span costs the sampling decision, an id
and the `traceparent` header that tells the upstream so.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from time import time_ns

from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import Tracer as SdkTracer
from opentelemetry.sdk.trace import sampling
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, TraceFlags, get_current_span
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import AttributeValue

from app.observability.otlp import WireSpan, wire_lineage

__all__ = ["ClientSpan", "ClientSpans"]

_FLAGS = {
    (sampled, random_id): TraceFlags(
        (TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT)
        | (TraceFlags.RANDOM_TRACE_ID if random_id else 0)
    )
    for sampled in (False, True)
    for random_id in (False, True)
}
# The SDK's own samplers (all that OTEL_TRACES_SAMPLER names), which decide from the
# parent's sampled flag and the trace id alone, never from a span's name or attributes.
_PURE = r"(AlwaysOnSampler|AlwaysOffSampler|TraceIdRatioBased\{[0-9.eE+-]+\})"
_PARENT_BASED = re.compile(
    rf"ParentBased\{{root:{_PURE},remoteParentSampled:{_PURE},remoteParentNotSampled:{_PURE},"
    rf"localParentSampled:{_PURE},localParentNotSampled:{_PURE}\}}"
)


def decides_by_parent(sampler: sampling.Sampler) -> bool:
    """Whether every child of one parent gets the same decision from `sampler`."""
    if type(sampler).__module__ != sampling.__name__:
        return False  # a sampler of one's own may look at anything
    description = sampler.get_description()
    return re.fullmatch(_PURE, description) is not None or bool(
        _PARENT_BASED.fullmatch(description)
    )


class Lineage:
    """What the client spans of one parent share: the trace, the sampling decision, the
    parent's encoded fields. Kept for the last parent when the sampler is pure: one
    operation's upstream calls are all children of its span."""

    __slots__ = ("flags", "head", "middle", "parent", "recorded", "remote", "state", "trace_id")

    def __init__(
        self,
        parent: SpanContext | None,
        trace_id: int,
        recorded: bool | None,
        state: TraceState | None,
        random_id: bool,
    ) -> None:
        self.parent = parent
        self.trace_id = trace_id
        self.recorded = recorded  # True: sampled, False: recorded only, None: dropped
        self.state = state
        self.flags = _FLAGS[(recorded is True, random_id)]
        self.remote = parent is not None and parent.is_remote
        self.head, self.middle = wire_lineage(
            trace_id, parent.span_id if parent is not None else None, state
        )


class ClientSpans:
    """Makes the client spans of one SDK tracer."""

    def __init__(self, tracer: SdkTracer, scope: InstrumentationScope) -> None:
        self._sampler = tracer.sampler
        self._ids = tracer.id_generator
        self.processor = tracer.span_processor
        self.resource = tracer.resource
        self.scope = scope
        self.pure = decides_by_parent(self._sampler)
        # Replaced as a whole, so concurrent operations only make it miss.
        self._last: Lineage | None = None

    def start(
        self, name: str, attributes: dict[str, AttributeValue], shape: Hashable
    ) -> ClientSpan:
        """A CLIENT span starting now, a child of the current span (if any). `attributes`
        becomes the span's (the caller hands it over); with `name`, `shape` must tell
        them all (see `ClientSpan.end`)."""
        context = otel_context.get_current()
        parent: SpanContext | None = get_current_span(context).get_span_context()
        lineage = self._last
        if lineage is None or lineage.parent is not parent:
            lineage = self._lineage(context, parent, name, attributes)
        span_id = self._ids.generate_span_id()
        span_context = SpanContext(
            lineage.trace_id,
            span_id,
            is_remote=False,
            trace_flags=lineage.flags,
            trace_state=lineage.state,
        )
        recorded = attributes if lineage.recorded is not None else None
        return ClientSpan(self, name, span_context, span_id, lineage, context, recorded, shape)

    def _lineage(
        self,
        context: otel_context.Context,
        parent: SpanContext | None,
        name: str,
        attributes: dict[str, AttributeValue],
    ) -> Lineage:
        if parent is None or not parent.is_valid:
            trace_id = self._ids.generate_trace_id()
            recorded, state = self._decide(context, trace_id, name, attributes)
            return Lineage(None, trace_id, recorded, state, self._ids.is_trace_id_random())
        recorded, state = self._decide(context, parent.trace_id, name, attributes)
        lineage = Lineage(
            parent, parent.trace_id, recorded, state, parent.trace_flags.random_trace_id
        )
        if self.pure:
            self._last = lineage
        return lineage

    def _decide(
        self,
        context: otel_context.Context,
        trace_id: int,
        name: str,
        attributes: dict[str, AttributeValue],
    ) -> tuple[bool | None, TraceState | None]:
        """(True: sampled, False: recorded only, None: dropped; the trace state). The
        sampler's attributes replace the span's, as in the SDK (it may add some)."""
        result = self._sampler.should_sample(context, trace_id, name, SpanKind.CLIENT, attributes)
        if result.decision is sampling.Decision.DROP:
            return None, result.trace_state
        if result.attributes != attributes:  # built-in samplers hand them back unchanged
            replaced = dict(result.attributes)
            attributes.clear()
            attributes.update(replaced)
        return result.decision is sampling.Decision.RECORD_AND_SAMPLE, result.trace_state


class ClientSpan:
    """One client span in flight: its context (for `traceparent`) and how it ends."""

    __slots__ = (
        "_attributes",
        "_owner",
        "_shape",
        "_start",
        "context",
        "lineage",
        "name",
        "parent_context",
        "span_id",
    )

    def __init__(  # noqa: PLR0917 (made once per upstream call: positional is cheaper)
        self,
        owner: ClientSpans,
        name: str,
        context: SpanContext,
        span_id: int,
        lineage: Lineage,
        parent_context: otel_context.Context,
        attributes: dict[str, AttributeValue] | None,
        shape: Hashable,
    ) -> None:
        self._owner = owner
        self.name = name
        self.context = context
        self.span_id = span_id
        self.lineage = lineage
        self.parent_context = parent_context
        self._attributes = attributes
        self._shape = shape
        self._start = time_ns()

    @property
    def parent(self) -> SpanContext | None:
        return self.lineage.parent

    @property
    def is_recording(self) -> bool:
        return self._attributes is not None

    def end(
        self, attributes: Mapping[str, AttributeValue], status: Status, shape: Hashable
    ) -> None:
        """Ends now with `attributes` added; a span the sampler dropped goes nowhere.
        `shape`, with the name and the `shape` given at the start, must tell every
        attribute (so equal spans are encoded once; see `otlp.Wire`)."""
        if self._attributes is None:
            return
        self._attributes.update(attributes)
        owner, lineage, end = self._owner, self.lineage, time_ns()
        # A sampler of one's own may have added attributes: then they are read. Status
        # hashes by identity (cheap; the callers pass constants).
        key = (self.name, self._shape, shape, status, lineage.remote) if owner.pure else None
        owner.processor.on_end(
            WireSpan(
                self.name,
                self.context,
                lineage.parent,
                owner.resource,
                self._attributes,
                SpanKind.CLIENT,
                status,
                owner.scope,
                (lineage.head, self.span_id, lineage.middle, self._start, end, key),
            )
        )

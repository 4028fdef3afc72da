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
from collections.abc import Mapping
from time import time_ns

from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import ReadableSpan, sampling
from opentelemetry.sdk.trace import Tracer as SdkTracer
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, TraceFlags, get_current_span
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import AttributeValue

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


class ClientSpans:
    """Makes the client spans of one SDK tracer."""

    def __init__(self, tracer: SdkTracer, scope: InstrumentationScope) -> None:
        self._sampler = tracer.sampler
        self._ids = tracer.id_generator
        self.processor = tracer.span_processor
        self.resource = tracer.resource
        self.scope = scope
        # The last parent's decision (sampled, trace state), when the sampler is pure:
        # one operation's upstream calls are all children of its span. Replaced as a
        # whole, so concurrent operations only make it miss.
        self._reuse = decides_by_parent(self._sampler)
        self._last: tuple[SpanContext, bool | None, TraceState | None] | None = None

    def start(self, name: str, attributes: dict[str, AttributeValue]) -> ClientSpan:
        """A CLIENT span starting now, a child of the current span (if any). `attributes`
        becomes the span's (the caller hands it over)."""
        context = otel_context.get_current()
        parent: SpanContext | None = get_current_span(context).get_span_context()
        if parent is not None and parent.is_valid:
            last = self._last
            if last is not None and last[0] is parent:
                recorded, state = last[1], last[2]
            else:
                recorded, state = self._decide(context, parent.trace_id, name, attributes)
                if self._reuse:
                    self._last = (parent, recorded, state)
            trace_id = parent.trace_id
            random_id = parent.trace_flags.random_trace_id
        else:
            parent = None
            trace_id = self._ids.generate_trace_id()
            recorded, state = self._decide(context, trace_id, name, attributes)
            random_id = self._ids.is_trace_id_random()
        span_context = SpanContext(
            trace_id,
            self._ids.generate_span_id(),
            is_remote=False,
            trace_flags=_FLAGS[(recorded is True, random_id)],
            trace_state=state,
        )
        return ClientSpan(
            self,
            name,
            context=span_context,
            parent=parent,
            parent_context=context,
            attributes=attributes if recorded is not None else None,
        )

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

    __slots__ = ("_attributes", "_owner", "_start", "context", "name", "parent", "parent_context")

    def __init__(
        self,
        owner: ClientSpans,
        name: str,
        *,
        context: SpanContext,
        parent: SpanContext | None,
        parent_context: otel_context.Context,
        attributes: dict[str, AttributeValue] | None,
    ) -> None:
        self._owner = owner
        self.name = name
        self.context = context
        self.parent = parent
        self.parent_context = parent_context
        self._attributes = attributes
        self._start = time_ns()

    @property
    def is_recording(self) -> bool:
        return self._attributes is not None

    def end(self, attributes: Mapping[str, AttributeValue], status: Status) -> None:
        """Ends now with `attributes` added; a span the sampler dropped goes nowhere."""
        if self._attributes is None:
            return
        self._attributes.update(attributes)
        owner = self._owner
        owner.processor.on_end(
            _FinishedSpan(
                self.name,
                self.context,
                self.parent,
                owner.resource,
                self._attributes,
                kind=SpanKind.CLIENT,
                status=status,
                start_time=self._start,
                end_time=time_ns(),
                instrumentation_scope=owner.scope,
            )
        )


class _FinishedSpan(ReadableSpan):
    """Nothing is ever dropped from a client span (a few attributes, no events or
    links): saying so directly spares the exporter three abstract-class checks."""

    @property
    def dropped_attributes(self) -> int:
        return 0

    @property
    def dropped_events(self) -> int:
        return 0

    @property
    def dropped_links(self) -> int:
        return 0

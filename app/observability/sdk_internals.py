"""The few places the gateway reaches into OpenTelemetry's SDK and API past their public
interface, each in one small function, for what a per-upstream-call path cannot afford
through it. tests/observability/test_sdk_internals.py checks every one against the
public way, so a library upgrade that changes them fails there (each has a public
fallback where one exists).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from operator import attrgetter

from opentelemetry import context as otel_context
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.sdk.trace import SynchronousMultiSpanProcessor
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState
from opentelemetry.trace.propagation import _SPAN_KEY

__all__ = [
    "attach_context",
    "batch_emitter",
    "context_getter",
    "make_span_context",
    "processors_of",
    "root_context",
]


def _context_variable() -> ContextVar[otel_context.Context] | None:
    """The context variable behind the runtime context, when that is the default one."""
    runtime = getattr(otel_context, "_RUNTIME_CONTEXT", None)
    variable = getattr(runtime, "_current_context", None)
    if type(runtime) is ContextVarsRuntimeContext and isinstance(variable, ContextVar):
        return variable
    return None


def attach_context() -> Callable[[otel_context.Context], object]:
    """`otel_context.attach`, or the context variable's own `set` behind it (one C call
    instead of two Python ones): its token is the one `otel_context.detach` takes."""
    variable = _context_variable()
    return variable.set if variable is not None else otel_context.attach


def context_getter() -> Callable[[], otel_context.Context]:
    """`otel_context.get_current`, or the context variable's own `get` behind it."""
    variable = _context_variable()
    return variable.get if variable is not None else otel_context.get_current


def root_context(
    trace_id: int, span_id: int, flags: TraceFlags
) -> tuple[SpanContext, otel_context.Context]:
    """`make_span_context(trace_id, span_id, flags, TraceState())` and
    `set_span_in_context(NonRecordingSpan(that), Context())`, in one call: the span made
    as `NonRecordingSpan.__init__` makes it (its context kept in `_context`), the
    context as one dict under the API's own key (the API copies it twice)."""
    span_context: SpanContext = tuple.__new__(
        SpanContext, (trace_id, span_id, False, flags, _EMPTY_STATE, True)
    )
    span = _new(NonRecordingSpan)
    span._context = span_context
    return span_context, otel_context.Context({_SPAN_KEY: span})


_new = object.__new__
_EMPTY_STATE = TraceState()


def make_span_context(
    trace_id: int, span_id: int, flags: TraceFlags, state: TraceState
) -> SpanContext:
    """`SpanContext(trace_id, span_id, is_remote=False, ...)` for ids known to be valid
    (the SDK's id generator made them), without `SpanContext.__new__`'s checks: the
    tuple it builds."""
    context: SpanContext = tuple.__new__(
        SpanContext, (trace_id, span_id, False, flags, state, True)
    )
    return context


# The processors a `SynchronousMultiSpanProcessor` forwards to (a tuple, replaced when
# one is added, so an identity check notices).
processors_of: Callable[[SynchronousMultiSpanProcessor], tuple[object, ...]] = attrgetter(
    "_span_processors"
)


def batch_emitter(processor: object) -> Callable[[object], None] | None:
    """For the SDK's `BatchSpanProcessor`: what its `on_end` calls for a sampled span
    (queue it, wake the exporter when a batch is full; the exporter gets what was
    queued), else None."""
    if type(processor) is not BatchSpanProcessor:
        return None
    emit = getattr(getattr(processor, "_batch_processor", None), "emit", None)
    return emit if callable(emit) else None

"""The few places the gateway reaches into OpenTelemetry's SDK and API past their public
interface, each in one small function, for what a per-upstream-call path cannot afford
through it. tests/observability/test_sdk_internals.py checks every one against the
public way, so a library upgrade that changes them fails there (each has a public
fallback where one exists).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from opentelemetry import context as otel_context
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.sdk.trace import SynchronousMultiSpanProcessor
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanContext, TraceFlags, TraceState

__all__ = [
    "batch_emitter",
    "context_getter",
    "make_span_context",
    "processors_of",
]


def context_getter() -> Callable[[], otel_context.Context]:
    """`otel_context.get_current`, or the context variable's own `get` behind it (one C
    call instead of two Python ones) when the runtime context is the default one."""
    runtime = getattr(otel_context, "_RUNTIME_CONTEXT", None)
    variable = getattr(runtime, "_current_context", None)
    if type(runtime) is ContextVarsRuntimeContext and variable is not None:
        get: Callable[[], otel_context.Context] = variable.get
        return get
    return otel_context.get_current


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

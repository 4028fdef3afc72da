"""One Strawberry extension per app that measures, traces and notes each operation."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from types import MappingProxyType

import strawberry
from graphql import OperationDefinitionNode
from opentelemetry import context as otel_context
from opentelemetry.trace import Span, Status, StatusCode
from opentelemetry.util.types import AttributeValue
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from app.observability.metrics import GatewayMetrics
from app.observability.requests import current_request
from app.observability.sdk_internals import attach_context
from app.observability.server_spans import Ending, OperationSpan
from app.observability.tracing import Tracing

__all__ = ["observed_schema", "operation_extension", "record_refused"]

_SERVER = "graphql.operation"  # the first part of an operation span's wire keys
_UNSET = Status(StatusCode.UNSET)
_ERROR = Status(StatusCode.ERROR)


def operation_extension(
    metrics: GatewayMetrics | None, tracing: Tracing | None
) -> Callable[[], SchemaExtension]:
    """A factory of per-request extensions bound to this app's metrics and tracer."""

    operation_spans = tracing.operation_spans if tracing is not None else None
    attach = attach_context()

    class ObserveOperation(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            span: OperationSpan | Span | None = None
            token: object = None
            if operation_spans is not None:
                span = operation_spans.start()
                token = attach(span.current)
            elif tracing is not None:
                span, current = tracing.operation_span()
                token = attach(current)
            try:
                yield
            finally:
                if token is not None:
                    otel_context.detach(token)  # type: ignore[arg-type]
                name, kind = _operation(self.execution_context)
                outcome = _outcome(self.execution_context)
                if metrics is not None:
                    metrics.record_operation(name, outcome, time.perf_counter() - started)
                state = current_request()
                if state is not None:
                    state.operations.append((name, kind, outcome))
                if span is not None:
                    ending = _ENDINGS.get((name, kind, outcome)) or _ending(name, kind, outcome)
                    if isinstance(span, OperationSpan):
                        span.end(ending)
                    else:
                        _end_sdk_span(span, ending)

    return ObserveOperation


def record_refused(metrics: GatewayMetrics | None) -> None:
    """An operation refused before Strawberry ran it (an unknown persisted document, a
    document persisted-only mode does not allow): counted as an unnamed error, as an
    operation that fails to parse is, so every answer shows up in the metrics and log."""
    if metrics is not None:
        metrics.record_operation(None, "error", 0.0)
    state = current_request()
    if state is not None:
        state.operations.append((None, None, "error"))


def observed_schema(
    schema: strawberry.federation.Schema, extension: Callable[[], SchemaExtension]
) -> strawberry.federation.Schema:
    """A shallow copy of `schema` that also runs `extension` (the shared schema is cached
    and used by other apps, so it is never changed in place)."""
    clone = copy.copy(schema)
    clone.extensions = (extension, *schema.extensions)
    return clone


def _operation(context: ExecutionContext) -> tuple[str | None, str | None]:
    # Only a name the parsed document really defines: the request's `operationName`
    # may be any text when parsing failed, and must not become a label.
    document = context.graphql_document
    if document is None:
        return None, None
    wanted = getattr(context, "_provided_operation_name", None)
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        name = definition.name.value if definition.name else None
        if wanted is None or name == wanted:
            return name, definition.operation.value
    return None, None


def _outcome(context: ExecutionContext) -> str:
    result = context.result
    errors = getattr(result, "errors", None) or context.pre_execution_errors
    if not errors:
        partial = getattr(context.context, "partial_errors", None)
        return "partial" if partial else "success"
    # Root fields are nullable (a failing upstream nulls only its fields): the
    # operation is an error when no root field answered, partial when some did.
    data = getattr(result, "data", None)
    answered = isinstance(data, dict) and any(value is not None for value in data.values())
    return "partial" if answered else "error"


def _end_sdk_span(span: Span, ending: Ending) -> None:
    # An SDK span (a tracer that is not the SDK's makes no-ops).
    title, attributes, status, _ = ending
    span.update_name(title)
    span.set_attributes(attributes)
    if status is _ERROR:
        span.set_status(status)
    span.end()


# The span's name, attributes and status by (operation name, type, outcome), made once
# for the names seen most recently (shared, read-only: spans only read them).
_ENDINGS: dict[tuple[str | None, str | None, str], Ending] = {}
_MAX_ENDINGS = 1024


def _ending(name: str | None, kind: str | None, outcome: str) -> Ending:
    title = f"{kind or 'graphql'} {name}" if name else (kind or "graphql operation")
    attributes: dict[str, AttributeValue] = {}
    if name:
        attributes["graphql.operation.name"] = name
    if kind:
        attributes["graphql.operation.type"] = kind
    attributes["sessiongraph.outcome"] = outcome
    # The keys name the encoded span (`OperationSpan.end`), unlike any client span's.
    keys = ((_SERVER, name, kind, outcome, False), (_SERVER, name, kind, outcome, True))
    status = _ERROR if outcome == "error" else _UNSET
    ending = (title, MappingProxyType(attributes), status, keys)
    if len(_ENDINGS) >= _MAX_ENDINGS:
        _ENDINGS.clear()  # names are the client's text: never an unbounded dict
    _ENDINGS[name, kind, outcome] = ending
    return ending

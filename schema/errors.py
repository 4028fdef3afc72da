"""Turns every error into the contract's shape: a safe message and `extensions.code`.

The code follows the kind of error, never the words of its message:

- a `GatewayError` carries its own code and extensions;
- an error that already has a code keeps it (the operation limits attach
  QUERY_TOO_COMPLEX where they are checked, schema/operations.py);
- graphql-core's own request errors (parse, validation: no original
  exception) and values refused while coercing variables before execution
  (no path; the scalars raise ValueError, TypeError or OverflowError,
  graphql-core a GraphQLError) are BAD_USER_INPUT;
- a document nested too deeply for the parser (RecursionError) is
  QUERY_TOO_COMPLEX;
- anything else is a bug: logged once with its traceback here and shown to
  the client only as "Internal server error" with code INTERNAL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.errors import ErrorCode, GatewayError

__all__ = ["ShapeErrors", "code_of", "shape_error"]

logger = logging.getLogger("sessiongraph.errors")

# What coercing a client's values raises: the scalars' own errors, and graphql-core's
# GraphQLError for a missing or mistyped variable.
_INPUT_ERRORS = (ValueError, TypeError, ArithmeticError, UnicodeError, GraphQLError)


def code_of(error: GraphQLError) -> ErrorCode:
    """The contract code for a GraphQL error that is not a `GatewayError`."""
    existing = (error.extensions or {}).get("code")
    if isinstance(existing, str) and existing in ErrorCode.__members__:
        return ErrorCode(existing)
    original = error.original_error
    if original is None:
        return ErrorCode.BAD_USER_INPUT
    if error.path is None and isinstance(original, RecursionError):
        return ErrorCode.QUERY_TOO_COMPLEX
    if error.path is None and isinstance(original, _INPUT_ERRORS):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.INTERNAL


def shape_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, GatewayError):
        return GraphQLError(
            original.message,
            nodes=error.nodes,
            path=error.path,
            extensions=original.extensions,
        )
    if "code" in (error.extensions or {}):
        return error  # already shaped, or coded where it was raised
    code = code_of(error)
    if code is not ErrorCode.INTERNAL:
        extensions = {**(error.extensions or {}), "code": code.value}
        message = (
            "The document is nested too deeply"
            if isinstance(original, RecursionError)
            else error.message
        )
        return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=extensions)
    logger.error("unexpected error at %s", error.path, exc_info=original)
    return GraphQLError(
        "Internal server error",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": ErrorCode.INTERNAL.value},
    )


class ShapeErrors(SchemaExtension):
    """Applies `shape_error` to every error of every operation."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        partial = getattr(self.execution_context.context, "partial_errors", None) or []
        raised: list[GraphQLError] = []
        if result is not None and (result.errors or partial):
            raised = [*(result.errors or []), *partial]
            result.errors = [shape_error(error) for error in raised]
        pre = self.execution_context.pre_execution_errors
        if pre:
            raised.extend(pre)
            self.execution_context.pre_execution_errors = [shape_error(e) for e in pre]
        _forget_tracebacks(raised)


def _forget_tracebacks(errors: list[GraphQLError]) -> None:
    """Drops the tracebacks of errors already shaped (and logged, if unexpected).

    A traceback holds the frames it passed through, and those hold the executor that
    holds the error: a reference cycle per failing operation, which would keep the
    request's context and loaders alive until a full cyclic collection
    (tests/test_gc_cycles.py). The answer carries only the shaped copies.
    """
    seen: set[int] = set()
    pending: list[BaseException | None] = list(errors)
    while pending:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        exc.__traceback__ = None
        pending.extend((exc.__cause__, exc.__context__))
        if isinstance(exc, GraphQLError):
            pending.append(exc.original_error)

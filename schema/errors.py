"""Turns every error into the contract's shape: a safe message and `extensions.code`.

Gateway errors already carry their extensions. Parse and validation errors
become BAD_USER_INPUT (or QUERY_TOO_COMPLEX from the operation limits). Anything
else is a bug: it is logged with its traceback here and shown to the client only
as "Internal server error" with code INTERNAL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.errors import ErrorCode, GatewayError

__all__ = ["ShapeErrors", "shape_error"]

logger = logging.getLogger("sessiongraph.errors")

_TOO_COMPLEX_MARKERS = ("exceeds maximum operation depth", "aliases found", "tokens")


def shape_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, GatewayError):
        return GraphQLError(
            original.message,
            nodes=error.nodes,
            path=error.path,
            extensions=original.extensions,
        )
    if original is None or (error.path is None and isinstance(original, (ValueError, TypeError))):
        existing = dict(error.extensions or {})
        if "code" not in existing:
            complex_ = any(marker in error.message for marker in _TOO_COMPLEX_MARKERS)
            existing["code"] = (
                ErrorCode.QUERY_TOO_COMPLEX if complex_ else ErrorCode.BAD_USER_INPUT
            ).value
        return GraphQLError(error.message, nodes=error.nodes, path=error.path, extensions=existing)
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
        if result is not None and (result.errors or partial):
            result.errors = [shape_error(error) for error in [*(result.errors or []), *partial]]
        pre = self.execution_context.pre_execution_errors
        if pre:
            self.execution_context.pre_execution_errors = [shape_error(e) for e in pre]

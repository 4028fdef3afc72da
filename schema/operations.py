"""Operation-level checks: the spec's operation selection rule and the size limits.

The limits (tokens, depth, aliases, introspection depth) answer
QUERY_TOO_COMPLEX; the code is attached where each limit is checked, so no
error is ever classified by the words of its message.

The operation selection rule, which Strawberry relaxes:
With several operations in a document and no `operationName`, the spec says the
request is an error ("GetOperation", GraphQL spec §6.1). Strawberry instead runs
the first operation, so a client that forgot the name silently gets the wrong one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from graphql import (
    ASTValidationRule,
    GraphQLError,
    Lexer,
    OperationDefinitionNode,
    Source,
    TokenKind,
    ValidationContext,
)
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import AddValidationRules, SchemaExtension

from resolvers.errors import ErrorCode

__all__ = ["OperationLimitRules", "RequireOperationName", "TokenLimit", "too_complex"]


class RequireOperationName(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # The public `operation_name` already falls back to the first operation's
        # name, so only the private field tells whether the client sent one.
        provided = getattr(context, "_provided_operation_name", None)
        if document is not None and provided is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                context.pre_execution_errors = [
                    *(context.pre_execution_errors or []),
                    GraphQLError(
                        "Must provide operationName when the document has several operations",
                        extensions={"code": ErrorCode.BAD_USER_INPUT.value},
                    ),
                ]
        yield


class _TooComplexContext:
    """A validation context whose reported errors carry QUERY_TOO_COMPLEX."""

    def __init__(self, inner: ValidationContext) -> None:
        self._inner = inner

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": ErrorCode.QUERY_TOO_COMPLEX.value}
        self._inner.report_error(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def too_complex(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """`rule`, with its errors coded QUERY_TOO_COMPLEX: the code follows the rule, not its words."""

    class TooComplex(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(_TooComplexContext(context))

    TooComplex.__name__ = f"TooComplex{rule.__name__}"
    return TooComplex


class OperationLimitRules(AddValidationRules):
    """Depth, alias and introspection-depth limits, each error coded QUERY_TOO_COMPLEX."""

    def __init__(self, rules: list[type[ASTValidationRule]]) -> None:
        # `rules` come already wrapped by `too_complex`, made once per schema: the
        # validation cache keys on the rule classes.
        super().__init__(rules)

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = tuple(
            _TOO_COMPLEX_INTROSPECTION if rule is MaxIntrospectionDepthRule else rule
            for rule in context.validation_rules
        )
        yield from super().on_operation()


_TOO_COMPLEX_INTROSPECTION = too_complex(MaxIntrospectionDepthRule)


class TokenLimit(SchemaExtension):
    """Refuses a document of more than `max_tokens` tokens before parsing it."""

    def __init__(self, max_tokens: int) -> None:
        self._max = max_tokens

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query
        if query and _more_tokens_than(query, self._max):
            raise GraphQLError(
                f"The document has more than {self._max} tokens",
                extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value},
            )
        yield


@functools.lru_cache(maxsize=1024)
def _more_tokens_than(query: str, limit: int) -> bool:
    # Cached like the parsed documents: a repeated document is not lexed again.
    lexer = Lexer(Source(query))
    try:
        for _ in range(limit + 1):
            if lexer.advance().kind is TokenKind.EOF:
                return False
    except GraphQLError:
        return False  # a syntax error: the parser reports it
    return True

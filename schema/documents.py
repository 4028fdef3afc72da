"""Parsed and validated documents, cached across requests (bounded LRU).

Strawberry's `ParserCache` parses inside its hook, so a syntax error (or the
token limit) escapes the normal parse-error path and reaches the client without
a code. `CachedParse` leaves a document that does not parse to Strawberry's own
parse step, which reports it like any other parse error.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache

__all__ = ["CachedParse"]


class CachedParse(ParserCache):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            try:
                context.graphql_document = self.cached_parse_document(
                    context.query, **context.parse_options
                )
            except GraphQLError:
                context.graphql_document = None  # not cached: parsed (and reported) again
        yield

"""The Strawberry schema: every domain's root fields merged into one federated graph."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from resolvers.errors import GatewayError
from schema import calls, conversations, meet, realtime, unified
from schema.documents import CachedParse
from schema.errors import ShapeErrors
from schema.operations import RequireOperationName
from schema.relay import NodeQuery
from schema.scalars import SCALAR_OVERRIDES

__all__ = ["SDL_PATH", "OperationLimits", "build_schema", "print_sdl"]

SDL_PATH = Path(__file__).with_name("schema.graphql")
_DOMAINS = (meet, conversations, realtime, calls, unified)


@dataclass(frozen=True)
class OperationLimits:
    """Upper bounds on one operation; over them the answer is QUERY_TOO_COMPLEX."""

    max_depth: int = 12
    max_aliases: int = 40
    max_tokens: int = 4000
    # Parsed and validated documents kept (LRU, shared by every request).
    document_cache: int = 512


def _skip_introspection(context: IgnoreContext) -> bool:
    # GraphiQL's introspection query nests `ofType` deeply; it is not a data query.
    return context.field_name.startswith("__")


class GatewaySchema(strawberry.federation.Schema):
    """Logs only unexpected errors: gateway errors are answers, not incidents."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [
            e
            for e in errors
            if e.original_error is not None and not isinstance(e.original_error, GatewayError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


@functools.cache
def build_schema(limits: OperationLimits | None = None) -> strawberry.federation.Schema:
    """The schema for these limits (built once per distinct limits: building is slow)."""
    limits = limits or OperationLimits()
    queries = [NodeQuery, *(q for d in _DOMAINS for q in d.QUERIES)]
    mutations = [m for d in _DOMAINS for m in d.MUTATIONS]
    query = merge_types("Query", tuple(queries))
    mutation = merge_types("Mutation", tuple(mutations)) if mutations else None
    # The limiters' rule classes are made once: ValidationCache keys on the rules, so
    # rules made per request would never hit (and would fill the cache).
    rules = [
        *QueryDepthLimiter(
            max_depth=limits.max_depth, should_ignore=_skip_introspection
        ).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    extensions: list[Any] = [
        # Factories, so every request gets fresh extension instances. The caches run
        # first: they fill in the document and the validation errors the rest reads.
        lambda: CachedParse(maxsize=limits.document_cache),
        lambda: ValidationCache(maxsize=limits.document_cache),
        ShapeErrors,
        RequireOperationName,
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: AddValidationRules(rules),
    ]
    return GatewaySchema(
        query=query,
        mutation=mutation,
        types=[t for d in _DOMAINS for t in d.TYPES],
        federation_version="2.7",
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
    )


def print_sdl() -> str:
    """The SDL with federation directives, as committed in `schema/schema.graphql`."""
    return build_schema().as_str() + "\n"

"""The Strawberry schema: every domain's root fields merged into one federated graph."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, Info

from schema import calls, conversations, meet, realtime, unified
from schema.budget import BudgetLimits, UpstreamCallGuard, warm_estimator
from schema.documents import CachedParse
from schema.entities import representation_error
from schema.errors import ShapeErrors
from schema.execution import GatewayExecutionContext
from schema.extension_hooks import CachedHooksRunner
from schema.lean_resolvers import install_lean_resolvers
from schema.names import RememberingNameConverter
from schema.operations import (
    OperationLimitRules,
    RequireOperationName,
    TokenLimit,
    too_complex,
)
from schema.relay import NodeQuery
from schema.scalars import SCALAR_OVERRIDES
from schema.subscriptions import LiveSubscription

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
    budget: BudgetLimits = field(default_factory=BudgetLimits)


def _skip_introspection(context: IgnoreContext) -> bool:
    # GraphiQL's introspection query nests `ofType` deeply; it is not a data query.
    return context.field_name.startswith("__")


class GatewaySchema(strawberry.federation.Schema):
    """Logs no error itself: `ShapeErrors` logs the unexpected ones, once, with a traceback.

    Gateway errors and client mistakes are answers, not incidents.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        # Hooks found once per extension class, not per request (extension_hooks.py).
        return CachedHooksRunner(execution_context=execution_context, extensions=extensions)

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """Malformed representations fail at their own index; the rest resolve."""
        type_map = self.schema_converter.type_map
        errors = [representation_error(type_map, r) for r in representations]
        valid = [
            FederationAny(dict(r))  # type: ignore[call-overload]
            for r, e in zip(representations, errors, strict=True)
            if e is None
        ]
        resolved = iter(super().entities_resolver(info, valid))
        return [FederationAny(e) if e is not None else next(resolved) for e in errors]


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
    # Their errors are coded QUERY_TOO_COMPLEX by the rules themselves (too_complex).
    rules = [
        too_complex(rule)
        for rule in (
            *QueryDepthLimiter(
                max_depth=limits.max_depth, should_ignore=_skip_introspection
            ).validation_rules,
            *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
        )
    ]
    extensions: list[Any] = [
        # Factories, so every request gets fresh extension instances. The caches run
        # first: they fill in the document and the validation errors the rest reads.
        lambda: CachedParse(maxsize=limits.document_cache),
        lambda: ValidationCache(maxsize=limits.document_cache),
        ShapeErrors,
        RequireOperationName,
        lambda: TokenLimit(limits.max_tokens),
        lambda: OperationLimitRules(rules),
        lambda: UpstreamCallGuard(limits.budget),
    ]
    schema = GatewaySchema(
        query=query,
        mutation=mutation,
        subscription=LiveSubscription,
        types=[t for d in _DOMAINS for t in d.TYPES],
        federation_version="2.7",
        extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=GatewayExecutionContext,
        config=StrawberryConfig(name_converter=RememberingNameConverter()),
    )
    install_lean_resolvers(schema._schema, schema.schema_converter)
    warm_estimator(schema, limits.budget)  # not on the first request's clock
    return schema


def print_sdl() -> str:
    """The SDL with federation directives, as committed in `schema/schema.graphql`."""
    return build_schema().as_str() + "\n"

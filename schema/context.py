"""The typed, request-scoped GraphQL context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import strawberry
from graphql import GraphQLError
from starlette.requests import HTTPConnection

from resolvers.loaders import Loaders

__all__ = ["Context", "Info"]


@dataclass
class Context:
    """Built per request by `app.context`; its loaders die with the request."""

    # A Request, or the WebSocket of a subscription connection.
    request: HTTPConnection | None
    loaders: Loaders
    max_ids: int = 100
    # Errors of fields that still returned data (e.g. one provider of the merged
    # timeline failed); `schema.errors.ShapeErrors` adds them to the response.
    partial_errors: list[GraphQLError] = field(default_factory=list)
    # Live events (subscriptions): the caller's `Authorization`, a factory of fresh
    # loaders for a caller (each event is resolved with its own, as a request is), the
    # event source, and the WebSocket `connection_init` payload (set by Strawberry).
    authorization: str | None = None
    loaders_for: Callable[[str | None], Loaders] | None = None
    events: Any = None
    connection_params: dict[str, Any] | None = None

    def report_partial(self, error: GraphQLError) -> None:
        self.partial_errors.append(error)


Info: TypeAlias = strawberry.Info[Context, None]

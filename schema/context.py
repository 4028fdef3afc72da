"""The typed, request-scoped GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from graphql import GraphQLError
from starlette.requests import Request

from resolvers.loaders import Loaders

__all__ = ["Context", "Info"]


@dataclass
class Context:
    """Built per request by `app.context`; its loaders die with the request."""

    request: Request | None
    loaders: Loaders
    max_ids: int = 100
    # Errors of fields that still returned data (e.g. one provider of the merged
    # timeline failed); `schema.errors.ShapeErrors` adds them to the response.
    partial_errors: list[GraphQLError] = field(default_factory=list)

    def report_partial(self, error: GraphQLError) -> None:
        self.partial_errors.append(error)


Info: TypeAlias = strawberry.Info[Context, None]

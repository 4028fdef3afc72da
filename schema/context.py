"""The typed, request-scoped GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import strawberry
from starlette.requests import Request

from resolvers.loaders import Loaders
from resolvers.paging import Paging

__all__ = ["Context", "Info"]


@dataclass
class Context:
    """Built per request by `app.context`; its loaders die with the request."""

    request: Request | None
    loaders: Loaders
    paging: Paging
    max_ids: int = 100


Info: TypeAlias = strawberry.Info[Context, None]

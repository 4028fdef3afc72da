"""`Query.sessions`: every provider's sessions in one timeline, newest start first."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError

from resolvers.errors import Provider
from resolvers.loaders import TimelineFilter
from resolvers.paging import ConnectionArgs
from resolvers.timestamps import Instant
from schema.context import Info
from schema.interfaces import Session, session_node
from schema.relay import Connection

__all__ = ["MUTATIONS", "QUERIES", "TYPES"]


@strawberry.input(description="Narrows the merged timeline.")
class SessionFilter:
    providers: list[Provider] | None = strawberry.field(
        default=None, description="Only these providers (default: all)."
    )
    started_after: Instant | None = strawberry.field(
        default=None, description="Started at or after this time."
    )
    started_before: Instant | None = strawberry.field(
        default=None, description="Started at or before this time."
    )
    live: bool | None = strawberry.field(
        default=None, description="true: still going on; false: ended."
    )

    def to_data(self) -> TimelineFilter:
        return TimelineFilter(
            started_after=self.started_after, started_before=self.started_before, live=self.live
        )


def _node(item: tuple[Provider, Any]) -> Session:
    provider, wire = item
    return session_node(provider, wire)


@strawberry.type
class UnifiedQuery:
    @strawberry.field(
        description="Sessions of every provider, newest start first (ties: provider, then the "
        "provider's own order). Each page reads about one upstream page per provider. A failing "
        "provider yields the others' sessions plus an error naming it."
    )
    async def sessions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: SessionFilter | None = None,
    ) -> Connection[Session] | None:
        flt = filter or SessionFilter()
        merged = await info.context.loaders.sessions(
            flt.providers, flt.to_data(), ConnectionArgs(first=first, after=after)
        )
        for error in merged.failures:
            info.context.report_partial(
                GraphQLError(
                    f"{error.message}: its sessions are missing from this page",
                    path=info.path.as_list(),
                    extensions=error.extensions,
                )
            )
        return Connection.build(merged.page, _node)


QUERIES: list[type] = [UnifiedQuery]
MUTATIONS: list[type] = []
TYPES: list[type] = []

"""`Query.sessions`: every provider's sessions in one timeline, newest start first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError

from resolvers.cursors import scope_of
from resolvers.discovery.timeline import timeline as discovery_timeline
from resolvers.errors import Provider
from resolvers.meet.timeline import timeline as meet_timeline
from resolvers.merge import MergeStream, merge_forward
from resolvers.paging import PagedSource, check_count
from resolvers.realtimekit.timeline import timeline as realtimekit_timeline
from resolvers.stream.timeline import timeline as stream_timeline
from resolvers.timeline import TimelineFilter
from resolvers.timestamps import Instant
from schema.calls import CallSession
from schema.context import Info
from schema.conversations import Conversation
from schema.interfaces import Session
from schema.meet.records import ConferenceRecord
from schema.realtime import RealtimeSession
from schema.relay import Connection, Edge, PageInfo

__all__ = ["MUTATIONS", "QUERIES", "TYPES"]


@dataclass(frozen=True)
class ProviderTimeline:
    """How one provider takes part in the merged timeline."""

    source: Callable[[Info, TimelineFilter], PagedSource[Any]]
    start_of: Callable[[Any], Instant | None]
    key_of: Callable[[Any], str]
    to_node: Callable[[Any], Session]


TIMELINES: dict[Provider, ProviderTimeline] = {
    Provider.GOOGLE_MEET: ProviderTimeline(
        source=lambda info, flt: meet_timeline(info.context.loaders.meet, flt),
        start_of=lambda wire: wire.start_time,
        key_of=lambda wire: wire.name,
        to_node=ConferenceRecord.from_wire,
    ),
    Provider.VERTEX_AI_SEARCH: ProviderTimeline(
        source=lambda info, flt: discovery_timeline(
            info.context.loaders.discovery, flt, info.context.loaders.discovery.default_parent
        ),
        start_of=lambda wire: wire.start_time,
        key_of=lambda wire: wire.name,
        to_node=Conversation.from_wire,
    ),
    Provider.CLOUDFLARE_REALTIMEKIT: ProviderTimeline(
        source=lambda info, flt: realtimekit_timeline(info.context.loaders.realtimekit, flt),
        start_of=lambda wire: wire.started_at,
        key_of=lambda wire: wire.id,
        to_node=RealtimeSession.from_wire,
    ),
    Provider.STREAM_VIDEO: ProviderTimeline(
        source=lambda info, flt: stream_timeline(info.context.loaders.stream, flt),
        start_of=lambda wire: wire.started_at,
        key_of=lambda wire: f"{wire.call_type}:{wire.call_id}:{wire.call_session_id}",
        to_node=CallSession.from_wire,
    ),
}


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
    ) -> Connection[Session]:
        paging = info.context.paging
        check_count("first", first, paging.max_page_size)
        flt = filter or SessionFilter()
        chosen = [p for p in TIMELINES if flt.providers is None or p in flt.providers]
        timeline_filter = TimelineFilter(
            started_after=flt.started_after, started_before=flt.started_before, live=flt.live
        )
        scope = scope_of("sessions", ",".join(p.value for p in chosen), timeline_filter)
        position = None if after is None else paging.codec.decode(scope, after)
        streams = [
            MergeStream(
                name=p.value,
                source=TIMELINES[p].source(info, timeline_filter),
                start_of=TIMELINES[p].start_of,
                key_of=TIMELINES[p].key_of,
            )
            for p in chosen
        ]
        window = await merge_forward(
            streams, position, paging.default_page_size if first is None else first
        )
        for _provider, error in window.failures:
            info.context.report_partial(
                GraphQLError(
                    f"{error.message}: its sessions are missing from this page",
                    path=info.path.as_list(),
                    extensions=error.extensions,
                )
            )
        edges = [
            Edge(
                cursor=paging.codec.encode(scope, composite),
                node=TIMELINES[Provider(name)].to_node(item),
            )
            for composite, name, item in window.items
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=window.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=None,
        )


QUERIES: list[type] = [UnifiedQuery]
MUTATIONS: list[type] = []
TYPES: list[type] = []

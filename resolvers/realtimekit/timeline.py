"""RealtimeKit's part of the merged `Query.sessions` timeline: sessions, newest start first."""

from __future__ import annotations

from resolvers.paging import WalkedSource
from resolvers.realtimekit import models
from resolvers.realtimekit.loaders import RealtimeKitLoaders
from resolvers.realtimekit.queries import SessionQuery, SessionStatus
from resolvers.spec import TimelineSlot
from resolvers.timeline import TimelineFilter

__all__ = ["TIMELINE", "timeline", "timeline_query"]


def timeline_query(flt: TimelineFilter) -> SessionQuery:
    """The shared filter as RealtimeKit list parameters (all applied upstream).

    RealtimeKit sorts by `createdAt`, not by `started_at`; a session is created when
    its first participant joins, which is when it starts, so the two orders agree.
    """
    status = None if flt.live is None else (SessionStatus.LIVE if flt.live else SessionStatus.ENDED)
    return SessionQuery(
        status=status,
        started_after=flt.started_after,
        started_before=flt.started_before,
        sort_by="createdAt",
        sort_order="DESC",
    )


def timeline(loaders: RealtimeKitLoaders, flt: TimelineFilter) -> WalkedSource[models.Session]:
    """RealtimeKit sessions matching `flt`, newest start first, pageable both ways."""
    return loaders.sessions_pager(timeline_query(flt))


TIMELINE = TimelineSlot(
    source=timeline, start_of=lambda wire: wire.started_at, key_of=lambda wire: wire.id
)

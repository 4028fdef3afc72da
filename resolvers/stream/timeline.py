"""Stream's contribution to the merged `Query.sessions` timeline."""

from __future__ import annotations

from resolvers.paging import PagedSource
from resolvers.stream.filters import CallSessionFilterInput
from resolvers.stream.loaders import StreamLoaders
from resolvers.stream.models import CallStatsSession
from resolvers.timeline import TimelineFilter

__all__ = ["timeline"]


def timeline(loaders: StreamLoaders, flt: TimelineFilter) -> PagedSource[CallStatsSession]:
    """Call sessions newest start first: call_stats sorted by `session_started_at` desc,
    `startedAfter`/`startedBefore` as `$gte`/`$lte`, `live` as `is_active`."""
    return loaders.call_sessions(
        CallSessionFilterInput(
            live=flt.live, started_after=flt.started_after, started_before=flt.started_before
        )
    )

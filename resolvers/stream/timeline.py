"""Stream's contribution to the merged `Query.sessions` timeline."""

from __future__ import annotations

from resolvers.paging import WalkedSource
from resolvers.spec import TimelineSlot
from resolvers.stream.filters import CallSessionFilterInput
from resolvers.stream.loaders import StreamLoaders
from resolvers.stream.models import CallStatsSession
from resolvers.timeline import TimelineFilter

__all__ = ["TIMELINE", "timeline"]


def timeline(loaders: StreamLoaders, flt: TimelineFilter) -> WalkedSource[CallStatsSession]:
    """Call sessions newest start first: call_stats sorted by `session_started_at` desc,
    `startedAfter`/`startedBefore` as `$gte`/`$lte`, `live` as `is_active`."""
    return loaders.call_sessions(
        CallSessionFilterInput(
            live=flt.live, started_after=flt.started_after, started_before=flt.started_before
        )
    )


TIMELINE = TimelineSlot(
    source=timeline,
    start_of=lambda wire: wire.started_at,
    key_of=lambda wire: f"{wire.call_type}:{wire.call_id}:{wire.call_session_id}",
)

"""RealtimeKit's source for the merged timeline: newest start first, filter applied upstream."""

from __future__ import annotations

from app.emulators import EmulatorHub
from app.runtime import Runtime
from app.settings import Settings
from resolvers.realtimekit.timeline import timeline
from resolvers.timeline import TimelineFilter
from resolvers.timestamps import Instant
from tests.realtimekit.upstream import sessions_newest_first


async def test_timeline_pages_live_sessions_newest_first(
    settings: Settings, hub: EmulatorHub
) -> None:
    after = Instant.parse("2026-11-01T09:00:00Z")
    expected = [
        s.id
        for s in sessions_newest_first(hub)
        if s.ended_ms is None and s.started_ms * 1_000_000 >= after.ns
    ]
    runtime = Runtime.create(settings, hub)
    try:
        loaders = runtime.context_for(None).loaders.realtimekit
        source = timeline(loaders, TimelineFilter(started_after=after, live=True))
        head = await source.forward(None, 3)
        rest = await source.forward(head.items[-1][0], 100)
    finally:
        await runtime.close()

    assert [s.id for _, s in head.items + rest.items] == expected
    assert head.has_next is True
    assert rest.has_next is False
    assert head.total == len(expected)
    call = hub.log.entries("realtimekit")[0]
    assert call.query == {
        "sort_by": ["createdAt"],
        "sort_order": ["DESC"],
        "status": ["LIVE"],
        "start_time": ["2026-11-01T09:00:00Z"],
        "page_no": ["1"],
        "per_page": ["3"],
    }

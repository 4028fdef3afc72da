"""Conversations as a `Query.sessions` timeline source: newest start first.

The emulator (and the service, as far as documented) starts a session when it
is created, so ordering by `create_time desc` is ordering by `startTime`, and the
shared `startedAfter`/`startedBefore` become inclusive `create_time` filters.
A conversation is live while it has no `endTime`; v1 has no finished state, so
every conversation is live and `live: false` yields nothing (no upstream call).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from resolvers.discovery import models
from resolvers.discovery.filters import SessionFilter, session_filter
from resolvers.discovery.loaders import DiscoveryLoaders
from resolvers.paging import Batch, PageWindow, WalkedSource
from resolvers.spec import TimelineSlot
from resolvers.timeline import TimelineFilter

__all__ = ["TIMELINE", "TIMELINE_ORDER", "timeline"]

TIMELINE_ORDER = "create_time desc"


class _Nothing:
    """A source with no items (what `live: false` selects)."""

    async def forward(self, after: Any | None, first: int) -> PageWindow[models.Session]:
        return PageWindow(items=[], has_next=False, has_previous=after is not None)

    async def pages(
        self, after: Any | None, window: int
    ) -> AsyncGenerator[Batch[models.Session], None]:
        yield Batch(items=[], more=False)

    async def backward(self, before: Any | None, last: int) -> PageWindow[models.Session]:
        return PageWindow(items=[], has_next=before is not None, has_previous=False)


def timeline(
    loaders: DiscoveryLoaders, flt: TimelineFilter, parent: str
) -> WalkedSource[models.Session]:
    """Sessions under `parent` newest-start first, narrowed by the shared filter upstream."""
    if flt.live is False:
        return _Nothing()
    filter_ = session_filter(
        SessionFilter(created_after=flt.started_after, created_before=flt.started_before)
    )
    return loaders.pager(parent, filter_, TIMELINE_ORDER)


TIMELINE = TimelineSlot(
    source=lambda loaders, flt: timeline(loaders, flt, loaders.default_parent),
    start_of=lambda wire: wire.start_time,
    key_of=lambda wire: wire.name,
)

"""The contract between each provider and the merged `Query.sessions` timeline.

Every provider exposes its sessions as a `PagedSource` ordered by start time,
newest first, with the shared filter applied upstream where the upstream can
filter (and locally otherwise). `Query.sessions` merges those sources.
"""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.timestamps import Instant

__all__ = ["TimelineFilter"]


@dataclass(frozen=True)
class TimelineFilter:
    """`SessionFilter` minus `providers`, as the data layer sees it."""

    started_after: Instant | None = None
    started_before: Instant | None = None
    live: bool | None = None

"""The merged `Query.sessions` timeline as one more `PagedSource` for the connection builder.

Each registered upstream with a timeline slot contributes its listing (newest
start first); `resolvers.merge` interleaves them, and `Paging.run` turns the
merged window into signed cursors and an exact `pageInfo`, like every other
connection. A provider that fails is left out of the page and reported in
`failures`, so the schema can return the others' sessions plus an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from resolvers.cursors import scope_of
from resolvers.errors import GatewayError, Provider, bad_input
from resolvers.merge import MergeStream, merge_forward
from resolvers.paging import ConnectionArgs, ConnectionSlice, PageWindow, Paging
from resolvers.timeline import TimelineFilter

__all__ = ["MergedSessions", "MergedSource", "merged_sessions"]

TimelineItem = tuple[Provider, Any]


@dataclass
class MergedSource:
    """The providers' timelines merged, read forwards from a composite position."""

    streams: list[MergeStream[Any]]
    failures: list[GatewayError] = field(default_factory=list)

    async def forward(self, after: Any | None, first: int) -> PageWindow[TimelineItem]:
        window = await merge_forward(self.streams, after, first)
        self.failures.extend(error for _, error in window.failures)
        return PageWindow(
            items=[(position, (Provider(name), item)) for position, name, item in window.items],
            has_next=window.has_next,
            has_previous=after is not None,
        )

    async def backward(self, before: Any | None, last: int) -> PageWindow[TimelineItem]:
        raise bad_input(
            "The merged timeline pages forwards only: use `first`/`after`", field="last"
        )


@dataclass(frozen=True)
class MergedSessions:
    """One page of the merged timeline, and the providers that failed to answer."""

    page: ConnectionSlice[TimelineItem]
    failures: list[GatewayError]


async def merged_sessions(
    sources: Sequence[tuple[Provider, MergeStream[Any]]],
    flt: TimelineFilter,
    args: ConnectionArgs,
    paging: Paging,
) -> MergedSessions:
    """Run `args` over the merged timeline of `sources` (already narrowed to the chosen ones)."""
    scope = scope_of("sessions", ",".join(p.value for p, _ in sources), flt)
    source = MergedSource([stream for _, stream in sources])
    page = await paging.run(source, args, scope)
    return MergedSessions(page, source.failures)

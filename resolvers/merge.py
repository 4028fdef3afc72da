"""K-way merge of several providers' newest-first listings into one timeline.

Each provider's `PagedSource` is already ordered by start time, newest first.
For a page of `first` items the merge asks every provider for at most `first`
items after its own position (one upstream page each, concurrently), then
repeatedly takes the newest head among them. A provider's items are never
reordered relative to each other, so its position only moves forward.

The composite position remembers, per provider, the position of the last item
taken from it (or that it has nothing more), so the next page resumes every
provider exactly where the last page left it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from resolvers.errors import GatewayError, bad_input
from resolvers.paging import PagedSource, PageWindow
from resolvers.timestamps import Instant

__all__ = ["MergeStream", "MergedWindow", "merge_forward"]

T = TypeVar("T")
_DONE = "done"


@dataclass(frozen=True)
class MergeStream(Generic[T]):
    """One provider's listing and how to read an item's start time and tie-break key."""

    name: str
    source: PagedSource[T]
    start_of: Callable[[T], Instant | None]
    key_of: Callable[[T], str]


@dataclass
class MergedWindow:
    """The merged page: (composite position, stream name, item) in timeline order."""

    items: list[tuple[dict[str, Any], str, Any]] = field(default_factory=list)
    has_next: bool = False
    failures: list[tuple[str, GatewayError]] = field(default_factory=list)


def _sort_key(stream: MergeStream[Any], item: Any) -> tuple[int, str, str]:
    start = stream.start_of(item)
    # Newest first; sessions without a start time go last; ties: provider, then id.
    return (-(start.ns if start else -(2**62)), stream.name, stream.key_of(item))


async def merge_forward(
    streams: list[MergeStream[Any]], after: dict[str, Any] | None, first: int
) -> MergedWindow:
    """Up to `first` items after the composite position `after`."""
    state = _validated(after, streams)
    active = [s for s in streams if state.get(s.name) != _DONE]

    async def read(stream: MergeStream[Any]) -> PageWindow[Any] | GatewayError:
        position = state.get(stream.name)
        try:
            return await stream.source.forward(position, max(first, 1))
        except GatewayError as exc:
            return exc

    windows = await asyncio.gather(*(read(s) for s in active))
    result = MergedWindow()
    heads: dict[str, list[tuple[Any, Any]]] = {}
    more: dict[str, bool] = {}
    for stream, window in zip(active, windows, strict=True):
        if isinstance(window, GatewayError):
            result.failures.append((stream.name, window))
            continue
        heads[stream.name] = list(window.items)
        more[stream.name] = window.has_next
    by_name = {s.name: s for s in streams}
    current = dict(state)
    while len(result.items) < first:
        candidates = [name for name, items in heads.items() if items]
        if not candidates:
            break
        name = min(candidates, key=lambda n: _sort_key(by_name[n], heads[n][0][1]))
        position, item = heads[name].pop(0)
        exhausted = not heads[name] and not more[name]
        current[name] = _DONE if exhausted else position
        result.items.append((dict(current), name, item))
    # A failed provider keeps its old position (later pages retry it) but never makes
    # hasNextPage true on its own: that could promise a page that turns out empty.
    result.has_next = any(heads[name] or more[name] for name in heads)
    return result


def _validated(after: dict[str, Any] | None, streams: list[MergeStream[Any]]) -> dict[str, Any]:
    if after is None:
        return {}
    names = {s.name for s in streams}
    if not isinstance(after, dict) or not set(after) <= names:
        raise bad_input("`after` is not a valid cursor for this connection", field="after")
    return after

"""K-way merge of several providers' newest-first listings into one timeline.

Each provider's `WalkedSource` is already ordered by start time, newest first.
The merge reads every provider's first upstream page concurrently (asking each
for `first + 1` items, the most it could contribute), then repeatedly takes the
newest head among them. A provider's next page is read only when the merge has
taken every item read from it and still needs a head from it, so a page costs
about the upstream calls its items need and no more. A provider's items are
never reordered relative to each other, so its position only moves forward.

`hasNextPage` is exact: true at once when an item read is left over; otherwise
the providers that may have more are read on, one at a time, until one shows an
item or all of them end (a trailing empty page reads as an end).

The composite position remembers, per provider, the position of the last item
taken from it (or that it has nothing more), so the next page resumes every
provider exactly where the last page left it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from resolvers.errors import GatewayError, bad_input
from resolvers.paging import Batch, WalkedSource
from resolvers.timestamps import Instant

__all__ = ["MergeStream", "MergedWindow", "merge_forward"]

T = TypeVar("T")
_DONE = "done"


@dataclass(frozen=True)
class MergeStream(Generic[T]):
    """One provider's listing and how to read an item's start time and tie-break key."""

    name: str
    source: WalkedSource[T]
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


@dataclass
class _Reader:
    """One provider's page walk and the items read from it but not yet taken."""

    stream: MergeStream[Any]
    pages: AsyncGenerator[Batch[Any], None]
    heads: deque[tuple[Any, Any]] = field(default_factory=deque)
    more: bool = True
    failed: bool = False

    async def read(self) -> GatewayError | None:
        """The next page into `heads`; a failure ends this provider for this merge."""
        try:
            batch = await anext(self.pages)
        except StopAsyncIteration:
            self.more = False
            return None
        except GatewayError as exc:
            self.more, self.failed = False, True
            return exc
        self.heads.extend(batch.items)
        self.more = batch.more
        return None


async def merge_forward(
    streams: list[MergeStream[Any]], after: dict[str, Any] | None, first: int
) -> MergedWindow:
    """Up to `first` items after the composite position `after`."""
    state = _validated(after, streams)
    readers = [
        _Reader(s, s.source.pages(state.get(s.name), first + 1))
        for s in streams
        if state.get(s.name) != _DONE
    ]
    result = MergedWindow()
    try:
        await _refill(readers, result)
        current = dict(state)
        while len(result.items) < first:
            await _refill([r for r in readers if not r.heads and r.more], result)
            candidates = [r for r in readers if r.heads]
            if not candidates:
                break
            reader = min(candidates, key=lambda r: _sort_key(r.stream, r.heads[0][1]))
            position, item = reader.heads.popleft()
            exhausted = not reader.heads and not reader.more and not reader.failed
            current[reader.stream.name] = _DONE if exhausted else position
            result.items.append((dict(current), reader.stream.name, item))
        result.has_next = await _any_left(readers, result)
    finally:
        for reader in readers:
            await reader.pages.aclose()
    return result


async def _refill(readers: list[_Reader], result: MergedWindow) -> None:
    errors = await asyncio.gather(*(r.read() for r in readers))
    for reader, error in zip(readers, errors, strict=True):
        if error is not None:
            result.failures.append((reader.stream.name, error))


async def _any_left(readers: list[_Reader], result: MergedWindow) -> bool:
    # A failed provider keeps its old position (later pages retry it) but never makes
    # hasNextPage true on its own: that could promise a page that turns out empty.
    if any(r.heads and not r.failed for r in readers):
        return True
    for reader in readers:
        while reader.more and not reader.heads:
            await _refill([reader], result)
        if reader.heads and not reader.failed:
            return True
    return False


def _validated(after: dict[str, Any] | None, streams: list[MergeStream[Any]]) -> dict[str, Any]:
    if after is None:
        return {}
    names = {s.name for s in streams}
    if not isinstance(after, dict) or not set(after) <= names:
        raise bad_input("`after` is not a valid cursor for this connection", field="after")
    return after

"""Relay paging over Stream's opaque `next`/`prev` cursors (both directions).

Only documented behaviour is used: `limit` sets the page size (1-100), a
response's `next`/`prev` fetch the page right after/before it, and they are
omitted at the ends. Cursor formats are never read, and the gateway sends no
parameter the reference does not list.

A position is the page an item came from plus its index there:
`{"c": cursor, "d": "n"|"p", "l": limit, "k": index}`, where `k` counts from the
page's start for pages read with `next` (or from the start of the listing) and
from its end for pages read with `prev` — the end a `prev` page is anchored to.
Resuming re-reads that page with the same cursor (with a larger `limit` when that
covers more of the window, which keeps the anchor) and carries on via the
page's own `next`/`prev`. An item that closes its page also remembers the page's
`next` ("nx"), one that opens it remembers `prev` ("pv"): resuming from those
costs no re-read. Exactness comes from a one-item peek past the window, or,
reading from the start of an unfiltered listing, from the whole-listing total
the page reports (Stream's `total_participant_sessions`): no peek call then.
The one assumption beyond the letter of the reference: a cursor may be re-sent
with another `limit` and keeps its anchor (what "cursor plus page size" means).
A local `keep` filter (for what Stream cannot filter) reads on until the window
is full, so a very selective one costs more pages.

Costs: `first`/`after` and `last`/`before` read about `ceil((n+1)/limit)` pages
plus at most one re-read, a constant for a given page size. `last` WITHOUT
`before` is different: Stream documents no way to start at the end (no sort,
no offset; `total_participant_sessions` tells how many items there are, not how
to reach them), so the adapter walks forward from the start with the maximum
`limit` (100) and keeps the tail: `ceil(n/100)` calls for `n` items. Once a
client holds a cursor from the end, `last`/`before` steps back in constant calls.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from resolvers.errors import ErrorCode, GatewayError, Provider, bad_input
from resolvers.paging import Batch, PageWindow

__all__ = ["CursorPage", "CursorPager", "PageRequest"]

T = TypeVar("T")
MAX_LIMIT = 100
# A walk longer than this many pages (100,000 items at the maximum limit) is refused.
_MAX_PAGES = 1000


@dataclass(frozen=True)
class PageRequest:
    """One upstream page: `cursor` sent as `next` (or as `prev` when `backward`)."""

    cursor: str | None
    backward: bool
    limit: int


@dataclass(frozen=True)
class CursorPage(Generic[T]):
    items: list[T]
    next: str | None
    prev: str | None
    total: int | None = None


FetchPage = Callable[[PageRequest], Awaitable[CursorPage[T]]]
Keep = Callable[[T], bool]


@dataclass(frozen=True)
class _Position:
    request: PageRequest
    k: int
    nx: str | None = None
    pv: str | None = None

    def index_in(self, page_size: int) -> int:
        return page_size - 1 - self.k if self.request.backward else self.k


class CursorPager(Generic[T]):
    """`PagedSource` over a cursor-paged Stream listing; `keep` filters locally."""

    def __init__(self, fetch: FetchPage[T], *, keep: Keep[T] | None = None) -> None:
        self._fetch = fetch
        self._keep = keep

    async def forward(self, after: Any | None, first: int) -> PageWindow[T]:
        want = first + 1
        if after is None:
            request, start = PageRequest(None, False, _limit(want)), None
        else:
            pos = _decode(after, "after")
            if pos.nx is not None:
                request, start = PageRequest(pos.nx, False, _limit(want)), None
            else:
                request, start = _reread(pos, want, backward=False), pos
        got: list[tuple[Any, T]] = []
        total: int | None = None
        seen: set[tuple[str | None, bool]] = set()
        for _ in range(_MAX_PAGES):
            page = await self._page(request)
            total = page.total if page.total is not None else total
            first_index = 0 if start is None else start.index_in(len(page.items)) + 1
            for index in range(max(0, first_index), len(page.items)):
                self._collect(got, request, page, index)
                if len(got) == want:
                    break
            seen.add((request.cursor, request.backward))
            if total is not None and self._counted(after, total, got, first):
                # From the start, the whole-listing total answers hasNextPage: no peek.
                has_next = len(got) > first or total > len(got[:first])
                return PageWindow(got[:first], has_next, False, total)
            if len(got) >= want or page.next is None or (page.next, False) in seen:
                return PageWindow(got[:first], len(got) > first, after is not None, total)
            request, start = PageRequest(page.next, False, _limit(want)), None
        raise _too_long()

    async def backward(self, before: Any | None, last: int) -> PageWindow[T]:
        if before is None:
            return await self._tail(last)
        want = last + 1
        pos = _decode(before, "before")
        if pos.pv is not None:
            request, end = PageRequest(pos.pv, True, _limit(want)), None
        else:
            request, end = _reread(pos, want, backward=True), pos
        got: list[tuple[Any, T]] = []  # newest first, reversed at the end
        total: int | None = None
        seen: set[tuple[str | None, bool]] = set()
        for _ in range(_MAX_PAGES):
            page = await self._page(request)
            total = page.total if page.total is not None else total
            stop = len(page.items) if end is None else end.index_in(len(page.items))
            for index in range(min(stop, len(page.items)) - 1, -1, -1):
                self._collect(got, request, page, index)
                if len(got) == want:
                    break
            seen.add((request.cursor, request.backward))
            if len(got) >= want or page.prev is None or (page.prev, True) in seen:
                got.reverse()
                items = got[max(0, len(got) - last) :] if last else []
                return PageWindow(items, True, len(got) > last, total)
            request, end = PageRequest(page.prev, True, _limit(want)), None
        raise _too_long()

    async def _tail(self, last: int) -> PageWindow[T]:
        """`last` from the end: walk forward at the maximum limit (see the module doc)."""
        tail: deque[tuple[Any, T]] = deque(maxlen=last + 1)
        request = PageRequest(None, False, MAX_LIMIT)
        total: int | None = None
        seen: set[tuple[str | None, bool]] = set()
        for _ in range(_MAX_PAGES):
            page = await self._page(request)
            total = page.total if page.total is not None else total
            for index in range(len(page.items)):
                self._collect(tail, request, page, index)
            seen.add((request.cursor, request.backward))
            if page.next is None or (page.next, False) in seen:
                items = list(tail)
                return PageWindow(items[-last:] if last else [], False, len(items) > last, total)
            request = PageRequest(page.next, False, MAX_LIMIT)
        raise _too_long()

    async def pages(self, after: Any | None, window: int) -> AsyncGenerator[Batch[T], None]:
        """One batch per upstream page, each asked for `window` items (see `WalkedSource`)."""
        if after is None:
            request, start = PageRequest(None, False, _limit(window)), None
        else:
            pos = _decode(after, "after")
            if pos.nx is not None:
                request, start = PageRequest(pos.nx, False, _limit(window)), None
            else:
                request, start = _reread(pos, window, backward=False), pos
        served = 0
        seen: set[tuple[str | None, bool]] = set()
        for _ in range(_MAX_PAGES):
            page = await self._page(request)
            first_index = 0 if start is None else max(0, start.index_in(len(page.items)) + 1)
            got: list[tuple[Any, T]] = []
            for index in range(first_index, len(page.items)):
                self._collect(got, request, page, index)
            served += len(page.items) - first_index
            seen.add((request.cursor, request.backward))
            counted = (
                after is None and self._keep is None and page.total is not None
            ) and served >= page.total
            more = page.next is not None and (page.next, False) not in seen and not counted
            yield Batch(got, more)
            if not more:
                return
            request, start = PageRequest(page.next, False, _limit(window)), None
        raise _too_long()

    def _counted(self, after: Any | None, total: int, got: list[tuple[Any, T]], first: int) -> bool:
        """Read from the start, unfiltered, with a total: enough once `first` items (or all
        `total` of them) are in hand."""
        if after is not None or self._keep is not None:
            return False
        return len(got) >= min(first, total)

    async def _page(self, request: PageRequest) -> CursorPage[T]:
        return await self._fetch(request)

    def _collect(
        self,
        into: list[tuple[Any, T]] | deque[tuple[Any, T]],
        request: PageRequest,
        page: CursorPage[T],
        index: int,
    ) -> None:
        item = page.items[index]
        if self._keep is not None and not self._keep(item):
            return
        size = len(page.items)
        position: dict[str, Any] = {
            "c": request.cursor,
            "d": "p" if request.backward else "n",
            "l": request.limit,
            "k": size - 1 - index if request.backward else index,
        }
        if index == size - 1 and page.next is not None:
            position["nx"] = page.next
        if index == 0 and page.prev is not None:
            position["pv"] = page.prev
        into.append((position, item))


def _limit(want: int) -> int:
    return max(1, min(MAX_LIMIT, want))


def _reread(pos: _Position, want: int, *, backward: bool) -> PageRequest:
    """The position's page again; grown to cover the window when reading away from its
    anchor (a `next` page forwards, a `prev` page backwards), which keeps the item's `k`."""
    if pos.request.backward != backward:
        return pos.request
    grown = min(MAX_LIMIT, max(pos.request.limit, pos.k + 1 + want))
    return PageRequest(pos.request.cursor, pos.request.backward, grown)


def _decode(raw: Any, argument: str) -> _Position:
    invalid = bad_input(f"`{argument}` is not a valid cursor for this connection", field=argument)
    if not isinstance(raw, dict):
        raise invalid
    cursor, direction, limit, k = raw.get("c"), raw.get("d"), raw.get("l"), raw.get("k")
    nx, pv = raw.get("nx"), raw.get("pv")
    if direction not in ("n", "p") or (direction == "p" and cursor is None):
        raise invalid
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise invalid
    if not isinstance(k, int) or not 0 <= k < MAX_LIMIT:
        raise invalid
    if any(v is not None and not isinstance(v, str) for v in (cursor, nx, pv)):
        raise invalid
    return _Position(PageRequest(cursor, direction == "p", limit), k, nx, pv)


def _too_long() -> GatewayError:
    return GatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        "Stream Video returned too many pages to walk in one request",
        provider=Provider.STREAM_VIDEO,
    )

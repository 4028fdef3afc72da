"""Paging adapters shared by several upstreams: page tokens and page numbers.

`TokenPager` serves Google's `pageToken`/`nextPageToken` lists (Meet, Discovery
Engine); `OffsetPager` serves `page_no`/`per_page` lists (RealtimeKit). Both
implement `resolvers.paging.PagedSource`. Stream's `next`/`prev` cursors have
their own adapter in `resolvers.stream`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from resolvers.errors import ErrorCode, GatewayError, Provider, bad_input
from resolvers.paging import Batch, PageWindow

__all__ = ["OffsetPage", "OffsetPager", "TokenPage", "TokenPager"]

T = TypeVar("T")

# A page walk that makes no progress after this many upstream pages is an upstream fault.
_MAX_PAGES_PER_REQUEST = 64


@dataclass(frozen=True)
class TokenPage(Generic[T]):
    """One page of a Google-style list."""

    items: list[T]
    next_token: str | None = None
    total: int | None = None


FetchTokenPage = Callable[[str | None, int], Awaitable[TokenPage[T]]]


class TokenPager(Generic[T]):
    """Forward-only paging over opaque page tokens.

    A position is `{"t": token, "i": index}`: the page token that produced the
    item and its index in that page. Resuming after it re-reads that page from the
    same token, asking for just enough items (`index + 1 + first + 1`) to skip what
    was already served and peek one past the window. When an item closes its page,
    its position points at the next page's token instead, so resuming costs no
    re-read. Google documents that the service "might return fewer" items than
    asked and that a token may lead to an empty page; both are walked through.
    Where the first page reports the listing's exact total (Meet's `totalSize`),
    a window read from the start needs no peek: `hasNextPage` follows from it.
    """

    def __init__(
        self,
        fetch: FetchTokenPage[T],
        *,
        max_page_size: int,
        provider: Provider,
        what: str,
    ) -> None:
        self._fetch = fetch
        self._max = max_page_size
        self._provider = provider
        self._what = what

    async def forward(self, after: Any | None, first: int) -> PageWindow[T]:
        token, skip = _token_position(after)
        want = first + 1
        collected: list[tuple[Any, T]] = []
        total: int | None = None
        seen_tokens: set[str | None] = set()
        for _ in range(_MAX_PAGES_PER_REQUEST):
            seen_tokens.add(token)
            # The whole window every time: a short page is then followed by as large a
            # one as the upstream gives, not by ever smaller asks for the remainder.
            page = await self._fetch(token, max(1, min(self._max, skip + want)))
            if page.total is not None:
                total = page.total
            for index in range(skip, len(page.items)):
                collected.append((_position(token, page, index), page.items[index]))
                if len(collected) == want:
                    break
            if after is None and total is not None and len(collected) >= min(first, total):
                # From the start, the reported total answers hasNextPage: no peek call.
                has_next = len(collected) > first or total > len(collected[:first])
                return PageWindow(collected[:first], has_next, False, total)
            if len(collected) >= want or not page.next_token:
                return self._window(collected, first, after, total)
            if page.next_token in seen_tokens:
                break
            token, skip = page.next_token, 0
        raise self._no_progress()

    async def pages(self, after: Any | None, window: int) -> AsyncGenerator[Batch[T], None]:
        """One batch per upstream page, each asked for `window` items (see `WalkedSource`)."""
        token, skip = _token_position(after)
        seen_tokens: set[str | None] = set()
        served = 0
        for _ in range(_MAX_PAGES_PER_REQUEST):
            seen_tokens.add(token)
            page = await self._fetch(token, max(1, min(self._max, skip + window)))
            items = [
                (_position(token, page, i), page.items[i]) for i in range(skip, len(page.items))
            ]
            served += len(items)
            counted = after is None and page.total is not None and served >= page.total
            more = bool(page.next_token) and not counted
            yield Batch(items, more)
            if not more:
                return
            if page.next_token in seen_tokens:
                break
            token, skip = page.next_token, 0
        raise self._no_progress()

    def _no_progress(self) -> GatewayError:
        return GatewayError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            f"The upstream kept returning empty pages while listing {self._what}",
            provider=self._provider,
        )

    async def backward(self, before: Any | None, last: int) -> PageWindow[T]:
        raise bad_input(
            f"{self._what} can only be paged forwards (the upstream pages by token): "
            "use `first`/`after` instead of `last`/`before`",
            field="last",
        )

    @staticmethod
    def _window(
        collected: list[tuple[Any, T]], first: int, after: Any | None, total: int | None
    ) -> PageWindow[T]:
        return PageWindow(
            items=collected[:first],
            has_next=len(collected) > first,
            has_previous=after is not None,
            total=total,
        )


def _position(token: str | None, page: TokenPage[Any], index: int) -> dict[str, Any]:
    """Where an item is: its page's token and index, or, for the item that closes its
    page, the next page's token (resuming there costs no re-read)."""
    if index == len(page.items) - 1 and page.next_token:
        return {"t": page.next_token, "i": -1}
    return {"t": token, "i": index}


def _token_position(position: Any | None) -> tuple[str | None, int]:
    if position is None:
        return None, 0
    if not isinstance(position, dict):
        raise bad_input("`after` is not a valid cursor for this connection", field="after")
    token, index = position.get("t"), position.get("i")
    if (token is not None and not isinstance(token, str)) or not isinstance(index, int):
        raise bad_input("`after` is not a valid cursor for this connection", field="after")
    return token, index + 1


@dataclass(frozen=True)
class OffsetPage(Generic[T]):
    """One `page_no`/`per_page` page; `total` when the upstream reports paging."""

    items: list[T]
    total: int | None = None


FetchOffsetPage = Callable[[int, int], Awaitable[OffsetPage[T]]]


@dataclass
class _Range(Generic[T]):
    items: list[tuple[int, T]] = field(default_factory=list)
    total: int | None = None
    exhausted: bool = False
    beyond: bool = False  # the pages read held items past the window


class OffsetPager(Generic[T]):
    """Both-ways paging over 1-based page numbers.

    A position is `{"o": offset}`, the item's 0-based offset in the listing. To
    read `count` items from `start` it looks for a page size whose page boundaries
    put the whole range inside one page, so a window usually costs one call.
    `last` without `before` asks for the total first (one small call), then reads
    the tail directly: a constant number of calls, never a walk from the start.
    """

    def __init__(self, fetch: FetchOffsetPage[T], *, max_page_size: int) -> None:
        self._fetch = fetch
        self._max = max_page_size

    async def forward(self, after: Any | None, first: int) -> PageWindow[T]:
        start = 0 if after is None else _offset(after, "after") + 1
        if first == 0:
            # No items wanted, but totalCount and hasNextPage still must not depend on
            # `first`: one smallest page tells both.
            peek = await self._read(start, 1)
            return PageWindow([], bool(peek.items), start > 0, peek.total)
        got = await self._read(start, first)
        if got.total is not None:
            has_next = start + len(got.items) < got.total
        elif got.beyond or got.exhausted:
            has_next = got.beyond
        else:
            # No reported total: peek one item past the window so hasNextPage is exact.
            peek = await self._read(start + first, 1)
            has_next = bool(peek.items)
        return PageWindow(
            items=[({"o": offset}, item) for offset, item in got.items],
            has_next=has_next,
            has_previous=start > 0,
            total=got.total,
        )

    async def pages(self, after: Any | None, window: int) -> AsyncGenerator[Batch[T], None]:
        """One batch per upstream page (see `WalkedSource`), at a page size that puts
        the first `window` items after `after` in one page."""
        start = 0 if after is None else _offset(after, "after") + 1
        size = self._page_size_for(start, window)
        page_no = start // size + 1
        for _ in range(_MAX_PAGES_PER_REQUEST * 16):
            page = await self._fetch(page_no, size)
            page_start = (page_no - 1) * size
            items = [
                ({"o": page_start + i}, item)
                for i, item in enumerate(page.items)
                if page_start + i >= start
            ]
            end = page_start + len(page.items)
            at_total = page.total is not None and end >= page.total
            more = len(page.items) == size and not at_total
            yield Batch(items, more)
            if not more:
                return
            page_no += 1

    async def backward(self, before: Any | None, last: int) -> PageWindow[T]:
        total: int | None = None
        if before is None:
            probe = await self._fetch(1, 1)
            if probe.total is None:
                return await self._backward_by_walking(last)
            total = end = probe.total
        else:
            end = _offset(before, "before")
        start = max(0, end - last)
        got = await self._read(start, end - start) if end > start else _Range[T]()
        return PageWindow(
            items=[({"o": offset}, item) for offset, item in got.items],
            has_next=before is not None,
            has_previous=start > 0,
            total=got.total if got.total is not None else total,
        )

    async def _backward_by_walking(self, last: int) -> PageWindow[T]:
        # Without a reported total the only way to find the end is to walk to it.
        got = await self._read(0, None)
        tail = got.items[-last:] if last else []
        return PageWindow(
            items=[({"o": offset}, item) for offset, item in tail],
            has_next=False,
            has_previous=len(got.items) > len(tail),
            total=None,
        )

    def _page_size_for(self, start: int, count: int) -> int:
        for size in range(max(count, 1), self._max + 1):
            if start // size == (start + count - 1) // size:
                return size
        return self._max

    async def _read(self, start: int, count: int | None) -> _Range[T]:
        """Items [start, start+count) (count None: to the end), fewest calls first."""
        result = _Range[T]()
        size = self._max if count is None else self._page_size_for(start, count)
        offset = start
        for _ in range(_MAX_PAGES_PER_REQUEST * 16):
            page_no = offset // size + 1
            page = await self._fetch(page_no, size)
            if page.total is not None:
                result.total = page.total
            page_start = (page_no - 1) * size
            for index, item in enumerate(page.items):
                absolute = page_start + index
                if absolute >= offset and (count is None or absolute < start + count):
                    result.items.append((absolute, item))
                elif count is not None and absolute >= start + count:
                    result.beyond = True
            offset = page_start + len(page.items)
            short = len(page.items) < size
            at_total = result.total is not None and offset >= result.total
            if short or at_total or (count is not None and offset >= start + count):
                result.exhausted = short or at_total
                return result
        return result


def _offset(position: Any, argument: str) -> int:
    if isinstance(position, dict) and isinstance(position.get("o"), int) and position["o"] >= 0:
        return int(position["o"])
    raise bad_input(f"`{argument}` is not a valid cursor for this connection", field=argument)

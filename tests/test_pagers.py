"""The shared paging adapters on their own: Google page tokens, page numbers, Stream cursors.

Each adapter runs over an in-memory listing that records every page it was
asked for, so the tests pin both what a window holds (every item once, in
order, an exact `has_next`) and what it costs (upstream pages per window).
The cursor adapter's own edge cases live in tests/stream/test_paging.py; here
all three also go through the one connection builder, `Paging.run`.
"""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.cursors import CursorCodec
from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.pagers import OffsetPage, OffsetPager, TokenPage, TokenPager
from resolvers.paging import ConnectionArgs, PagedSource, PageWindow, Paging
from resolvers.stream.paging import CursorPage, CursorPager, PageRequest


class TokenListing:
    """Google-style: `pageToken` is the next offset; `short` serves fewer than asked."""

    def __init__(self, size: int, *, short: bool = False, empty_pages: int = 0) -> None:
        self.items = list(range(size))
        self.short = short
        self.empty_pages = empty_pages
        self.calls: list[tuple[str | None, int]] = []

    async def fetch(self, token: str | None, size: int) -> TokenPage[int]:
        self.calls.append((token, size))
        if token is not None and token.startswith("empty"):
            left = int(token.split(":")[1])
            after = f"empty:{left - 1}" if left > 1 else "0"
            return TokenPage([], next_token=after)
        if token is None and self.empty_pages:
            return TokenPage([], next_token=f"empty:{self.empty_pages}")
        start = int(token or 0)
        take = max(1, size // 2) if self.short else size
        end = min(len(self.items), start + take)
        return TokenPage(self.items[start:end], str(end) if end < len(self.items) else None)


class OffsetListing:
    """`page_no`/`per_page`; `with_total` says whether the upstream reports the total."""

    def __init__(self, size: int, *, with_total: bool = True) -> None:
        self.items = list(range(size))
        self.with_total = with_total
        self.calls: list[tuple[int, int]] = []

    async def fetch(self, page_no: int, per_page: int) -> OffsetPage[int]:
        self.calls.append((page_no, per_page))
        start = (page_no - 1) * per_page
        total = len(self.items) if self.with_total else None
        return OffsetPage(self.items[start : start + per_page], total)


class CursorListing:
    """Stream-style `next`/`prev` cursors."""

    def __init__(self, size: int) -> None:
        self.items = list(range(size))
        self.calls: list[PageRequest] = []

    async def fetch(self, request: PageRequest) -> CursorPage[int]:
        self.calls.append(request)
        n = len(self.items)
        if request.cursor is None:
            start, end = 0, min(n, request.limit)
        elif request.backward:
            end = int(request.cursor)
            start = max(0, end - request.limit)
        else:
            start = int(request.cursor)
            end = min(n, start + request.limit)
        return CursorPage(
            self.items[start:end], str(end) if end < n else None, str(start) if start else None, n
        )


def token_pager(listing: TokenListing, max_page_size: int = 10) -> TokenPager[int]:
    return TokenPager(
        listing.fetch, max_page_size=max_page_size, provider=Provider.GOOGLE_MEET, what="things"
    )


def values(window: PageWindow[int]) -> list[int]:
    return [item for _, item in window.items]


async def walk(source: PagedSource[int], first: int) -> tuple[list[int], int]:
    """Every item by forward windows of `first`; and how many windows it took."""
    seen: list[int] = []
    after: Any = None
    windows = 0
    while True:
        window = await source.forward(after, first)
        windows += 1
        seen += values(window)
        assert window.has_previous is (after is not None)
        if not window.has_next:
            return seen, windows
        assert window.items, "has_next promised an edge that never came"
        after = window.items[-1][0]


# --- TokenPager ----------------------------------------------------------------------


@pytest.mark.parametrize("short", [False, True])
@pytest.mark.parametrize(("size", "first"), [(0, 3), (1, 3), (9, 3), (10, 3), (25, 10), (7, 1)])
async def test_token_pager_visits_every_item_once(size: int, first: int, short: bool) -> None:
    seen, windows = await walk(token_pager(TokenListing(size, short=short)), first)
    assert seen == list(range(size))
    assert windows == max(1, -(-size // first))


async def test_token_pager_resumes_by_rereading_its_page_not_the_listing() -> None:
    # Given a second window that ended inside the upstream page read from token "4"
    listing = TokenListing(12)
    pager = token_pager(listing, max_page_size=4)
    first = await pager.forward(None, 3)
    second = await pager.forward(first.items[-1][0], 3)
    # When the third window resumes after its last item
    listing.calls.clear()
    third = await pager.forward(second.items[-1][0], 3)
    # Then it re-reads from that page's own token, never from the listing start
    assert [values(w) for w in (first, second, third)] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert listing.calls[0][0] == "4"
    assert None not in [token for token, _ in listing.calls]


async def test_token_pager_walks_through_empty_pages() -> None:
    listing = TokenListing(4, empty_pages=2)
    window = await token_pager(listing).forward(None, 3)
    assert values(window) == [0, 1, 2]
    assert window.has_next is True
    assert [token for token, _ in listing.calls][:3] == [None, "empty:2", "empty:1"]


async def test_token_pager_refuses_backwards_and_foreign_positions() -> None:
    pager = token_pager(TokenListing(3))
    with pytest.raises(GatewayError) as backwards:
        await pager.backward(None, 2)
    assert (backwards.value.code, backwards.value.field) == (ErrorCode.BAD_USER_INPUT, "last")
    with pytest.raises(GatewayError) as foreign:
        await pager.forward({"o": 1}, 2)
    assert foreign.value.code is ErrorCode.BAD_USER_INPUT


async def test_token_pager_gives_up_on_an_upstream_that_never_progresses() -> None:
    async def loop(token: str | None, size: int) -> TokenPage[int]:
        return TokenPage([], next_token=f"t{int((token or 't0')[1:]) + 1}")

    pager = TokenPager(loop, max_page_size=5, provider=Provider.GOOGLE_MEET, what="things")
    with pytest.raises(GatewayError) as stuck:
        await pager.forward(None, 2)
    assert stuck.value.code is ErrorCode.UPSTREAM_UNAVAILABLE


# --- OffsetPager ---------------------------------------------------------------------


@pytest.mark.parametrize("with_total", [True, False])
@pytest.mark.parametrize(("size", "first"), [(0, 3), (1, 3), (9, 3), (10, 4), (23, 7)])
async def test_offset_pager_visits_every_item_once(size: int, first: int, with_total: bool) -> None:
    listing = OffsetListing(size, with_total=with_total)
    seen, _ = await walk(OffsetPager(listing.fetch, max_page_size=10), first)
    assert seen == list(range(size))


async def test_offset_pager_reads_a_window_in_one_call_when_a_page_size_fits() -> None:
    listing = OffsetListing(50)
    pager = OffsetPager(listing.fetch, max_page_size=25)
    window = await pager.forward({"o": 5}, 5)  # items 6..10
    assert values(window) == [6, 7, 8, 9, 10]
    assert (window.has_next, window.has_previous, window.total) == (True, True, 50)
    assert len(listing.calls) == 1


async def test_offset_pager_reads_the_tail_in_constant_calls() -> None:
    listing = OffsetListing(1000)
    pager = OffsetPager(listing.fetch, max_page_size=100)
    window = await pager.backward(None, 3)
    assert values(window) == [997, 998, 999]
    assert (window.has_next, window.has_previous) == (False, True)
    assert len(listing.calls) <= 3  # the total probe, then the tail itself
    earlier = await pager.backward(window.items[0][0], 3)
    assert values(earlier) == [994, 995, 996]
    assert earlier.has_next is True


async def test_offset_pager_without_a_total_walks_to_find_the_end() -> None:
    listing = OffsetListing(12, with_total=False)
    window = await OffsetPager(listing.fetch, max_page_size=5).backward(None, 2)
    assert values(window) == [10, 11]
    assert (window.has_next, window.has_previous, window.total) == (False, True, None)


async def test_offset_pager_refuses_foreign_positions() -> None:
    pager = OffsetPager(OffsetListing(3).fetch, max_page_size=5)
    for position in ({"t": "x", "i": 0}, {"o": -1}, "o1"):
        with pytest.raises(GatewayError) as bad:
            await pager.forward(position, 1)
        assert bad.value.code is ErrorCode.BAD_USER_INPUT


# --- CursorPager (Stream) ------------------------------------------------------------


@pytest.mark.parametrize(("size", "first"), [(0, 3), (5, 5), (11, 3), (205, 100)])
async def test_cursor_pager_visits_every_item_once(size: int, first: int) -> None:
    seen, windows = await walk(CursorPager(CursorListing(size).fetch), first)
    assert seen == list(range(size))
    assert windows == max(1, -(-size // first))


# --- all three through the one connection builder ------------------------------------


def _sources() -> list[tuple[str, PagedSource[int]]]:
    return [
        ("token", token_pager(TokenListing(7))),
        ("offset", OffsetPager(OffsetListing(7).fetch, max_page_size=10)),
        ("cursor", CursorPager(CursorListing(7).fetch)),
    ]


@pytest.mark.parametrize(
    ("name", "source"), _sources(), ids=lambda v: v if isinstance(v, str) else ""
)
async def test_every_pager_pages_through_the_connection_builder(
    name: str, source: PagedSource[int]
) -> None:
    paging = Paging(CursorCodec(b"pager-test-secret-0123"), max_page_size=10, default_page_size=3)
    first = await paging.run(source, ConnectionArgs(first=4), scope=name)
    rest = await paging.run(source, ConnectionArgs(first=4, after=first.end_cursor), scope=name)
    assert [item for _, item in first.edges + rest.edges] == list(range(7))
    assert (first.has_next_page, rest.has_next_page) == (True, False)
    assert rest.has_previous_page is True
    # A cursor minted for another connection is refused before the pager is asked.
    with pytest.raises(GatewayError) as foreign:
        await paging.run(source, ConnectionArgs(first=2, after=first.end_cursor), scope="other")
    assert (foreign.value.code, foreign.value.field) == (ErrorCode.BAD_USER_INPUT, "after")

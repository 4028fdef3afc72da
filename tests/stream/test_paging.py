"""The Stream cursor adapter over an in-memory cursor listing (exact calls, both ways)."""

from __future__ import annotations

import pytest

from resolvers.errors import GatewayError
from resolvers.paging import PageWindow
from resolvers.stream.paging import CursorPage, CursorPager, PageRequest


class FakeListing:
    """`next`/`prev` cursors as Stream documents them; the adapter never reads their format."""

    def __init__(self, size: int, *, short: bool = False) -> None:
        self.items = list(range(size))
        self.short = short
        self.requests: list[PageRequest] = []

    async def fetch(self, request: PageRequest) -> CursorPage[int]:
        self.requests.append(request)
        limit = max(1, (request.limit + 1) // 2) if self.short else request.limit
        n = len(self.items)
        if request.cursor is None:
            start, end = 0, min(n, limit)
        elif request.backward:
            end = int(request.cursor[1:])
            start = max(0, end - limit)
        else:
            start = int(request.cursor[1:])
            end = min(n, start + limit)
        return CursorPage(
            self.items[start:end],
            next=f"o{end}" if end < n else None,
            prev=f"o{start}" if start > 0 else None,
            total=n,
        )


def values(window: PageWindow[int]) -> list[int]:
    return [item for _, item in window.items]


async def walk_forward(pager: CursorPager[int], first: int) -> list[int]:
    seen: list[int] = []
    after = None
    while True:
        window = await pager.forward(after, first)
        seen += values(window)
        if not window.has_next:
            return seen
        after = window.items[-1][0]


async def walk_backward(pager: CursorPager[int], last: int) -> list[int]:
    seen: list[int] = []
    before = None
    while True:
        window = await pager.backward(before, last)
        seen = values(window) + seen
        if not window.has_previous:
            return seen
        before = window.items[0][0]


@pytest.mark.parametrize("short", [False, True])
@pytest.mark.parametrize(("size", "page"), [(0, 5), (1, 5), (10, 5), (101, 100), (257, 7)])
async def test_walks_visit_every_item_once_in_order(size: int, page: int, short: bool) -> None:
    listing = FakeListing(size, short=short)
    pager = CursorPager(listing.fetch)
    assert await walk_forward(pager, page) == list(range(size))
    assert await walk_backward(pager, page) == list(range(size))


async def test_first_window_is_exact_with_one_call() -> None:
    listing = FakeListing(30)
    window = await CursorPager(listing.fetch).forward(None, 10)
    assert values(window) == list(range(10))
    assert (window.has_next, window.has_previous, window.total) == (True, False, 30)
    assert listing.requests == [PageRequest(None, False, 11)]


async def test_has_next_is_false_exactly_at_the_end() -> None:
    listing = FakeListing(20)
    pager = CursorPager(listing.fetch)
    first = await pager.forward(None, 10)
    second = await pager.forward(first.items[-1][0], 10)
    assert values(second) == list(range(10, 20))
    assert (second.has_next, second.has_previous) == (False, True)


async def test_last_without_before_walks_forward_at_the_maximum_limit() -> None:
    listing = FakeListing(1234)
    window = await CursorPager(listing.fetch).backward(None, 10)
    assert values(window) == list(range(1224, 1234))
    assert (window.has_next, window.has_previous) == (False, True)
    assert len(listing.requests) == 13
    assert {r.limit for r in listing.requests} == {100}


async def test_last_before_a_cursor_costs_constant_calls() -> None:
    listing = FakeListing(1234)
    pager = CursorPager(listing.fetch)
    tail = await pager.backward(None, 10)
    listing.requests.clear()
    window = await pager.backward(tail.items[0][0], 10)
    assert values(window) == list(range(1214, 1224))
    assert (window.has_next, window.has_previous) == (True, True)
    assert len(listing.requests) == 1


async def test_after_a_cursor_from_a_prev_page_carries_on_forwards() -> None:
    listing = FakeListing(50)
    pager = CursorPager(listing.fetch)
    tail = await pager.backward(None, 5)
    back = await pager.backward(tail.items[0][0], 5)
    assert values(back) == [40, 41, 42, 43, 44]
    again = await pager.forward(back.items[1][0], 6)
    assert values(again) == [42, 43, 44, 45, 46, 47]
    assert again.has_next


async def test_local_filter_keeps_pages_full() -> None:
    listing = FakeListing(100)
    pager = CursorPager(listing.fetch, keep=lambda n: n % 3 == 0)
    window = await pager.forward(None, 5)
    assert values(window) == [0, 3, 6, 9, 12]
    assert window.has_next
    assert await walk_forward(pager, 7) == list(range(0, 100, 3))


@pytest.mark.parametrize(
    "position",
    ["x", {"c": None, "d": "p", "l": 5, "k": 0}, {"c": 1, "d": "n", "l": 5, "k": 0}, {"d": "n"}],
)
async def test_malformed_positions_are_bad_user_input(position: object) -> None:
    pager = CursorPager(FakeListing(10).fetch)
    with pytest.raises(GatewayError, match="not a valid cursor") as caught:
        await pager.forward(position, 3)
    assert caught.value.code.value == "BAD_USER_INPUT"

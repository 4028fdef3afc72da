"""One Relay connection builder over every upstream's paging.

Each upstream gets an adapter that answers "give me `n` items after (or before) a
position" — `PagedSource`. `paginate` validates the Relay arguments, decodes
signed cursors into adapter positions, asks the adapter, and encodes the answer
back into edges with an exact `pageInfo`.

Exactness comes from peeking one item past the requested window, so
`hasNextPage: true` always means at least one more edge exists.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from resolvers.cursors import CursorCodec
from resolvers.errors import bad_input

__all__ = [
    "Batch",
    "ConnectionArgs",
    "ConnectionSlice",
    "PageWindow",
    "PagedSource",
    "Paging",
    "WalkedSource",
    "check_count",
    "paginate",
]

T = TypeVar("T")
Position = Any  # JSON-serialisable adapter position, opaque to the builder


@dataclass(frozen=True)
class PageWindow(Generic[T]):
    """What an adapter found: items with their positions, in connection order."""

    items: list[tuple[Position, T]]
    has_next: bool
    has_previous: bool
    total: int | None = None


class PagedSource(Protocol[T]):
    """An upstream listing seen as a sequence that can be read from a position."""

    async def forward(self, after: Position | None, first: int) -> PageWindow[T]: ...

    async def backward(self, before: Position | None, last: int) -> PageWindow[T]: ...


@dataclass(frozen=True)
class Batch(Generic[T]):
    """The items one upstream page added, and whether another page may hold more."""

    items: list[tuple[Position, T]]
    more: bool


class WalkedSource(PagedSource[T], Protocol[T]):
    """A listing that can also be read one upstream page at a time, for a consumer (the
    timeline merge) that knows only page by page how much of it it needs. `window` is
    the most items the consumer could take, the size to ask each page for."""

    def pages(self, after: Position | None, window: int) -> AsyncGenerator[Batch[T], None]: ...


@dataclass(frozen=True)
class ConnectionArgs:
    """The Relay arguments of one connection field."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


@dataclass
class ConnectionSlice(Generic[T]):
    """Items and page info, ready for the GraphQL connection type.

    Cursors are signed when read, not when the page is built: a page of 100 edges
    whose query selects no `cursor` signs nothing (HMAC and base64 per edge were a
    twentieth of the attendance page's CPU), and one that does signs each once.
    """

    items: list[T] = field(default_factory=list)
    has_next_page: bool = False
    has_previous_page: bool = False
    total_count: int | None = None
    positions: list[Position] = field(default_factory=list)
    scope: str = ""
    codec: CursorCodec | None = None
    _cursors: dict[int, str] = field(default_factory=dict, repr=False)

    def cursor_at(self, index: int) -> str:
        """The signed cursor of the item at `index`."""
        cursor = self._cursors.get(index)
        if cursor is None:
            if self.codec is None:
                raise ValueError("a slice without a codec has no cursors")
            cursor = self._cursors[index] = self.codec.encode(self.scope, self.positions[index])
        return cursor

    @property
    def edges(self) -> list[tuple[str, T]]:
        """(cursor, item) pairs, every cursor signed."""
        return [(self.cursor_at(i), item) for i, item in enumerate(self.items)]

    @property
    def start_cursor(self) -> str | None:
        return self.cursor_at(0) if self.items else None

    @property
    def end_cursor(self) -> str | None:
        return self.cursor_at(len(self.items) - 1) if self.items else None


def check_count(name: str, value: int | None, maximum: int) -> None:
    if value is None:
        return
    if value < 0:
        raise bad_input(f"`{name}` must be between 0 and {maximum}, got {value}", field=name)
    if value > maximum:
        raise bad_input(
            f"`{name}` must be between 0 and {maximum} (the maximum page size), got {value}",
            field=name,
        )


async def paginate(
    source: PagedSource[T],
    args: ConnectionArgs,
    *,
    scope: str,
    codec: CursorCodec,
    max_page_size: int,
    default_page_size: int,
) -> ConnectionSlice[T]:
    """Run one Relay connection request against `source`."""
    check_count("first", args.first, max_page_size)
    check_count("last", args.last, max_page_size)
    if args.first is not None and args.last is not None:
        raise bad_input("Pass either `first` or `last`, not both", field="last")
    if args.after is not None and args.before is not None:
        raise bad_input("Pass either `after` or `before`, not both", field="before")
    if args.before is not None and args.first is not None:
        raise bad_input("`before` pages backwards: pair it with `last`", field="before")
    if args.after is not None and args.last is not None:
        raise bad_input("`after` pages forwards: pair it with `first`", field="after")

    backwards = args.last is not None or args.before is not None
    if backwards:
        before = (
            None if args.before is None else codec.decode(scope, args.before, argument="before")
        )
        count = args.last if args.last is not None else default_page_size
        window = await source.backward(before, count)
    else:
        after = None if args.after is None else codec.decode(scope, args.after, argument="after")
        count = args.first if args.first is not None else default_page_size
        window = await source.forward(after, count)

    return ConnectionSlice(
        items=[item for _, item in window.items],
        positions=[position for position, _ in window.items],
        scope=scope,
        codec=codec,
        has_next_page=window.has_next,
        has_previous_page=window.has_previous,
        total_count=window.total,
    )


@dataclass(frozen=True)
class Paging:
    """The request's paging configuration: cursor codec and page-size limits."""

    codec: CursorCodec
    max_page_size: int
    default_page_size: int

    async def run(
        self, source: PagedSource[T], args: ConnectionArgs, scope: str
    ) -> ConnectionSlice[T]:
        return await paginate(
            source,
            args,
            scope=scope,
            codec=self.codec,
            max_page_size=self.max_page_size,
            default_page_size=self.default_page_size,
        )

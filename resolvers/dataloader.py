"""A typed face for aiodataloader, plus the batch function used for upstreams without batch reads.

None of the four upstreams has a batch-get endpoint, so "one batch" means: the
keys asked for in one tick, de-duplicated, fetched concurrently. The contract of
a batch function is kept exactly: one result per key in key order, `None` for
not-found, an exception instance for a key that failed (only that field errors).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar, cast

from aiodataloader import DataLoader

from resolvers.errors import ErrorCode, GatewayError

__all__ = ["Loader", "fetch_each", "gather_each", "weakly"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BatchFn = Callable[[Sequence[K]], Awaitable[Sequence[V | BaseException]]]


class Loader(Generic[K, V]):
    """A per-request dataloader: same key twice costs one load; keys of one tick batch.

    It lives as long as the request's loader set that built it (batch functions may
    hold their set weakly, see `weakly`): reach it through the request's context.
    """

    def __init__(self, batch: BatchFn[K, V], *, max_batch_size: int | None = None) -> None:
        async def batch_load(keys: list[K]) -> list[V | BaseException]:
            return list(await batch(keys))

        self._inner = DataLoader(batch_load_fn=batch_load, max_batch_size=max_batch_size)

    async def load(self, key: K) -> V:
        return cast("V", await self._inner.load(key))

    async def load_many(self, keys: Sequence[K]) -> list[V]:
        return cast("list[V]", await self._inner.load_many(list(keys)))

    def prime(self, key: K, value: V) -> None:
        """Seed the cache with a value another call already returned."""
        self._inner.prime(key, value)

    def clear(self, key: K) -> None:
        self._inner.clear(key)

    def clear_all(self) -> None:
        self._inner.clear_all()


def weakly(method: Callable[[K], Awaitable[V]]) -> Callable[[K], Awaitable[V]]:
    """A loader set's own method, for the batch functions of the loaders it owns.

    Held strongly, the method's `self` would close a reference cycle (set -> loader
    -> batch function -> set), and each request's loaders, with every page and
    record they remember, would outlive the request until the cyclic collector's
    next full pass: on the attendance page, ~500 objects a request reached only by
    full collections, which then took ~0.5 ms a request. Held weakly, they are freed
    when the request lets go of them.
    """
    ref = weakref.WeakMethod(method)

    async def call(key: K) -> V:
        bound = ref()
        if bound is None:  # only once the request is over: nobody waits for the answer
            raise RuntimeError("the request's loaders are gone")
        return await bound(key)

    return call


def gather_each(fetch: Callable[[K], Awaitable[V]]) -> BatchFn[K, V]:
    """The one per-key gather: every key fetched concurrently, results in key order.

    A key whose fetch fails gets its exception as its result, so only the fields
    that read that key error (list pages use this directly).
    """

    async def one(key: K) -> V | BaseException:
        try:
            return await fetch(key)
        except Exception as exc:  # returned, not raised: the dataloader contract
            return exc

    async def batch(keys: Sequence[K]) -> Sequence[V | BaseException]:
        return await asyncio.gather(*(one(key) for key in keys))

    return batch


def fetch_each(fetch: Callable[[K], Awaitable[V]]) -> BatchFn[K, V | None]:
    """`gather_each` for lookups by key: NOT_FOUND becomes `None`."""

    async def or_none(key: K) -> V | None:
        try:
            return await fetch(key)
        except GatewayError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                return None
            raise

    return gather_each(or_none)

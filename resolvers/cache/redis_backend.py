"""The shared cache: one Redis for every replica (the `redis` package's asyncio client).

Values are orjson bytes written with a TTL (`SET … PX`); each tag is a Redis
set of the keys stored under it, so a write on any replica invalidates for all.
Every command runs under a short timeout, and any failure (refused connection,
timeout, a Redis error) degrades to "no cache": reads miss, writes are dropped,
one warning is logged when the outage starts and one line when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from resolvers.cache.backend import Entry

__all__ = ["RedisBackend"]

log = logging.getLogger("sessiongraph.cache")
T = TypeVar("T")


class RedisBackend:
    """A `CacheBackend` over Redis; never raises for an unavailable Redis."""

    name = "redis"

    def __init__(self, url: str, *, timeout: float = 1.0, connections: int = 64) -> None:
        # A bounded pool: a burst of lookups queues for a connection instead of opening
        # hundreds at once (which is slower than waiting, and looks like an outage).
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=connections,
            timeout=timeout * 2,  # waiting for a free connection in a burst is not an outage
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        self.client: aioredis.Redis = aioredis.Redis(connection_pool=pool)
        # Shared by everything on this Redis (upstream reads, operation results): one
        # outage is one warning, whichever of them meets it first.
        self._timeout = timeout
        self.available = True
        self.failures = 0

    async def guarded(self, action: Callable[[], Awaitable[T]], fallback: T) -> T:
        """`action`'s result, or `fallback` if Redis fails or is too slow (logged once)."""
        try:
            async with asyncio.timeout(self._timeout * 3):
                result = await action()
        except (RedisError, OSError, TimeoutError) as exc:
            self.failures += 1
            if self.available:
                log.warning(
                    "cache: Redis unavailable (%s); serving without a cache", type(exc).__name__
                )
            self.available = False
            return fallback
        if not self.available:
            log.warning("cache: Redis reachable again; cache resumed")
            self.available = True
        return result

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []

        async def read() -> list[bytes | None]:
            values = await self.client.mget(list(keys))
            return [value if isinstance(value, bytes) else None for value in values]

        return await self.guarded(read, [None] * len(keys))

    async def put_many(self, entries: Sequence[Entry]) -> None:
        kept = [(key, value, int(ttl * 1000), tags) for key, value, ttl, tags in entries]
        kept = [entry for entry in kept if entry[2] > 0]
        if not kept:
            return

        async def write() -> None:
            # One round trip for the entry and the facts learned with it.
            async with self.client.pipeline(transaction=False) as pipe:
                for key, value, milliseconds, tags in kept:
                    pipe.set(key, value, px=milliseconds)
                    for tag in tags:
                        pipe.sadd(tag, key)
                        # A tag outlives its newest entry; stale members are harmless to delete.
                        pipe.pexpire(tag, milliseconds, gt=True)
                        pipe.pexpire(tag, milliseconds, nx=True)
                await pipe.execute()

        await self.guarded(write, None)

    async def invalidate(self, tags: Sequence[str]) -> None:
        async def drop() -> None:
            for tag in tags:
                members = await self.client.smembers(tag)  # type: ignore[misc]
                await self.client.delete(tag, *members)

        await self.guarded(drop, None)

    async def close(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self.client.aclose()

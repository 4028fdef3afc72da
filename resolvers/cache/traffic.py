"""The cache in front of `UpstreamHttp`: lookups, in-flight sharing, storing, invalidation.

One `TrafficCache` per process holds the backend, the identity key, the clock
and the calls in flight; each upstream gets an `UpstreamCache` view with its
own policy. A hit never reaches the HTTP layer, so it spends no quota, no
retry and no concurrency slot.
"""

from __future__ import annotations

import asyncio
import os
import struct
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from resolvers.cache import dependencies
from resolvers.cache.backend import CacheBackend, Clock, Entry
from resolvers.cache.keys import IdentityKey, entry_key, fact_key, tag_key
from resolvers.cache.policy import CachePolicy, Kind, Lifetime, Read
from resolvers.errors import Provider
from resolvers.observe import NULL_OBSERVER, UpstreamObserver

__all__ = ["STAMP_SIZE", "Lifetimes", "TrafficCache", "UpstreamCache"]

_MAX_WRITTEN = 10_000
# Expiry (epoch seconds), HTTP status, a random stamp; then the body bytes. The header
# names one stored instance of an entry: an operation result computed from it is valid
# only while that very instance is stored (resolvers/cache/dependencies.py).
_HEADER = struct.Struct(">dH8s")
STAMP_SIZE = _HEADER.size
Call = Callable[[], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Lifetimes:
    """Seconds each kind of entry is kept (0 = not cached)."""

    ended: float = 86400.0
    live: float = 5.0

    @property
    def keeps_entries(self) -> bool:
        """False when both lifetimes are 0: then only in-flight sharing is left, and
        reading a response to learn its lifetime (a full JSON parse) is wasted."""
        return self.ended > 0 or self.live > 0

    def ttl(self, lifetime: Lifetime, now: float) -> float:
        ttl = {Kind.ENDED: self.ended, Kind.LIVE: self.live}.get(lifetime.kind, 0.0)
        if lifetime.not_after is not None:
            ttl = min(ttl, lifetime.not_after - now)
        return max(0.0, ttl)


class TrafficCache:
    """Everything the upstream caches of one process share."""

    def __init__(
        self,
        backend: CacheBackend,
        identities: IdentityKey,
        lifetimes: Lifetimes,
        *,
        clock: Clock = time.time,
    ) -> None:
        self.backend = backend
        self.identities = identities
        self.lifetimes = lifetimes
        self.clock = clock
        self.flights: dict[str, Flight] = {}
        # Writes seen by this process, and the last one per tag: a read that was in
        # flight across a write to its tag is answered but not stored (it may be stale).
        self.writes = 0
        self.written: dict[str, int] = {}

    async def invalidate(self, tags: list[str]) -> None:
        self.writes += 1
        if len(self.written) > _MAX_WRITTEN:
            self.written.clear()  # old writes cannot race a read started after them
        self.written.update(dict.fromkeys(tags, self.writes))
        await self.backend.invalidate(tags)

    def written_since(self, tags: list[str], mark: int) -> bool:
        return any(self.written.get(tag, 0) > mark for tag in tags)

    def for_upstream(self, provider: Provider, name: str, policy: CachePolicy) -> UpstreamCache:
        return UpstreamCache(self, provider, name, policy)

    async def close(self) -> None:
        await self.backend.close()


class UpstreamCache:
    """One upstream's view of the cache: its policy, its key prefix, its metric label."""

    def __init__(
        self, shared: TrafficCache, provider: Provider, name: str, policy: CachePolicy
    ) -> None:
        self.shared = shared
        self.provider = provider
        self.name = name
        self.policy = policy

    async def send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Any,
        *,
        identity: str,
        call: Call,
        observer: UpstreamObserver = NULL_OBSERVER,
    ) -> httpx.Response:
        """Answer a read from the cache or one shared call; let a write through, then invalidate."""
        if not self.policy.is_read(method, path):
            tags = [tag_key(self.name, tag) for tag in self.policy.invalidates(method, path)]
            dependencies.uncacheable("it wrote upstream")
            try:
                return await call()
            finally:  # a failed or timed-out write may still have changed something
                await self.shared.invalidate(tags)
        read = Read(method, path, _params(params), body)
        key = entry_key(self.name, identity, read)
        cached = await self._lookup(key) if self.shared.lifetimes.keeps_entries else None
        if cached is not None:
            observer.cache_result(self.provider, "hit")
            return cached
        flight = self.shared.flights.get(key)
        if flight is not None:
            observer.cache_result(self.provider, "shared")
            # The leader stores the answer; this operation cannot tell which instance.
            dependencies.uncacheable("it shared a call in flight")
            return await _follow(flight.joined(), call)
        observer.cache_result(self.provider, "miss")
        return await self._lead(key, read, identity, call)

    async def _lead(self, key: str, read: Read, identity: str, call: Call) -> httpx.Response:
        flight = self.shared.flights[key] = Flight()
        mark = self.shared.writes
        try:
            response = await call()
        except asyncio.CancelledError:
            flight.cancel()
            raise
        except BaseException as exc:
            flight.fail(exc)
            # A resolver may turn the failure into a plain null: still not an upstream entry.
            dependencies.uncacheable("an upstream read failed")
            raise
        else:
            flight.succeed(response)
        finally:
            self.shared.flights.pop(key, None)
        if self.shared.lifetimes.keeps_entries:
            await self._store(key, read, identity, response, mark)
        else:
            dependencies.uncacheable("the upstream cache keeps nothing (both TTLs 0)")
        return response

    async def _lookup(self, key: str) -> httpx.Response | None:
        (raw,) = await self.shared.backend.get_many([key])
        if raw is None or len(raw) < _HEADER.size:
            return None
        expires, status, _ = _HEADER.unpack_from(raw)
        if expires <= self.shared.clock():
            return None
        dependencies.depend(key, raw[:STAMP_SIZE], expires)
        return httpx.Response(
            status, content=raw[_HEADER.size :], headers={"content-type": "application/json"}
        )

    async def _store(
        self, key: str, read: Read, identity: str, response: httpx.Response, mark: int
    ) -> None:
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            dependencies.uncacheable("an upstream answer was not JSON")
            return  # the client will report it; never keep what cannot be read
        backend, now = self.shared.backend, self.shared.clock()
        learned = self.policy.learn(read, body)
        facts = await self._facts(identity, self.policy.facts_needed(read), learned)
        ended_ttl = self.shared.lifetimes.ended
        entries: list[Entry] = [
            (fact_key(self.name, identity, resource), orjson.dumps(ended), ended_ttl, ())
            for resource, ended in learned.items()
        ]
        ttl = self.shared.lifetimes.ttl(self.policy.lifetime(read, body, facts, now), now)
        tags = tuple(tag_key(self.name, tag) for tag in self.policy.tags(read))
        if ttl > 0 and not self.shared.written_since(list(tags), mark):
            header = _HEADER.pack(now + ttl, response.status_code, os.urandom(8))
            entries.append((key, header + response.content, ttl, tags))
            dependencies.depend(key, header, now + ttl)
        else:
            dependencies.uncacheable("an upstream read is not kept (TTL 0 or raced a write)")
        await backend.put_many(entries)

    async def _facts(
        self, identity: str, needed: tuple[str, ...], learned: Mapping[str, float]
    ) -> dict[str, float]:
        facts = dict(learned)
        missing = [resource for resource in needed if resource not in facts]
        keys = [fact_key(self.name, identity, resource) for resource in missing]
        for resource, raw in zip(missing, await self.shared.backend.get_many(keys), strict=True):
            if raw is not None:
                value = orjson.loads(raw)
                if isinstance(value, int | float):
                    facts[resource] = float(value)
        return facts


class Flight:
    """One read in flight, and the future its followers wait on.

    The future is made when the first follower comes: most reads have none, and a
    future with its done callback, settled and called back on the loop, is spared
    (about 1 % of a Meet dashboard's gateway CPU in a py-spy profile; 0.997 and
    0.968 of it in two paired runs). The leader settles it and leaves the flights
    table in one step, with no await between, so no follower can join a flight that
    has ended.
    """

    __slots__ = ("_future",)

    def __init__(self) -> None:
        self._future: asyncio.Future[httpx.Response] | None = None

    def joined(self) -> asyncio.Future[httpx.Response]:
        if self._future is None:
            self._future = asyncio.get_running_loop().create_future()
            self._future.add_done_callback(_consume)
        return self._future

    def succeed(self, response: httpx.Response) -> None:
        if self._future is not None:
            self._future.set_result(response)

    def fail(self, exc: BaseException) -> None:
        if self._future is not None:
            self._future.set_exception(exc)

    def cancel(self) -> None:
        if self._future is not None:
            self._future.cancel()


async def _follow(flight: asyncio.Future[httpx.Response], call: Call) -> httpx.Response:
    """Wait for the call in flight; if its caller was cancelled, make the call ourselves."""
    try:
        return await asyncio.shield(flight)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if flight.cancelled() and task is not None and not task.cancelling():
            return await call()
        raise


def _consume(future: asyncio.Future[httpx.Response]) -> None:
    # A failure nobody else waited for is still the leader's to raise; don't warn about it.
    if not future.cancelled():
        future.exception()


def _params(params: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    if not params:
        return ()
    return tuple((str(key), str(value)) for key, value in params.items())

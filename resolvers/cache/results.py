"""The operation-result cache: whole answers, kept exactly as long as what they came from.

Layered on the upstream-read cache, not beside it. An answer is kept only when
every upstream read of its execution was answered from, or stored into, that
cache with a lifetime (resolvers/cache/dependencies.py), and it is stored with
the keys and stamps of those entries. A lookup serves it only while every one
of them is still stored, as the same instance: so an upstream entry's expiry,
its download-URL limit, a mutation's invalidation or an eviction ends the
answers computed from it, and this cache never serves anything the upstream
cache would not have served. Its own TTL is the earliest expiry among them.

The key (app/result_cache.py builds its parts) is the document, operation
name, canonical variables, the caller's identity at every upstream and a
fingerprint of the gateway's code and answer-shaping settings.
"""

from __future__ import annotations

import hashlib
from typing import Final, Protocol

import orjson

from resolvers.cache.dependencies import Dependencies
from resolvers.cache.traffic import TrafficCache

__all__ = ["UNAVAILABLE", "ResultCache", "ResultStore", "Unavailable", "result_key"]

_PREFIX = "sg:r1:"


class Unavailable:
    """The store could not answer (Redis down): the operation just runs."""

    def __repr__(self) -> str:
        return "UNAVAILABLE"


UNAVAILABLE: Final = Unavailable()


def result_key(*parts: object) -> str:
    """The key of one answer: a digest of everything that can change it."""
    raw = orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)
    return _PREFIX + hashlib.sha256(raw).hexdigest()[:48]


class ResultStore(Protocol):
    """Answers by key, each valid while its dependencies are stored (never raises)."""

    name: str

    async def get(self, key: str, now: float) -> bytes | Unavailable | None:
        """The answer's JSON, if stored, unexpired at `now` and every dependency still held."""

    async def put(self, key: str, payload: bytes, deps: Dependencies, ttl: float) -> None:
        """Keep `payload` for `ttl` seconds with its dependencies (dropped on failure)."""

    async def close(self) -> None:
        """Release what the store holds."""


class ResultCache:
    """This process's operation-result cache over one store, on the upstream cache's clock."""

    def __init__(self, store: ResultStore, traffic: TrafficCache) -> None:
        self.store = store
        self.traffic = traffic  # its clock is the one tests step (Traffic.set_clock)

    async def lookup(self, key: str) -> bytes | Unavailable | None:
        return await self.store.get(key, self.traffic.clock())

    async def keep(self, key: str, payload: bytes, deps: Dependencies) -> bool:
        """Store an answer computed from `deps`, if they allow; whether it was offered."""
        if not deps.usable:
            return False
        ttl = deps.expires - self.traffic.clock()
        if ttl <= 0:
            return False
        await self.store.put(key, payload, deps, ttl)
        return True

    async def close(self) -> None:
        await self.store.close()

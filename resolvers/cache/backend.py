"""The storage seam of the cache, and its in-process implementation (bounded LRU)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

__all__ = ["CacheBackend", "Clock", "MemoryBackend"]

Clock = Callable[[], float]


class CacheBackend(Protocol):
    """Bytes by key with a TTL, plus tags for invalidation.

    Implementations never raise for an unavailable store: a failed read is a
    miss and a failed write is dropped (a cache outage must not fail a query).
    """

    name: str

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of `keys`, None where absent or expired."""

    async def put(self, key: str, value: bytes, ttl: float, tags: Sequence[str]) -> None:
        """Store `value` for `ttl` seconds, reachable from each tag for invalidation."""

    async def invalidate(self, tags: Sequence[str]) -> None:
        """Drop every entry stored under any of `tags`."""

    async def close(self) -> None:
        """Release connections."""


class MemoryBackend:
    """This process only: at most `max_entries` entries, least recently used evicted first."""

    name = "memory"

    def __init__(self, max_entries: int, clock: Clock) -> None:
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[bytes, float, tuple[str, ...]]] = OrderedDict()
        self._tags: dict[str, set[str]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [self._get(key) for key in keys]

    def _get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[1] <= self.clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry[0]

    async def put(self, key: str, value: bytes, ttl: float, tags: Sequence[str]) -> None:
        if self.max_entries <= 0 or ttl <= 0:
            return
        self._drop(key)
        self._entries[key] = (value, self.clock() + ttl, tuple(tags))
        for tag in tags:
            self._tags.setdefault(tag, set()).add(key)
        while len(self._entries) > self.max_entries:
            self._drop(next(iter(self._entries)))

    async def invalidate(self, tags: Sequence[str]) -> None:
        for tag in tags:
            for key in self._tags.pop(tag, set()):
                self._drop(key)

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for tag in entry[2]:
            members = self._tags.get(tag)
            if members is not None:
                members.discard(key)
                if not members:
                    del self._tags[tag]

    async def close(self) -> None:
        self._entries.clear()
        self._tags.clear()

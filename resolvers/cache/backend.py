"""The storage seam of the cache, and its in-process implementation (bounded LRU)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

__all__ = ["CacheBackend", "Clock", "Entry", "MemoryBackend"]

Clock = Callable[[], float]
# key, value, TTL in seconds, invalidation tags
Entry = tuple[str, bytes, float, tuple[str, ...]]


class CacheBackend(Protocol):
    """Bytes by key with a TTL, plus tags for invalidation.

    Implementations never raise for an unavailable store: a failed read is a
    miss and a failed write is dropped (a cache outage must not fail a query).
    """

    name: str

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of `keys`, None where absent or expired."""

    async def put_many(self, entries: Sequence[Entry]) -> None:
        """Store each value for its TTL, reachable from each of its tags for invalidation."""

    async def invalidate(self, tags: Sequence[str]) -> None:
        """Drop every entry stored under any of `tags`."""

    async def close(self) -> None:
        """Release connections."""


class MemoryBackend:
    """This process only: at most `max_entries` entries and `max_bytes` of values,
    least recently used evicted first."""

    name = "memory"

    def __init__(self, max_entries: int, clock: Clock, max_bytes: int = 256 << 20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
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

    def holds(self, key: str, stamp: bytes) -> bool:
        """Whether the instance of `key` whose value starts with `stamp` is still stored.

        For the operation-result cache's validity check; touching the entry keeps
        what a cached answer depends on from being evicted before the answer."""
        entry = self._entries.get(key)
        if entry is None or not entry[0].startswith(stamp) or entry[1] <= self.clock():
            return False
        self._entries.move_to_end(key)
        return True

    async def put_many(self, entries: Sequence[Entry]) -> None:
        for key, value, ttl, tags in entries:
            self._put(key, value, ttl, tags)

    def _put(self, key: str, value: bytes, ttl: float, tags: tuple[str, ...]) -> None:
        if self.max_entries <= 0 or ttl <= 0 or len(value) > self.max_bytes:
            return
        self._drop(key)
        self._entries[key] = (value, self.clock() + ttl, tags)
        self.size += len(value)
        for tag in tags:
            self._tags.setdefault(tag, set()).add(key)
        while len(self._entries) > self.max_entries or self.size > self.max_bytes:
            self._drop(next(iter(self._entries)))

    async def invalidate(self, tags: Sequence[str]) -> None:
        for tag in tags:
            for key in self._tags.pop(tag, set()):
                self._drop(key)

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self.size -= len(entry[0])
        for tag in entry[2]:
            members = self._tags.get(tag)
            if members is not None:
                members.discard(key)
                if not members:
                    del self._tags[tag]

    async def close(self) -> None:
        self._entries.clear()
        self._tags.clear()
        self.size = 0

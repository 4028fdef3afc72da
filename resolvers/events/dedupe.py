"""De-duplication of deliveries: the same delivery id is published once.

Upstreams deliver at least once (Stream and RealtimeKit retry with the same id,
Pub/Sub redelivers until acknowledged). The in-memory set serves one process;
with Redis (`app.pubsub`) the check is shared, so a retry landing on another
replica is still dropped.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

__all__ = ["Deduplicator", "MemoryDeduplicator"]


class Deduplicator(Protocol):
    """Remembers keys for a while."""

    async def first_time(self, key: str) -> bool:
        """True the first time `key` is seen within the window, False afterwards."""
        ...


class MemoryDeduplicator:
    """A bounded, time-limited set of keys (oldest forgotten first)."""

    def __init__(
        self,
        ttl_seconds: float = 86_400,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    async def first_time(self, key: str) -> bool:
        now = self._clock()
        while self._seen and (
            len(self._seen) >= self._max or next(iter(self._seen.values())) <= now
        ):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now + self._ttl
        return True

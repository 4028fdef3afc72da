"""Which upstream-cache entries one operation's answer was computed from.

The operation-result cache (resolvers/cache/results.py) may keep an answer
only if everything it read came from, or went into, the upstream-read cache
with a lifetime: then the answer stays right exactly as long as those entries
stay, and checking that they are still there (the very same stored instance,
named by its stamp) is checking that the answer is still right.

`recording()` opens a record for the running operation in a context variable
(asyncio tasks, so dataloader batches, inherit it, as with the call budget in
resolvers/budget.py). The upstream cache adds each entry an operation hit or
stored (`depend`), and anything else that reached an upstream, or a read that
could not be kept (TTL 0, a write, no caller identity, a failure, a call
shared with another operation), marks the record unusable (`uncacheable`).
Outside an operation there is no record and both calls do nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["Dependencies", "depend", "recording", "uncacheable"]


@dataclass
class Dependencies:
    """Upstream entries by key, with the stamp of the instance read, and the earliest expiry."""

    entries: dict[str, bytes] = field(default_factory=dict)
    expires: float = math.inf
    cacheable: bool = True
    # Why the answer cannot be kept (the first reason seen), for tests and debugging.
    reason: str | None = None

    def depend(self, key: str, stamp: bytes, expires: float) -> None:
        if self.entries.get(key, stamp) != stamp:
            # Two instances of one entry in one answer: it changed while the operation ran.
            self.uncacheable("an entry changed while the operation ran")
        self.entries[key] = stamp
        self.expires = min(self.expires, expires)

    def uncacheable(self, reason: str) -> None:
        if self.cacheable:
            self.cacheable, self.reason = False, reason

    @property
    def usable(self) -> bool:
        """Whether an answer computed from these may be kept: all kept reads, at least one."""
        return self.cacheable and bool(self.entries)


_CURRENT: ContextVar[Dependencies | None] = ContextVar("sessiongraph_dependencies", default=None)


def depend(key: str, stamp: bytes, expires: float) -> None:
    """The running operation read (or stored) the upstream entry `key` with this `stamp`."""
    record = _CURRENT.get()
    if record is not None:
        record.depend(key, stamp, expires)


def uncacheable(reason: str) -> None:
    """The running operation read something no upstream-cache entry stands for."""
    record = _CURRENT.get()
    if record is not None:
        record.uncacheable(reason)


@contextmanager
def recording() -> Iterator[Dependencies]:
    """Record the enclosed operation's dependencies."""
    record = Dependencies()
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)

"""What may be cached and for how long: the per-upstream policy seam.

A policy sees one upstream read and its decoded 2xx body and answers with a
`Lifetime`: kept long because the data can no longer change (`ENDED`), kept
briefly because it still can (`LIVE`), or not kept. Whether a child listing is
final often depends on its parent (a conference's participants are final once
the conference has ended), so a policy also *learns* facts from bodies
("conferenceRecords/x ended at t") and *asks* for them when judging a read.
Facts are stored in the same cache, per identity, so replicas share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

from resolvers.timestamps import Instant

__all__ = ["CachePolicy", "Kind", "Lifetime", "Read", "epoch_of", "segments_of"]


class Kind(StrEnum):
    """How long an entry may live (the TTL of each kind is a setting)."""

    ENDED = "ended"
    LIVE = "live"
    NONE = "none"


@dataclass(frozen=True)
class Lifetime:
    """A kind, plus an absolute limit (epoch seconds) the entry is never served past."""

    kind: Kind
    not_after: float | None = None

    def capped(self, not_after: float | None) -> Lifetime:
        """The same kind, never served past `not_after` (the earlier of the two limits)."""
        if not_after is None:
            return self
        limit = not_after if self.not_after is None else min(self.not_after, not_after)
        return Lifetime(self.kind, limit)


LIVE = Lifetime(Kind.LIVE)
ENDED = Lifetime(Kind.ENDED)
UNCACHED = Lifetime(Kind.NONE)
__all__ += ["ENDED", "LIVE", "UNCACHED"]


@dataclass(frozen=True)
class Read:
    """One upstream request as the cache sees it (the path is percent-encoded)."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    body: Any = None

    @property
    def segments(self) -> list[str]:
        return segments_of(self.path)

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.params if key == name), None)


def segments_of(path: str) -> list[str]:
    """The decoded path segments: `/v2/conferenceRecords/x` → `v2`, `conferenceRecords`, `x`."""
    return [unquote(part) for part in path.strip("/").split("/") if part]


def epoch_of(value: Any) -> float | None:
    """A wire timestamp (RFC 3339 or integer nanoseconds) as epoch seconds; None if unreadable."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Instant.coerce(value).ns / 1e9
    except (ValueError, OverflowError):
        return None


class CachePolicy:
    """The default policy: GETs are reads, everything is live, writes invalidate their path.

    Upstream policies subclass it and override what their data allows. Every
    method must be cheap and must not raise on an unexpected body shape.
    """

    def is_read(self, method: str, path: str) -> bool:
        """Whether the request only reads (a read is cached; anything else invalidates)."""
        return method == "GET"

    def facts_needed(self, read: Read) -> tuple[str, ...]:
        """The resources whose "ended at" `lifetime` needs for this read."""
        return ()

    def lifetime(self, read: Read, body: Any, facts: Mapping[str, float], now: float) -> Lifetime:
        """How long the answer to `read` may be kept, given its body and the known facts."""
        return LIVE

    def learn(self, read: Read, body: Any) -> dict[str, float]:
        """Facts the body proves: resource → the epoch second it ended."""
        return {}

    def tags(self, read: Read) -> tuple[str, ...]:
        """Invalidation tags of a cached read: its path, whatever the parameters."""
        return (read.path,)

    def invalidates(self, method: str, path: str) -> tuple[str, ...]:
        """Tags a successful write invalidates: its own path and its parent collection.

        A create POSTs to the collection (its list pages share its path); an
        update or delete targets `collection/id`, whose parent is the collection.
        """
        parent = path.rstrip("/").rsplit("/", 1)[0]
        return (path, parent) if parent else (path,)

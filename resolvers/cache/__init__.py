"""The cache of upstream reads across requests (shared by replicas through Redis).

`TrafficCache` sits in front of `UpstreamHttp.send`: keyed by the upstream
request and the caller's upstream identity, kept as long as each upstream's
`CachePolicy` says the data allows, shared with identical reads in flight.
"""

from __future__ import annotations

from resolvers.cache.backend import CacheBackend, Clock, MemoryBackend
from resolvers.cache.keys import IdentityKey
from resolvers.cache.policy import (
    ENDED,
    LIVE,
    UNCACHED,
    CachePolicy,
    Kind,
    Lifetime,
    Read,
    epoch_of,
)
from resolvers.cache.traffic import Lifetimes, TrafficCache, UpstreamCache

__all__ = [
    "ENDED",
    "LIVE",
    "UNCACHED",
    "CacheBackend",
    "CachePolicy",
    "Clock",
    "IdentityKey",
    "Kind",
    "Lifetime",
    "Lifetimes",
    "MemoryBackend",
    "Read",
    "TrafficCache",
    "UpstreamCache",
    "epoch_of",
]

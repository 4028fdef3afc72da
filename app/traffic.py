"""Builds the cross-request traffic policies from settings: the cache and the throttles.

With `SESSIONGRAPH_CACHE_URL=redis://…` both live in that Redis, so every
replica configured alike shares cache entries and quota counts; otherwise both
live in this process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app.settings import Settings
from resolvers import deadline
from resolvers.cache import (
    CacheBackend,
    CachePolicy,
    Clock,
    IdentityKey,
    Lifetimes,
    MemoryBackend,
    TrafficCache,
    UpstreamCache,
)
from resolvers.cache.redis_backend import RedisBackend
from resolvers.errors import Provider
from resolvers.registry import SPECS
from resolvers.spec import UpstreamSpec
from resolvers.throttle import MemoryWindows, Quota, Throttle, WindowStore
from resolvers.throttle_redis import RedisWindows

__all__ = ["Traffic"]


@dataclass
class Traffic:
    """The process's cache and one throttle per upstream with a quota."""

    cache: TrafficCache
    store: WindowStore
    throttles: dict[Provider, Throttle] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, clock: Clock = time.time) -> Traffic:
        backend: CacheBackend
        store: WindowStore
        if settings.cache_url:
            redis_backend = RedisBackend(settings.cache_url)
            backend, store = redis_backend, RedisWindows(redis_backend.client)
        else:
            backend, store = (
                MemoryBackend(settings.cache_max_entries, clock, settings.cache_max_bytes),
                MemoryWindows(),
            )
        secret = settings.cache_secret or settings.cursor_secret
        lifetimes = Lifetimes(ended=settings.cache_ended_ttl, live=settings.cache_live_ttl)
        cache = TrafficCache(
            backend,
            IdentityKey(secret.get_secret_value().encode() if secret else None),
            lifetimes,
            clock=clock,
        )
        traffic = cls(cache=cache, store=store)
        for spec in SPECS:
            base = spec.quota or Quota(rules=())
            quota = base.overridden(getattr(settings, f"quota_{spec.name}"))
            if quota.rules:
                traffic.throttles[spec.provider] = Throttle(
                    spec.provider,
                    spec.name,
                    quota,
                    store,
                    budget=lambda: _wait_budget(settings.throttle_max_wait),
                    clock=clock,
                )
        return traffic

    def cache_for(self, spec: UpstreamSpec) -> UpstreamCache:
        return self.cache.for_upstream(spec.provider, spec.name, spec.cache_policy or CachePolicy())

    def set_clock(self, clock: Clock) -> None:
        """Replace every clock (tests step time instead of sleeping)."""
        self.cache.clock = clock
        if isinstance(self.cache.backend, MemoryBackend):
            self.cache.backend.clock = clock
        for throttle in self.throttles.values():
            throttle.clock = clock

    async def close(self) -> None:
        await self.cache.close()


def _wait_budget(max_wait: float) -> float:
    # A call waits for quota only as long as its operation's deadline allows.
    left = deadline.remaining()
    return max_wait if left is None else min(max_wait, left)

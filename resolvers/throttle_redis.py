"""The throttle's window logs in Redis, shared by every replica (one atomic Lua script).

Each slot is a sorted set of admission times. The script prunes, checks every
slot and only then records the call in all of them, so concurrent replicas can
never both take the last place. If Redis is unavailable the throttle keeps
working on this process's own logs (one warning), rather than failing queries.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from resolvers.throttle import MemoryWindows, Slot

__all__ = ["RedisWindows"]

log = logging.getLogger("sessiongraph.throttle")

_TAKE = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i + 1])
  local window = tonumber(ARGV[2 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local w = tonumber(entry[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i + 2]) * 1000))
end
return '0'
"""

_FILL = """
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local remaining = tonumber(ARGV[4])
local stamp = now + tonumber(ARGV[5]) - window
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local missing = limit - remaining - redis.call('ZCARD', KEYS[1])
for n = 1, missing do
  redis.call('ZADD', KEYS[1], stamp, ARGV[6] .. ':' .. n)
end
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return missing
"""


class RedisWindows:
    """A `WindowStore` in Redis; falls back to this process's logs while Redis is down."""

    def __init__(self, client: aioredis.Redis) -> None:
        self._take = client.register_script(_TAKE)
        self._fill = client.register_script(_FILL)
        self._fallback = MemoryWindows()
        self.available = True

    def _failed(self, exc: BaseException) -> None:
        if self.available:
            log.warning(
                "throttle: Redis unavailable (%s); counting per replica", type(exc).__name__
            )
        self.available = False

    def _recovered(self) -> None:
        if not self.available:
            log.warning("throttle: Redis reachable again; quota shared again")
        self.available = True

    async def take(self, slots: Sequence[Slot], now: float) -> float:
        args: list[str | float] = [now, uuid.uuid4().hex]
        for slot in slots:
            args += [slot.limit, slot.window]
        try:
            raw = await self._take(keys=[slot.key for slot in slots], args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            self._failed(exc)
            return await self._fallback.take(slots, now)
        self._recovered()
        return float(raw)

    async def fill(self, slot: Slot, remaining: int, reset_after: float, now: float) -> None:
        args: list[str | float] = [now, slot.limit, slot.window, remaining, reset_after]
        args.append(uuid.uuid4().hex)
        try:
            await self._fill(keys=[slot.key], args=args)
        except (RedisError, OSError, TimeoutError) as exc:
            self._failed(exc)
            await self._fallback.fill(slot, remaining, reset_after, now)
            return
        self._recovered()

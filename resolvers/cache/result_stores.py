"""Where operation results live: beside the upstream cache, on the same backend.

- `MemoryResults`: this process, a bounded LRU; dependencies are checked by
  direct lookups in the in-process upstream cache (`MemoryBackend.holds`).
- `RedisResults`: the upstream cache's Redis. One Lua script reads the answer
  and compares the stamp of every entry it depends on (`GETRANGE key 0 17`)
  in one round trip, atomically; an answer whose dependencies are gone is
  deleted on the spot. The script reads keys it finds inside the value, so it
  needs a standalone Redis (or one hash slot), as the tag sets already do.

Both treat a failure as a miss; Redis failures go through the upstream
backend's guard (one warning per outage) and report `UNAVAILABLE`.
"""

from __future__ import annotations

import struct
from collections import OrderedDict

from resolvers.cache.backend import MemoryBackend
from resolvers.cache.dependencies import Dependencies
from resolvers.cache.redis_backend import RedisBackend
from resolvers.cache.results import UNAVAILABLE, Unavailable
from resolvers.cache.traffic import STAMP_SIZE

__all__ = ["MemoryResults", "RedisResults"]

_DEPENDENCY_BYTES = 96  # what one dependency costs in memory, about (key, stamp, tuple)


class MemoryResults:
    """At most `max_entries` answers and `max_bytes` of them, least recently used out first."""

    name = "memory"

    def __init__(self, upstream: MemoryBackend, max_entries: int, max_bytes: int) -> None:
        self.upstream = upstream
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[bytes, float, tuple[tuple[str, bytes], ...]]] = (
            OrderedDict()
        )

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str, now: float) -> bytes | Unavailable | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        payload, expires, deps = entry
        holds = self.upstream.holds
        if expires <= now or not all(holds(dep, stamp) for dep, stamp in deps):
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return payload

    async def put(self, key: str, payload: bytes, deps: Dependencies, ttl: float) -> None:
        size = _size(payload, len(deps.entries))
        if self.max_entries <= 0 or size > self.max_bytes:
            return
        self._drop(key)
        self._entries[key] = (payload, deps.expires, tuple(deps.entries.items()))
        self.size += size
        while len(self._entries) > self.max_entries or self.size > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= _size(entry[0], len(entry[2]))

    async def close(self) -> None:
        self._entries.clear()
        self.size = 0


def _size(payload: bytes, dependencies: int) -> int:
    return len(payload) + dependencies * _DEPENDENCY_BYTES


# Value: expiry (epoch seconds, the gateway's clock), dependency count, payload offset;
# per dependency its key length, key and stamp; then the answer's JSON.
_HEAD = struct.Struct(">dII")
_KEY_LENGTH = struct.Struct(">H")
_CHECK = f"""
local v = redis.call('GET', KEYS[1])
if not v then return false end
local n = ((string.byte(v, 9) * 256 + string.byte(v, 10)) * 256
           + string.byte(v, 11)) * 256 + string.byte(v, 12)
local pos = {_HEAD.size + 1}
for _ = 1, n do
  local len = string.byte(v, pos) * 256 + string.byte(v, pos + 1)
  local key = string.sub(v, pos + 2, pos + 1 + len)
  local stamp = string.sub(v, pos + 2 + len, pos + 1 + len + {STAMP_SIZE})
  if redis.call('GETRANGE', key, 0, {STAMP_SIZE - 1}) ~= stamp then
    redis.call('DEL', KEYS[1])
    return false
  end
  pos = pos + 2 + len + {STAMP_SIZE}
end
return v
"""


class RedisResults:
    """Answers in the upstream cache's Redis, checked and read in one round trip."""

    name = "redis"

    def __init__(self, backend: RedisBackend) -> None:
        self.backend = backend
        self._check = backend.client.register_script(_CHECK)

    async def get(self, key: str, now: float) -> bytes | Unavailable | None:
        async def read() -> bytes | Unavailable | None:
            value = await self._check(keys=[key])
            return value if isinstance(value, bytes) else None

        outage: bytes | Unavailable | None = UNAVAILABLE
        raw = await self.backend.guarded(read, outage)
        if not isinstance(raw, bytes) or len(raw) < _HEAD.size:
            return raw if isinstance(raw, Unavailable) else None
        expires, _, offset = _HEAD.unpack_from(raw)
        # Redis expires the key by its own clock; the gateway's decides, as for upstream entries.
        return raw[offset:] if expires > now else None

    async def put(self, key: str, payload: bytes, deps: Dependencies, ttl: float) -> None:
        milliseconds = int(ttl * 1000)
        if milliseconds <= 0:
            return
        parts = []
        for dep, stamp in deps.entries.items():
            encoded = dep.encode()
            parts += [_KEY_LENGTH.pack(len(encoded)), encoded, stamp]
        listed = b"".join(parts)
        head = _HEAD.pack(deps.expires, len(deps.entries), _HEAD.size + len(listed))
        value = head + listed + payload

        async def write() -> None:
            await self.backend.client.set(key, value, px=milliseconds)

        await self.backend.guarded(write, None)

    async def close(self) -> None:
        return None  # the upstream backend owns the connections

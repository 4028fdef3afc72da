"""The cache's parts on their own: LRU bounds, TTLs by the clock, keys, the write race."""

from __future__ import annotations

import asyncio

import httpx

from resolvers.cache import CachePolicy, IdentityKey, Lifetimes, MemoryBackend, Read, TrafficCache
from resolvers.cache.keys import entry_key
from resolvers.errors import Provider
from tests.cache.conftest import SteppedClock


async def test_memory_backend_evicts_least_recently_used_and_bounds_bytes() -> None:
    clock = SteppedClock()
    backend = MemoryBackend(max_entries=2, clock=clock, max_bytes=10)
    await backend.put_many([("a", b"1", 60, ()), ("b", b"2", 60, ())])
    assert await backend.get_many(["a"]) == [b"1"]  # `a` is now the most recent
    await backend.put_many([("c", b"3", 60, ())])
    assert await backend.get_many(["a", "b", "c"]) == [b"1", None, b"3"]
    await backend.put_many([("big", b"x" * 8, 60, ())])  # 10 bytes in all: `a` goes by count
    assert await backend.get_many(["a", "c", "big"]) == [None, b"3", b"x" * 8]
    await backend.put_many([("d", b"12", 60, ())])  # 12 bytes: `c` goes by size
    assert await backend.get_many(["c", "big", "d"]) == [None, b"x" * 8, b"12"]
    await backend.put_many([("huge", b"x" * 11, 60, ())])  # larger than the bound: not kept
    assert len(backend) == 2
    assert backend.size == 10


async def test_memory_backend_expires_by_its_clock_and_invalidates_by_tag() -> None:
    clock = SteppedClock()
    backend = MemoryBackend(max_entries=10, clock=clock)
    await backend.put_many(
        [("a", b"1", 5, ("t",)), ("b", b"2", 50, ("t", "u")), ("c", b"3", 50, ())]
    )
    clock.advance(6)
    assert await backend.get_many(["a", "b"]) == [None, b"2"]
    await backend.invalidate(["u"])
    assert await backend.get_many(["b", "c"]) == [None, b"3"]


def test_keys_differ_by_identity_and_never_hold_the_credential() -> None:
    identities = IdentityKey(b"secret")
    alice, bob = identities.of("Bearer alice-token"), identities.of("Bearer bob-token")
    assert alice != bob
    assert IdentityKey(b"secret").of("Bearer alice-token") == alice  # replicas agree
    assert IdentityKey(b"other").of("Bearer alice-token") != alice
    read = Read("GET", "/v2/conferenceRecords", (("pageSize", "10"),))
    assert entry_key("meet", alice, read) != entry_key("meet", bob, read)
    assert "alice" not in entry_key("meet", alice, read)
    swapped = Read("GET", "/v2/conferenceRecords", (("pageSize", "10"),))
    assert entry_key("meet", alice, read) == entry_key("meet", alice, swapped)


async def test_a_read_in_flight_across_a_write_is_answered_but_not_stored() -> None:
    clock = SteppedClock()
    shared = TrafficCache(MemoryBackend(100, clock), IdentityKey(b"k"), Lifetimes(), clock=clock)
    cache = shared.for_upstream(Provider.VERTEX_AI_SEARCH, "discovery", CachePolicy())
    release = asyncio.Event()
    calls = 0

    async def slow_read() -> httpx.Response:
        nonlocal calls
        calls += 1
        await release.wait()
        return httpx.Response(200, json={"displayName": "before"})

    async def write() -> httpx.Response:
        return httpx.Response(200, json={})

    path = "/v1/sessions/s1"
    reading = asyncio.create_task(cache.send("GET", path, None, None, identity="i", call=slow_read))
    await asyncio.sleep(0)
    await cache.send("PATCH", path, None, {"displayName": "after"}, identity="i", call=write)
    release.set()
    assert (await reading).json() == {"displayName": "before"}
    await cache.send("GET", path, None, None, identity="i", call=slow_read)
    assert calls == 2  # the first answer was not kept

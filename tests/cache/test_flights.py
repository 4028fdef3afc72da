"""Reads in flight: followers share the leader's answer, its failure, or redo a cancelled call.

The cache here keeps nothing (both lifetimes 0), as the bench runs it: only the
sharing of calls in flight is left, and its future is made only for a follower.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import pytest

from resolvers.cache import CachePolicy, IdentityKey, Lifetimes, MemoryBackend, TrafficCache
from resolvers.cache.traffic import UpstreamCache
from resolvers.errors import Provider
from tests.cache.conftest import SteppedClock

PATH = "/v2/conferenceRecords/r1"
T = TypeVar("T")


def _cache() -> tuple[TrafficCache, UpstreamCache]:
    clock = SteppedClock()
    shared = TrafficCache(
        MemoryBackend(100, clock), IdentityKey(b"k"), Lifetimes(ended=0, live=0), clock=clock
    )
    return shared, shared.for_upstream(Provider.GOOGLE_MEET, "meet", CachePolicy())


async def _until(condition: Callable[[], bool]) -> None:
    """Let the other tasks run until `condition` holds (bounded: a hang fails the test)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


async def _settled(aw: Awaitable[T]) -> T:
    """`aw`'s outcome, or a failure if it does not come within 10 s (never a hang)."""
    async with asyncio.timeout(10):
        return await aw


class _Upstream:
    def __init__(self, outcome: httpx.Response | Exception) -> None:
        self.release = asyncio.Event()
        self.calls = 0
        self.outcome = outcome

    async def call(self) -> httpx.Response:
        self.calls += 1
        await self.release.wait()
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def _read(cache: UpstreamCache, upstream: _Upstream) -> asyncio.Task[httpx.Response]:
    return asyncio.create_task(
        cache.send("GET", PATH, None, None, identity="i", call=upstream.call)
    )


async def _in_flight(
    shared: TrafficCache, cache: UpstreamCache, upstream: _Upstream, followers: int
) -> tuple[asyncio.Task[httpx.Response], list[asyncio.Task[httpx.Response]]]:
    """A leader whose call is under way, and `followers` reads that have joined it."""
    leader = _read(cache, upstream)
    await _until(lambda: upstream.calls == 1)
    joined = [_read(cache, upstream) for _ in range(followers)]
    (flight,) = shared.flights.values()
    await _until(lambda: flight._future is not None)
    return leader, joined


async def test_a_read_nobody_follows_makes_no_future_and_leaves_no_flight() -> None:
    shared, cache = _cache()
    upstream = _Upstream(httpx.Response(200, json={"name": "r1"}))
    leader = _read(cache, upstream)
    await _until(lambda: upstream.calls == 1)
    (flight,) = shared.flights.values()
    assert flight._future is None
    upstream.release.set()
    assert (await _settled(leader)).json() == {"name": "r1"}
    assert shared.flights == {}


async def test_followers_share_the_leaders_answer_in_one_call() -> None:
    shared, cache = _cache()
    upstream = _Upstream(httpx.Response(200, json={"name": "r1"}))
    leader, followers = await _in_flight(shared, cache, upstream, 3)
    upstream.release.set()
    answers = await _settled(asyncio.gather(leader, *followers))
    assert [a.json() for a in answers] == [{"name": "r1"}] * 4
    assert upstream.calls == 1
    assert shared.flights == {}


async def test_followers_get_the_leaders_failure() -> None:
    shared, cache = _cache()
    upstream = _Upstream(httpx.ConnectError("refused"))
    leader, (follower,) = await _in_flight(shared, cache, upstream, 1)
    upstream.release.set()
    for task in (leader, follower):
        with pytest.raises(httpx.ConnectError, match="refused"):
            await _settled(task)
    assert upstream.calls == 1
    assert shared.flights == {}


async def test_a_follower_makes_the_call_itself_when_the_leader_is_cancelled() -> None:
    shared, cache = _cache()
    upstream = _Upstream(httpx.Response(200, json={"name": "r1"}))
    leader, (follower,) = await _in_flight(shared, cache, upstream, 1)
    leader.cancel()
    await _until(lambda: upstream.calls == 2)  # the follower's own call
    upstream.release.set()
    assert (await _settled(follower)).json() == {"name": "r1"}
    with pytest.raises(asyncio.CancelledError):
        await _settled(leader)

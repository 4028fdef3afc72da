"""The emulators' shared rate limiter, on an injected clock: windows, rollover, Retry-After.

First the limiter itself, then what it puts on the wire of the two emulators
that send rate-limit headers (RealtimeKit's `Retry-After`/`Ratelimit`,
Stream's `X-RateLimit-*`), with their clocks stepped by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest

from app.emulators.config import DEMO_CREDENTIALS, EmulatorConfig
from app.emulators.framework import Emulator, FaultRule, RateLimiter, RequestLog
from app.emulators.realtimekit import RealtimeKitEmulator
from app.emulators.stream import build_emulator as build_stream


class StepClock:
    """A clock that moves only when the test says so."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- the limiter -----------------------------------------------------------------------------


def test_aligned_windows_count_per_key_and_roll_over_on_the_boundary() -> None:
    clock = StepClock(1000.0)
    limiter = RateLimiter(60, clock=clock)

    seen = [limiter.hit("a", 2) for _ in range(3)]
    other = limiter.hit("b", 2)

    assert [(w.used, w.remaining, w.exceeded) for w in seen] == [
        (1, 1, False),
        (2, 0, False),
        (3, 0, True),
    ]
    assert (seen[0].started, seen[0].ends) == (960.0, 1020.0)  # [960, 1020) holds 1000
    assert seen[0].seconds_left() == 20
    assert (other.used, other.exceeded) == (1, False)  # every key has its own count
    clock.now = 1019.5
    assert limiter.hit("a", 2).seconds_left() == 1  # rounded up, never 0
    clock.now = 1020.0
    fresh = limiter.hit("a", 2)
    assert (fresh.used, fresh.started, fresh.seconds_left()) == (1, 1020.0, 60)


def test_first_request_windows_open_when_a_key_is_first_seen() -> None:
    clock = StepClock(1_000_000.3)
    limiter = RateLimiter(300, clock=clock, aligned=False)

    first = limiter.hit("token", 1)
    clock.now += 120.2
    second = limiter.hit("token", 1)
    clock.now = first.started + 300  # exactly one window later: a new one opens
    third = limiter.hit("token", 1)

    # `started + length - now` would round 300 up to 301 for the fresh window.
    assert (first.started, first.seconds_left()) == (1_000_000.3, 300)
    assert (second.used, second.exceeded, second.seconds_left()) == (2, True, 180)
    assert (third.used, third.started) == (1, first.started + 300)


def test_peek_counts_nothing_and_reset_forgets_every_window() -> None:
    limiter = RateLimiter(60, clock=StepClock(5.0))
    limiter.hit("a", 1)

    peeked = [limiter.peek("a", 1) for _ in range(3)]
    limiter.reset()

    assert [w.used for w in peeked] == [2, 2, 2]
    assert all(w.exceeded for w in peeked)
    assert limiter.peek("a", 1).used == 1


def test_a_window_length_given_per_request_wins_over_the_default() -> None:
    clock = StepClock(0.0)
    limiter = RateLimiter(300, clock=clock, aligned=False)

    window = limiter.hit("t", 5, window_s=10)
    clock.now = 10.0

    assert (window.length, window.seconds_left()) == (10, 10)
    assert limiter.hit("t", 5, window_s=10).used == 1


# --- on the wire -------------------------------------------------------------------------------

RTK_PREFIX = (
    f"/client/v4/accounts/{DEMO_CREDENTIALS.realtimekit_account_id}"
    f"/realtime/kit/{DEMO_CREDENTIALS.realtimekit_app_id}"
)
RTK_AUTH = {"Authorization": f"Bearer {DEMO_CREDENTIALS.realtimekit_api_token}"}


@asynccontextmanager
async def _client(emulator: Emulator[Any]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=emulator)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        yield client


@pytest.fixture
def realtimekit() -> RealtimeKitEmulator:
    return RealtimeKitEmulator(EmulatorConfig(), RequestLog())


@pytest.fixture
async def rtk_client(realtimekit: RealtimeKitEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(realtimekit) as client:
        yield client


async def test_realtimekit_429_carries_the_seconds_left_in_the_window(
    realtimekit: RealtimeKitEmulator, rtk_client: httpx.AsyncClient
) -> None:
    clock = StepClock(5000.0)
    realtimekit.limiter.clock = clock
    realtimekit.knobs.options.update(rate_limit=2, rate_window=300)

    async def sessions() -> httpx.Response:
        return await rtk_client.get(
            f"{RTK_PREFIX}/sessions", params={"per_page": "1"}, headers=RTK_AUTH
        )

    first = await sessions()
    clock.now = 5100.0
    second = await sessions()
    clock.now = 5250.5
    limited = await sessions()
    clock.now = 5300.0  # the token's window opened at 5000: a new one starts
    after = await sessions()

    assert [r.status_code for r in (first, second, limited, after)] == [200, 200, 429, 200]
    assert first.headers["Ratelimit"] == '"default";r=1;t=300'
    assert second.headers["Ratelimit"] == '"default";r=0;t=200'
    assert limited.headers["Retry-After"] == "50"  # ceil(49.5)
    assert limited.headers["Ratelimit"] == '"default";r=0;t=50'
    assert limited.headers["Ratelimit-Policy"] == '"burst";q=2;w=300'
    assert "Retry-After" not in after.headers
    assert after.headers["Ratelimit"] == '"default";r=1;t=300'


async def test_resetting_the_knobs_empties_the_realtimekit_windows(
    realtimekit: RealtimeKitEmulator, rtk_client: httpx.AsyncClient
) -> None:
    realtimekit.limiter.clock = StepClock(1.0)
    realtimekit.knobs.options["rate_limit"] = 0
    limited = await rtk_client.get(f"{RTK_PREFIX}/sessions", headers=RTK_AUTH)
    realtimekit.reset_knobs()
    again = await rtk_client.get(f"{RTK_PREFIX}/sessions", headers=RTK_AUTH)

    assert (limited.status_code, again.status_code) == (429, 200)
    assert again.headers["Ratelimit"] == '"default";r=1199;t=300'


def _stream_headers() -> dict[str, str]:
    token = jwt.encode({"server": True}, DEMO_CREDENTIALS.stream_api_secret, "HS256")
    return {"Stream-Auth-Type": "jwt", "Authorization": token}


async def test_stream_headers_count_down_to_the_end_of_the_minute() -> None:
    stream = build_stream(EmulatorConfig(), RequestLog())
    clock = StepClock(1_800_000_030.0)  # 30 s into a minute
    stream.limiter.clock = clock
    stream.knobs.options["rate_limits"] = {"GetCall": 1}
    call = next(iter(stream.dataset.calls.values()))
    path = f"/video/call/{call.type}/{call.id}"
    params = {"api_key": DEMO_CREDENTIALS.stream_api_key}
    stream.knobs.rules.append(FaultRule(path_regex="call_stats", status=429, retry_after=7))
    async with _client(stream) as client:
        ok = await client.get(path, params=params, headers=_stream_headers())
        limited = await client.get(path, params=params, headers=_stream_headers())
        fault = await client.post("/video/call_stats", params=params, headers=_stream_headers())
        clock.now = 1_800_000_060.0
        next_minute = await client.get(path, params=params, headers=_stream_headers())

    assert (ok.status_code, limited.status_code, next_minute.status_code) == (200, 429, 200)
    assert limited.json()["code"] == 9
    assert ok.headers["X-RateLimit-Reset"] == limited.headers["X-RateLimit-Reset"] == "1800000060"
    assert (ok.headers["X-RateLimit-Remaining"], limited.headers["X-RateLimit-Remaining"]) == (
        "0",
        "0",
    )
    assert next_minute.headers["X-RateLimit-Reset"] == "1800000120"
    assert fault.headers["X-RateLimit-Reset"] == "1800000037"  # now + the fault's Retry-After

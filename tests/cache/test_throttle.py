"""The quota throttle: sliding windows, scopes, header corrections, waiting or RATE_LIMITED."""

from __future__ import annotations

import pytest

from app.emulators import EmulatorHub
from app.settings import Settings
from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.throttle import MemoryWindows, Quota, QuotaRule, Throttle, parse_quota_override
from tests.cache.conftest import GatewayFactory, SteppedClock

MEET = Provider.GOOGLE_MEET


def _throttle(
    quota: Quota, clock: SteppedClock, budget: float = 0.0
) -> tuple[Throttle, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    throttle = Throttle(
        MEET, "meet", quota, MemoryWindows(), budget=lambda: budget, clock=clock, sleep=sleep
    )
    return throttle, slept


async def test_a_call_over_quota_fails_with_the_time_until_there_is_room() -> None:
    clock = SteppedClock(1000.0)
    throttle, _ = _throttle(Quota(rules=(QuotaRule(3, 10.0),)), clock)
    for _ in range(3):
        await throttle.acquire(None, "/v2/x")
        clock.advance(1)
    with pytest.raises(GatewayError) as raised:
        await throttle.acquire(None, "/v2/x")
    assert raised.value.code == ErrorCode.RATE_LIMITED
    # The first call leaves the (10 s + 1 s margin) window 8 s from now.
    assert raised.value.retry_after == 8.0


async def test_a_call_waits_for_room_within_the_budget() -> None:
    clock = SteppedClock(1000.0)
    throttle, slept = _throttle(Quota(rules=(QuotaRule(2, 10.0),)), clock, budget=30.0)
    for _ in range(4):
        await throttle.acquire(None, "/v2/x")
    assert slept == [11.0]  # the third waited for the first two to leave the window


async def test_identity_rules_count_per_caller_and_upstream_rules_for_everyone() -> None:
    clock = SteppedClock(1000.0)
    rules = (QuotaRule(3, 60.0, "upstream"), QuotaRule(1, 60.0, "identity"))
    throttle, _ = _throttle(Quota(rules=rules), clock)
    await throttle.acquire("alice", "/v2/x")
    await throttle.acquire("bob", "/v2/x")
    with pytest.raises(GatewayError):
        await throttle.acquire("alice", "/v2/x")  # alice's own limit
    await throttle.acquire("carol", "/v2/x")
    with pytest.raises(GatewayError):
        await throttle.acquire("dave", "/v2/x")  # the project-wide limit


async def test_endpoint_rules_count_each_endpoint_apart() -> None:
    clock = SteppedClock(1000.0)
    throttle, _ = _throttle(Quota(rules=(QuotaRule(1, 60.0, "endpoint"),)), clock)
    await throttle.acquire(None, "/api/v2/video/call_stats")
    await throttle.acquire(None, "/api/v2/video/call/t/i/session/s/participant_sessions")
    with pytest.raises(GatewayError):
        await throttle.acquire(None, "/api/v2/video/call_stats")


async def test_ratelimit_headers_saying_nothing_remains_block_until_the_reset() -> None:
    clock = SteppedClock(1000.0)
    rule = QuotaRule(1200, 300.0, from_headers=True)
    throttle, _ = _throttle(Quota(rules=(rule,), headers="ratelimit"), clock)
    await throttle.acquire(None, "/sessions")
    await throttle.observe(None, "/sessions", {"ratelimit": '"default";r=0;t=30'})
    with pytest.raises(GatewayError) as raised:
        await throttle.acquire(None, "/sessions")
    assert raised.value.retry_after == 31.0  # the announced reset plus the margin


async def test_x_ratelimit_headers_correct_the_count() -> None:
    clock = SteppedClock(1000.0)
    rule = QuotaRule(100, 60.0, "endpoint", from_headers=True)
    throttle, _ = _throttle(Quota(rules=(rule,), headers="x-ratelimit"), clock)
    headers = {"x-ratelimit-remaining": "1", "x-ratelimit-reset": "1020"}
    await throttle.observe(None, "/call_stats", headers)
    await throttle.acquire(None, "/call_stats")
    with pytest.raises(GatewayError) as raised:
        await throttle.acquire(None, "/call_stats")
    assert raised.value.retry_after == 21.0
    await throttle.observe(None, "/call_stats", {"x-ratelimit-remaining": "junk"})


def test_quota_settings_override_limits_in_rule_order() -> None:
    rules = (QuotaRule(6000, 60.0), QuotaRule(600, 60.0, "identity"))
    assert parse_quota_override("100/60,10/30", rules) == (
        QuotaRule(100, 60.0),
        QuotaRule(10, 30.0, "identity"),
    )
    assert parse_quota_override("off", rules) == ()
    assert parse_quota_override("5/10", ()) == (QuotaRule(5, 10.0),)
    for bad in ("100/60", "x/60,1/1", "0/60,1/1"):
        with pytest.raises(ValueError, match=r"."):
            parse_quota_override(bad, rules)


async def test_over_quota_fields_answer_rate_limited_and_meet_never_sees_a_429(
    gateway_for: GatewayFactory, cache_settings: Settings, hub: EmulatorHub
) -> None:
    # Meet's quota set to 3 reads a minute, and the emulator enforcing the same.
    hub["meet"].knobs.options["meet_read_limit_per_minute"] = 3
    settings = cache_settings.model_copy(update={"quota_meet": "3/60,3/60", "throttle_max_wait": 0})
    gateway = await gateway_for(settings)
    query = (
        "{ conferenceRecords(first: 6) { nodes { name participants(first: 2) { totalCount } } } }"
    )
    body = await gateway.graphql(query, expect_errors=True)

    assert [e.status for e in hub.log.entries("meet")].count(429) == 0
    assert len(hub.log.entries("meet")) == 3
    for error in body["errors"]:
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["retryAfterSeconds"] > 0

"""Quota-aware throttle per upstream: never send what the upstream's quota would refuse.

Each upstream's spec declares its quota as rules (`limit` calls per `window`
seconds, counted for the whole upstream, per caller identity, or per endpoint).
A call is sent only when every rule admits it; otherwise it waits, if the wait
fits in what the operation may still spend, or fails with RATE_LIMITED and
`retryAfterSeconds`.

The count is a sliding window log (every admitted call's time within the last
window), not a token bucket: a bucket of capacity Q refilling Q per window can
spend almost 2Q inside one of the upstream's fixed windows (Q at its end, Q
again after the refill), and the upstreams here count in fixed windows. A
sliding window of the same length admits at most Q in any window, whichever
way the upstream's windows fall. Rate-limit headers, where an upstream sends
them, correct the log: an upstream that says fewer calls remain than we count
(other clients share the quota) gets placeholder entries that expire at its
announced reset. With Redis the log is shared (an atomic Lua script), so N
replicas together stay within one quota.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from resolvers.errors import ErrorCode, GatewayError, Provider

__all__ = [
    "MemoryWindows",
    "Quota",
    "QuotaRule",
    "Slot",
    "Throttle",
    "WindowStore",
    "parse_quota_override",
]

Scope = Literal["upstream", "identity", "endpoint"]
HeaderStyle = Literal["x-ratelimit", "ratelimit"]
# The gateway's window is this much longer than the upstream's, so a call that
# arrives a little later than it was sent still lands in a window with room.
_MARGIN_SECONDS = 1.0


@dataclass(frozen=True)
class QuotaRule:
    """At most `limit` calls per `window` seconds, counted per `per`."""

    limit: int
    window: float
    per: Scope = "upstream"
    # Whether the upstream's rate-limit headers describe this rule's counter.
    from_headers: bool = False


@dataclass(frozen=True)
class Quota:
    """An upstream's quota: its rules and the rate-limit header style it sends, if any."""

    rules: tuple[QuotaRule, ...]
    headers: HeaderStyle | None = None

    def overridden(self, text: str | None) -> Quota:
        """The rules with limits/windows from a setting like `600/60,6000/60` (in rule order)."""
        if not text:
            return self
        return replace(self, rules=parse_quota_override(text, self.rules))


def parse_quota_override(text: str, rules: Sequence[QuotaRule]) -> tuple[QuotaRule, ...]:
    """`LIMIT/WINDOW` per rule, comma-separated; `off` disables every rule."""
    if text.strip().lower() == "off":
        return ()
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not rules:  # an upstream with no documented quota: the setting names whole-upstream rules
        rules = [QuotaRule(limit=1, window=60.0)] * len(parts)
    if len(parts) != len(rules):
        raise ValueError(f"expected {len(rules)} LIMIT/WINDOW values, got {text!r}")
    out = []
    for part, rule in zip(parts, rules, strict=True):
        limit, _, window = part.partition("/")
        out.append(replace(rule, limit=int(limit), window=float(window or rule.window)))
    if any(rule.limit < 1 or rule.window <= 0 for rule in out):
        raise ValueError(f"limits and windows must be positive: {text!r}")
    return tuple(out)


@dataclass(frozen=True)
class Slot:
    """One counter a call must fit in: its key, limit and (margined) window."""

    key: str
    limit: int
    window: float


class WindowStore(Protocol):
    """Where the sliding-window logs live (this process, or Redis for every replica)."""

    async def take(self, slots: Sequence[Slot], now: float) -> float:
        """Admit one call in every slot (0.0), or the seconds until all would admit it."""

    async def fill(self, slot: Slot, remaining: int, reset_after: float, now: float) -> None:
        """Make the slot hold no more than `remaining` free calls until `reset_after`."""


class MemoryWindows:
    """Sliding-window logs in this process."""

    def __init__(self) -> None:
        self._logs: dict[str, list[float]] = {}

    def _pruned(self, slot: Slot, now: float) -> list[float]:
        log = self._logs.setdefault(slot.key, [])
        del log[: bisect.bisect_right(log, now - slot.window)]
        return log

    async def take(self, slots: Sequence[Slot], now: float) -> float:
        wait = 0.0
        for slot in slots:
            log = self._pruned(slot, now)
            if len(log) >= slot.limit:
                wait = max(wait, log[len(log) - slot.limit] + slot.window - now)
        if wait > 0:
            return wait
        for slot in slots:
            bisect.insort(self._logs[slot.key], now)
        return 0.0

    async def fill(self, slot: Slot, remaining: int, reset_after: float, now: float) -> None:
        log = self._pruned(slot, now)
        missing = slot.limit - remaining - len(log)
        # Placeholders timed so they leave the window at the upstream's reset.
        stamp = now + reset_after - slot.window
        for _ in range(max(0, missing)):
            bisect.insort(log, stamp)


Budget = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Throttle:
    """One upstream's throttle: `acquire` before each HTTP attempt, `observe` each answer."""

    def __init__(
        self,
        provider: Provider,
        name: str,
        quota: Quota,
        store: WindowStore,
        *,
        budget: Budget,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.provider = provider
        self.name = name
        self.quota = quota
        self.store = store
        self.budget = budget
        self.clock = clock
        self.sleep = sleep

    def _slot(self, rule: QuotaRule, identity: str | None, path: str) -> Slot:
        scope = {"upstream": "*", "identity": identity or "*", "endpoint": _endpoint(path)}
        key = f"sg:q:{self.name}:{rule.per}:{scope[rule.per]}:{rule.limit}/{rule.window:g}"
        return Slot(key, rule.limit, rule.window + _MARGIN_SECONDS)

    async def acquire(self, identity: str | None, path: str) -> None:
        """Wait for room in every rule, within the budget; else RATE_LIMITED."""
        if not self.quota.rules:
            return
        slots = [self._slot(rule, identity, path) for rule in self.quota.rules]
        waited = 0.0
        while True:
            wait = await self.store.take(slots, self.clock())
            if wait <= 0:
                return
            if waited + wait > self.budget():
                raise _rate_limited(self.provider, wait)
            await self.sleep(wait)
            waited += wait

    async def observe(self, identity: str | None, path: str, headers: Mapping[str, str]) -> None:
        """Correct the count from the upstream's rate-limit headers, where it sends them."""
        reading = _read_headers(self.quota.headers, headers, self.clock())
        if reading is None:
            return
        remaining, reset_after = reading
        reset_after += _MARGIN_SECONDS  # the upstream's reset may be rounded down
        for rule in self.quota.rules:
            if rule.from_headers:
                slot = self._slot(rule, identity, path)
                await self.store.fill(slot, remaining, reset_after, self.clock())


def _endpoint(path: str) -> str:
    # Stream counts per API endpoint: its last path segment names the operation.
    return path.rstrip("/").rsplit("/", 1)[-1]


def _read_headers(
    style: HeaderStyle | None, headers: Mapping[str, str], now: float
) -> tuple[int, float] | None:
    """(remaining, seconds to reset) from the upstream's headers, if sent and readable."""
    try:
        if style == "x-ratelimit":
            remaining = headers.get("x-ratelimit-remaining")
            reset = headers.get("x-ratelimit-reset")  # epoch seconds
            if remaining is None or reset is None:
                return None
            first = remaining.split(",")[0].strip()
            return int(first), max(0.0, float(reset.split(",")[0]) - now)
        if style == "ratelimit":
            raw = headers.get("ratelimit")
            if raw is None:
                return None
            fields = dict(part.strip().split("=", 1) for part in raw.split(";")[1:] if "=" in part)
            return int(fields["r"]), float(fields["t"])
    except (ValueError, KeyError):
        return None
    return None


def _rate_limited(provider: Provider, wait: float) -> GatewayError:
    return GatewayError(
        ErrorCode.RATE_LIMITED,
        f"{provider.label} quota is spent for now; try again later",
        provider=provider,
        retry_after=float(math.ceil(wait)),
    )

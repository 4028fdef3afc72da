"""`GET /readyz`: ready only when every upstream answers with the configured credentials.

Each upstream is probed through its spec's readiness slot (resolvers/readiness.py),
all at once, and the answer is reused for `interval` seconds (at most 30) so a
load balancer polling every second costs each upstream one small call per
interval. Concurrent polls share one round of probes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from resolvers.readiness import UpstreamState, check
from resolvers.registry import SPECS
from resolvers.upstreams import Upstreams

__all__ = ["Readiness", "ReadinessReport"]


@dataclass(frozen=True)
class ReadinessReport:
    states: dict[str, UpstreamState]
    modes: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(state is UpstreamState.OK for state in self.states.values())

    def body(self) -> dict[str, Any]:
        return {
            "status": "ready" if self.ready else "not ready",
            "upstreams": {
                name: {"state": state.value, "mode": self.modes[name]}
                for name, state in self.states.items()
            },
        }


class Readiness:
    """Probes every upstream, caching the answer for `interval` seconds."""

    def __init__(
        self,
        upstreams: Upstreams,
        modes: dict[str, str],
        *,
        interval: float = 30.0,
        timeout: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._upstreams = upstreams
        self._modes = modes
        self._interval = min(interval, 30.0)
        self._timeout = timeout
        self._clock = clock
        self._lock = asyncio.Lock()
        self._cached: tuple[float, ReadinessReport] | None = None

    async def report(self) -> ReadinessReport:
        async with self._lock:
            if self._cached is not None and self._clock() - self._cached[0] < self._interval:
                return self._cached[1]
            report = await self._probe()
            self._cached = (self._clock(), report)
            return report

    async def _probe(self) -> ReadinessReport:
        http, credentials = self._upstreams.http, self._upstreams.credentials
        states = await asyncio.gather(
            *(check(s, http[s.provider], credentials, within=self._timeout) for s in SPECS)
        )
        return ReadinessReport(
            states={spec.name: state for spec, state in zip(SPECS, states, strict=True)},
            modes=self._modes,
        )

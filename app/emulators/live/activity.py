"""The emulators' live activity: steps of session progress, delivered as signed webhooks.

A step picks an upstream (in turn, or the one asked for), changes its dataset
and delivers the webhook. `interval_s` > 0 runs steps on a timer (the demo);
tests leave it at 0 and step by hand (`POST /_live/step`), so nothing depends
on wall-clock timing. The clock starts at the datasets' fixed "now" and moves
with elapsed monotonic time; tests may inject their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.emulators.live.delivery import Deliverer
from app.emulators.live.progress import meet_step, realtimekit_step, stream_step
from app.emulators.live.signing import WebhookRequest
from app.emulators.timeformat import NS_PER_S

__all__ = ["UPSTREAMS", "LiveActivity", "Targets"]

UPSTREAMS = ("stream", "realtimekit", "meet")
_log = logging.getLogger(__name__)


def _elapsed_clock(start: int) -> Callable[[], int]:
    origin = time.monotonic()
    return lambda: start + int((time.monotonic() - origin) * NS_PER_S)


@dataclass
class Targets:
    """Where each upstream delivers: a registered URL, else `base_url`/webhooks/<upstream>."""

    base_url: str | None = None
    registered: dict[str, str] = field(default_factory=dict)

    def url_for(self, upstream: str) -> str | None:
        if upstream in self.registered:
            return self.registered[upstream]
        if self.base_url:
            return f"{self.base_url.rstrip('/')}/webhooks/{upstream}"
        return None


@dataclass
class LiveActivity:
    """Session progress over the emulators' datasets (`datasets` by upstream name)."""

    datasets: dict[str, Any]
    deliverer: Deliverer
    targets: Targets
    seed: int
    now: Callable[[], int]
    interval_s: float = 0.0
    _rng: random.Random = field(init=False)
    _turn: itertools.cycle[str] = field(init=False)
    _task: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._turn = itertools.cycle(UPSTREAMS)

    @classmethod
    def create(
        cls,
        datasets: dict[str, Any],
        deliverer: Deliverer,
        targets: Targets,
        seed: int,
        start: int,
    ) -> LiveActivity:
        return cls(datasets, deliverer, targets, seed, _elapsed_clock(start))

    def progress(
        self, upstream: str | None = None, kind: str | None = None
    ) -> WebhookRequest | None:
        """One join or leave (`kind`, else drawn) in a live session of `upstream`
        (the next in turn when None)."""
        name = upstream or next(self._turn)
        data, rng, now = self.datasets[name], self._rng, self.now()
        if name == "stream":
            return stream_step(data, rng, now, kind)
        if name == "realtimekit":
            return realtimekit_step(data, rng, now, kind)
        return meet_step(data, rng, now, kind)

    async def step(
        self, upstream: str | None = None, kind: str | None = None
    ) -> tuple[WebhookRequest | None, int]:
        """Progress and deliver; returns the request and the final delivery status."""
        request = self.progress(upstream, kind)
        if request is None:
            return None, -1
        return request, await self.deliverer.deliver(request)

    def start(self) -> None:
        if self.interval_s > 0 and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                await self.step()
            except Exception:
                _log.exception("An emulated live step failed")

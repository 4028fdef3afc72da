"""The skeleton every emulator shares: routes table, dataset, fault renderer, rate limiter.

An emulator subclasses `Emulator`, builds its dataset, declares its routes
table and its `RateLimiter`, and implements two methods: `dispatch` (the
upstream's own order of checks, then the handler) and `render_fault` (an
injected error in the upstream's own shape). The base class adds what is the
same everywhere: fault injection (latency, hangs, error rates, 429 bursts,
per-path rules), a log of every request with monotonic start/end times (so
tests can count upstream calls and see which overlapped), and rendering of
`EmulatorError`s raised by handlers.
"""

from __future__ import annotations

import asyncio
import random
import time
from abc import ABC, abstractmethod
from typing import ClassVar, Generic, TypeVar
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from app.emulators.config import EmulatorConfig
from app.emulators.framework.knobs import Knobs
from app.emulators.framework.log import LoggedRequest, RequestLog
from app.emulators.framework.ratelimit import RateLimiter
from app.emulators.framework.routes import RouteMatch, RouteTable

__all__ = ["Emulator", "EmulatorError"]

T = TypeVar("T")
_LOGGED_HEADERS = (
    "content-type",
    "stream-auth-type",
    "x-goog-fieldmask",
    "traceparent",
    "tracestate",
    "baggage",
)


class EmulatorError(Exception):
    """An error in the upstream's own shape, raised by handlers and rendered by `response`."""

    def response(self) -> Response:
        raise NotImplementedError


class Emulator(ABC, Generic[T]):
    """One upstream's emulator; `T` is what its routes table maps requests to."""

    name: ClassVar[str]
    prefixes: ClassVar[tuple[str, ...]]

    def __init__(
        self,
        config: EmulatorConfig,
        log: RequestLog,
        *,
        routes: RouteTable[T],
        limiter: RateLimiter,
    ) -> None:
        self.config = config
        self.log = log
        self.routes = routes
        self.limiter = limiter
        self.knobs = self.base_knobs()
        self._rng = random.Random(config.seed)

    # --- what each emulator provides ------------------------------------------------

    @abstractmethod
    async def dispatch(self, request: Request, route: RouteMatch[T]) -> Response:
        """Answer one request the upstream's way (its checks, then the handler)."""

    @abstractmethod
    def render_fault(self, status: int, retry_after: int | None) -> Response:
        """An injected fault as the upstream would send it."""

    # --- knobs ------------------------------------------------------------------------

    def base_knobs(self) -> Knobs:
        """The knobs the emulator starts with: the configured latency and error rate."""
        return Knobs(latency_ms=self.config.latency_ms, error_rate=self.config.error_rate)

    def set_knobs(self, knobs: Knobs) -> None:
        """Replace the knobs and empty the rate-limit windows, so limits start afresh."""
        self.knobs = knobs
        self.limiter.reset()

    def reset_knobs(self) -> None:
        self.set_knobs(self.base_knobs())

    # --- serving ----------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.monotonic()
        status_holder = [0]

        async def logging_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
            await send(message)

        try:
            await self._serve(scope, receive, logging_send)
        finally:
            self.log.append(self._entry(scope, status_holder[0], started))

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        knobs = self.knobs
        if knobs.latency_ms:
            await asyncio.sleep(knobs.latency_ms / 1000)
        fault = self._pick_fault(scope["method"], scope["path"])
        if fault is not None:
            status, delay, retry_after = fault
            if delay:
                await asyncio.sleep(delay)
            if status:
                await self.render_fault(status, retry_after)(scope, receive, send)
                return
        route = self.routes.match(scope["method"], scope["path"])
        scope["path_params"] = route.params
        request = Request(scope, receive)
        try:
            response = await self.dispatch(request, route)
        except EmulatorError as exc:
            response = exc.response()
        await response(scope, receive, send)

    def _pick_fault(self, method: str, path: str) -> tuple[int, float, int | None] | None:
        knobs = self.knobs
        for rule in knobs.rules:
            if rule.times == 0 or not rule.matches(method, path):
                continue
            if rule.times is not None:
                rule.times -= 1
            return rule.status, rule.delay_s, rule.retry_after
        if knobs.burst_429 > 0:
            knobs.burst_429 -= 1
            return 429, 0.0, knobs.retry_after
        if knobs.error_rate and self._rng.random() < knobs.error_rate:
            return knobs.error_status, 0.0, None
        if knobs.hang_rate and self._rng.random() < knobs.hang_rate:
            return 0, knobs.hang_s, None
        return None

    def _entry(self, scope: Scope, status: int, started: float) -> LoggedRequest:
        raw_headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
        }
        return LoggedRequest(
            emulator=self.name,
            method=scope["method"],
            path=scope["path"],
            query=parse_qs(
                scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
            ),
            headers={k: raw_headers[k] for k in _LOGGED_HEADERS if k in raw_headers},
            status=status,
            started=started,
            finished=time.monotonic(),
        )

"""What every emulator shares: knobs for faults, a request log, and the hub that routes to them.

Each emulator is a Starlette app serving the upstream's real paths. `Emulator`
wraps it with fault injection (latency, hangs, error rates, 429 bursts,
per-path rules) and logs every request with monotonic start/end times, so tests
can count upstream calls and see which ones overlapped.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "Emulator",
    "EmulatorHub",
    "FaultRule",
    "Knobs",
    "LoggedRequest",
    "RequestLog",
]


@dataclass
class FaultRule:
    """Answer requests whose path matches `path_regex` with `status` (after `delay_s`).

    `times` limits how many requests the rule catches (None: all). A status of 0
    means "no error, just the delay": with a delay longer than the gateway's read
    timeout that is how a timeout is produced.
    """

    path_regex: str
    status: int
    times: int | None = None
    delay_s: float = 0.0
    retry_after: int | None = None
    method: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return re.search(self.path_regex, path) is not None


@dataclass
class Knobs:
    """Fault and shape controls of one emulator; tests change them between requests."""

    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    burst_429: int = 0
    retry_after: int | None = 1
    short_pages: bool = False
    rules: list[FaultRule] = field(default_factory=list)
    # Emulator-specific switches (documented per emulator), e.g. envelope shapes.
    options: dict[str, Any] = field(default_factory=dict)

    def short_page_size(self, asked: int) -> int:
        """The page size actually served: half of what was asked when short pages are on."""
        return max(1, (asked + 1) // 2) if self.short_pages else asked


@dataclass(frozen=True)
class LoggedRequest:
    """One request an emulator received."""

    emulator: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    started: float
    finished: float

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class RequestLog:
    """Every request every emulator answered, in arrival order."""

    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []

    def append(self, entry: LoggedRequest) -> None:
        self._entries.append(entry)

    def entries(self, emulator: str | None = None) -> list[LoggedRequest]:
        return [e for e in self._entries if emulator is None or e.emulator == emulator]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


ErrorRenderer = Callable[[int, int | None], Response]
_LOGGED_HEADERS = ("content-type", "stream-auth-type", "x-goog-fieldmask")


class Emulator:
    """One upstream's emulator: its app wrapped with knobs and logging."""

    def __init__(
        self,
        name: str,
        prefixes: tuple[str, ...],
        app: ASGIApp,
        render_error: ErrorRenderer,
        *,
        log: RequestLog,
        seed: int = 0,
    ) -> None:
        self.name = name
        self.prefixes = prefixes
        self.knobs = Knobs()
        self.log = log
        self._app = app
        self._render_error = render_error
        self._rng = random.Random(seed)

    def reset_knobs(self) -> None:
        self.knobs = Knobs()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
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
                await self._render_error(status, retry_after)(scope, receive, send)
                return
        await self._app(scope, receive, send)

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


class EmulatorHub:
    """All emulators behind one ASGI app (their path prefixes do not collide).

    `/_emulator/…` is a small control API so tests over real sockets can read the
    log and set knobs: GET/DELETE `/_emulator/log`, PUT `/_emulator/knobs/{name}`.
    """

    def __init__(self, emulators: list[Emulator], log: RequestLog) -> None:
        self.emulators = {e.name: e for e in emulators}
        self.log = log
        self._control = Starlette(
            routes=[
                Route("/_emulator/log", self._get_log, methods=["GET"]),
                Route("/_emulator/log", self._clear_log, methods=["DELETE"]),
                Route("/_emulator/knobs/{name}", self._put_knobs, methods=["PUT"]),
            ]
        )

    def __getitem__(self, name: str) -> Emulator:
        return self.emulators[name]

    def reset(self) -> None:
        """Clear the log and every knob."""
        self.log.clear()
        for emulator in self.emulators.values():
            emulator.reset_knobs()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _ignore_lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith("/_emulator/"):
            await self._control(scope, receive, send)
            return
        for emulator in self.emulators.values():
            if path.startswith(emulator.prefixes):
                await emulator(scope, receive, send)
                return
        await JSONResponse({"error": "no emulator serves this path"}, status_code=404)(
            scope, receive, send
        )

    async def _get_log(self, request: Request) -> Response:
        name = request.query_params.get("emulator")
        return JSONResponse([asdict(e) for e in self.log.entries(name)])

    async def _clear_log(self, request: Request) -> Response:
        self.log.clear()
        return Response(status_code=204)

    async def _put_knobs(self, request: Request) -> Response:
        emulator = self.emulators.get(request.path_params["name"])
        if emulator is None:
            return JSONResponse({"error": "unknown emulator"}, status_code=404)
        body = await request.json()
        rules = [FaultRule(**rule) for rule in body.pop("rules", [])]
        emulator.knobs = Knobs(**body, rules=rules)
        return Response(status_code=204)


async def _ignore_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return

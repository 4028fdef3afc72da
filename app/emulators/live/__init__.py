"""The emulators' live activity: sessions progress and the matching webhooks are delivered.

`build_emulator` makes one more emulator for the hub (named `live`), serving the
webhook keys, the registration endpoints and a control API over the other
emulators' datasets. See `activity` for stepping and `signing` for the wire.
"""

from __future__ import annotations

from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.emulators.config import DEMO_CREDENTIALS, EmulatorConfig
from app.emulators.framework import Emulator, EmulatorHub, RequestLog
from app.emulators.framework.ratelimit import RateLimiter
from app.emulators.framework.routes import RouteMatch, RouteTable
from app.emulators.live.activity import LiveActivity, Targets
from app.emulators.live.delivery import Deliverer
from app.emulators.live.keys import emulator_keys
from app.emulators.live.routes import Handler, live_routes, rtk_webhooks_path

__all__ = [
    "DEMO_LIVE_INTERVAL",
    "LiveEmulator",
    "build_emulator",
    "live_activity",
    "serve_with_activity",
    "wire_live_demo",
]

# Seconds between emulated joins/leaves in `demo`: events show within seconds.
DEMO_LIVE_INTERVAL = 3.0


class LiveEmulator(Emulator[Handler]):
    """The `live` emulator; `activity` is the stepper tests and the demo drive."""

    name = "live"
    prefixes = (
        "/_live/",
        "/.well-known/webhooks.json",
        "/oauth2/v3/certs",
        "/api/v2/app",
        rtk_webhooks_path(DEMO_CREDENTIALS),
    )

    def __init__(self, config: EmulatorConfig, log: RequestLog, activity: LiveActivity) -> None:
        self.activity = activity
        rows = live_routes(activity, emulator_keys(), config.credentials)
        # These control and registration endpoints have no rate limit of their own.
        super().__init__(config, log, routes=RouteTable(rows), limiter=RateLimiter(60.0))

    async def dispatch(self, request: Request, route: RouteMatch[Handler]) -> Response:
        if route.target is None:
            status = 405 if route.allowed else 404
            return JSONResponse({"error": "no such live endpoint"}, status_code=status)
        return await route.target(request)

    def render_fault(self, status: int, retry_after: int | None) -> Response:
        return JSONResponse({"error": "emulated fault"}, status_code=status)


def build_emulator(
    config: EmulatorConfig, log: RequestLog, datasets: dict[str, Any]
) -> LiveEmulator:
    """`datasets` by upstream name (`stream`, `realtimekit`, `meet`)."""
    targets = Targets()
    deliverer = Deliverer(httpx.AsyncClient(timeout=3.0), targets.url_for)
    start = config.now_ns
    activity = LiveActivity.create(datasets, deliverer, targets, config.seed, start)
    return LiveEmulator(config, log, activity)


def live_activity(hub: EmulatorHub) -> LiveActivity | None:
    """The hub's live activity (None for a hub built without it)."""
    emulator = hub.emulators.get("live")
    return emulator.activity if isinstance(emulator, LiveEmulator) else None


def serve_with_activity(hub: EmulatorHub) -> ASGIApp:
    """The hub as an ASGI app whose lifespan runs the live activity's timer."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        activity = live_activity(hub)
        if scope["type"] != "lifespan" or activity is None:
            await hub(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                activity.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await activity.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    return app


def wire_live_demo(
    hub: EmulatorHub | None, gateway_url: str | None, interval: float | None
) -> None:
    """Deliver the hub's webhooks to `gateway_url`, every `interval` s (None: the demo's)."""
    activity = live_activity(hub) if hub is not None else None
    if activity is None or not gateway_url:
        return
    activity.targets.base_url = gateway_url
    activity.interval_s = DEMO_LIVE_INTERVAL if interval is None else interval

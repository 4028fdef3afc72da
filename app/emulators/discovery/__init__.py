"""The Discovery Engine (Vertex AI Search) sessions emulator.

Serves create/get/list/patch/delete under the three parent forms strictly as
docs/upstreams/discovery.md describes, over a seeded dataset exposed as
`emulator.dataset` (alias `emulator.store`) so tests can compare against ground
truth. Knob option `denied_tokens` (a list) answers those bearer tokens with 403.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from app.emulators.config import EmulatorConfig
from app.emulators.discovery.api import Handler, SessionsApi, dispatch, routes
from app.emulators.discovery.seed import seed_store
from app.emulators.discovery.store import SessionStore
from app.emulators.framework import Emulator, RateLimiter, RequestLog, RouteMatch
from app.emulators.google import render_google_error

__all__ = ["DiscoveryEmulator", "build_emulator"]


class DiscoveryEmulator(Emulator[Handler]):
    """The emulator plus its session store, the ground truth tests read."""

    name = "discovery"
    prefixes = ("/v1/",)

    def __init__(self, config: EmulatorConfig, log: RequestLog) -> None:
        self.dataset: SessionStore = seed_store(config)
        api = SessionsApi(
            self.dataset, frozenset({config.credentials.google_token}), lambda: self.knobs
        )
        # Discovery Engine publishes per-project quotas but the gateway's traffic never
        # nears them, so the emulator enforces none; the limiter is the skeleton's slot.
        super().__init__(config, log, routes=routes(api), limiter=RateLimiter(60))

    @property
    def store(self) -> SessionStore:
        return self.dataset

    async def dispatch(self, request: Request, route: RouteMatch[Handler]) -> Response:
        return await dispatch(request, route)

    def render_fault(self, status: int, retry_after: int | None) -> Response:
        return render_google_error(status, retry_after)


def build_emulator(config: EmulatorConfig, log: RequestLog) -> DiscoveryEmulator:
    return DiscoveryEmulator(config, log)

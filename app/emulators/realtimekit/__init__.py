"""The Cloudflare RealtimeKit emulator (docs/upstreams/realtimekit.md).

Serves `/client/v4/accounts/{account_id}/realtime/kit/{app_id}/…` over a seeded
dataset (`emulator.dataset`). Switches in `emulator.knobs.options`:

- `session_details_shape`: `"flat"` (default, current spec) or `"nested"` (`data.session`);
- `participants_paging`: `"data"` (default), `"top"` or `"none"`;
- `rate_limit` / `rate_window`: the per-token quota (default 1200 per 300 s).

`knobs.short_pages` is not honoured: pages are addressed by `page_no` times `per_page`,
so a short page would make the next page skip items, which no offset API does.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from app.emulators.config import EmulatorConfig
from app.emulators.framework import Emulator, RateLimiter, RequestLog, RouteMatch
from app.emulators.realtimekit.app import (
    DEFAULT_QUOTA,
    DEFAULT_WINDOW_S,
    RealtimeKitApp,
    Target,
    routes,
)
from app.emulators.realtimekit.dataset import Dataset, build_dataset
from app.emulators.realtimekit.envelopes import AUTH_CODE, RATE_LIMIT_CODE, cloudflare_errors
from app.emulators.realtimekit.routes import Handlers

__all__ = ["RealtimeKitEmulator", "build_emulator"]


class RealtimeKitEmulator(Emulator[Target]):
    """The RealtimeKit emulator, with its dataset exposed for tests."""

    name = "realtimekit"
    prefixes = ("/client/v4/",)

    def __init__(self, config: EmulatorConfig, log: RequestLog) -> None:
        now_ms = config.now_ns // 1_000_000
        self.dataset: Dataset = build_dataset(
            config.seed, now_ms, config.credentials.realtimekit_app_id
        )
        handlers = Handlers(data=self.dataset, now_ms=now_ms, knobs=lambda: self.knobs)
        # Cloudflare's windows open with a token's first request (not on the clock).
        limiter = RateLimiter(DEFAULT_WINDOW_S, aligned=False)
        self._app = RealtimeKitApp(handlers, config.credentials, limiter, lambda: self.knobs)
        super().__init__(config, log, routes=routes(handlers), limiter=limiter)

    async def dispatch(self, request: Request, route: RouteMatch[Target]) -> Response:
        return await self._app.dispatch(request, route)

    def render_fault(self, status: int, retry_after: int | None) -> Response:
        """Injected faults in the Cloudflare `errors[]` shape; 429 carries `Retry-After`."""
        if status == 429:
            response = cloudflare_errors(
                429, RATE_LIMIT_CODE, "Rate limited. Please wait and try again."
            )
            wait = retry_after if retry_after is not None else DEFAULT_WINDOW_S
            response.headers["Retry-After"] = str(wait)
            response.headers["Ratelimit"] = f'"default";r=0;t={wait}'
            response.headers["Ratelimit-Policy"] = f'"burst";q={DEFAULT_QUOTA};w={DEFAULT_WINDOW_S}'
            return response
        if status in (401, 403):
            return cloudflare_errors(status, AUTH_CODE, "Authentication error")
        # Emulator-defined code (Cloudflare's are >= 1000 and undocumented for these faults).
        return cloudflare_errors(status, status * 10, f"Upstream fault (HTTP {status})")


def build_emulator(config: EmulatorConfig, log: RequestLog) -> RealtimeKitEmulator:
    return RealtimeKitEmulator(config, log)

"""The RealtimeKit routes table and its order of checks, on the shared rate limiter.

Order of checks: every request counts against the quota of the token it
presents (so every answer carries the `Ratelimit` headers); an unknown route is
404 (code 7003) whatever the token; then the token (401, code 10000); then the
account and app (403); then the quota itself (429). The quota is Cloudflare's
global one, per token: `rate_limit` requests per `rate_window` seconds (knob
options, default 1200 per 300 s), in windows opened by a token's first request.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from app.emulators.config import DemoCredentials
from app.emulators.framework import Knobs, RateLimiter, RateWindow, RouteMatch, RouteTable
from app.emulators.realtimekit.envelopes import (
    AUTH_CODE,
    NO_ROUTE_CODE,
    RATE_LIMIT_CODE,
    AppError,
    CloudflareError,
)
from app.emulators.realtimekit.routes import Handlers

__all__ = [
    "DEFAULT_QUOTA",
    "DEFAULT_WINDOW_S",
    "Download",
    "Endpoint",
    "RealtimeKitApp",
    "Target",
    "rate_headers",
    "routes",
]

PREFIX = "/client/v4/accounts/{account}/realtime/kit/{app}"
DEFAULT_QUOTA = 1200
DEFAULT_WINDOW_S = 300
_ID_MAX = 32  # account and app ids are at most 32 characters
_DOWNLOAD_NAME = re.compile(r"[a-z]+\.[a-z]+")

Endpoint = Callable[[Request, str, dict[str, str]], Awaitable[Response]]


@dataclass(frozen=True)
class Download:
    """The stand-in for pre-signed storage links: served without a token."""


Target = Endpoint | Download


def routes(h: Handlers) -> RouteTable[Target]:
    # `peer-report` comes before `{session}` so it is not read as a session id.
    rows: list[tuple[str, str, Target]] = [
        ("GET", "/sessions", lambda r, p, a: h.list_sessions(r, p)),
        ("GET", "/sessions/peer-report/{peer}", lambda r, p, a: h.peer_report(r, a["peer"])),
        ("GET", "/sessions/{sid}", lambda r, p, a: h.session_details(r, a["sid"])),
        ("GET", "/sessions/{sid}/participants", lambda r, p, a: h.list_participants(r, a["sid"])),
        (
            "GET",
            "/sessions/{sid}/participants/{peer}",
            lambda r, p, a: h.participant_details(r, a["sid"], a["peer"]),
        ),
        ("GET", "/sessions/{sid}/chat", lambda r, p, a: h.chat(r, p, a["sid"])),
        ("GET", "/sessions/{sid}/transcript", lambda r, p, a: h.transcript(r, p, a["sid"])),
        ("GET", "/sessions/{sid}/summary", lambda r, p, a: h.summary(r, p, a["sid"])),
        ("POST", "/sessions/{sid}/summary", lambda r, p, a: h.generate_summary(r, a["sid"])),
        ("GET", "/meetings/{mid}/active-session", lambda r, p, a: h.active_session(r, a["mid"])),
        ("GET", "/_downloads/{sid}/{what}", Download()),
    ]
    return RouteTable((method, PREFIX + path, target) for method, path, target in rows)


def rate_headers(window: RateWindow) -> dict[str, str]:
    """The `Ratelimit` / `Ratelimit-Policy` headers (IETF draft form) Cloudflare sends."""
    return {
        "Ratelimit": f'"default";r={window.remaining};t={window.seconds_left()}',
        "Ratelimit-Policy": f'"burst";q={window.limit};w={int(window.length)}',
    }


class RealtimeKitApp:
    """The authenticated, rate-limited RealtimeKit API behind the routes table."""

    def __init__(
        self,
        handlers: Handlers,
        credentials: DemoCredentials,
        limiter: RateLimiter,
        knobs: Callable[[], Knobs],
    ) -> None:
        self._handlers = handlers
        self._credentials = credentials
        self._limiter = limiter
        self._knobs = knobs

    async def dispatch(self, request: Request, route: RouteMatch[Target]) -> Response:
        # Counted per presented token before any check, so every answer carries the headers.
        presented = request.headers.get("authorization", "")
        options = self._knobs().options
        window = self._limiter.hit(
            presented,
            int(options.get("rate_limit", DEFAULT_QUOTA)),
            window_s=float(options.get("rate_window", DEFAULT_WINDOW_S)),
        )
        headers = rate_headers(window)
        try:
            response = await self._checked(request, route, presented, window)
        except (AppError, CloudflareError) as exc:
            response = exc.response()
        if window.exceeded:
            headers["Retry-After"] = str(window.seconds_left())
        response.headers.update(headers)
        return response

    async def _checked(
        self,
        request: Request,
        route: RouteMatch[Target],
        presented: str,
        window: RateWindow,
    ) -> Response:
        params = route.params
        target = route.target
        if target is None or max(len(params["account"]), len(params["app"])) > _ID_MAX:
            # (`params` is empty on a miss, but then `target is None` decides first.)
            raise CloudflareError(404, NO_ROUTE_CODE, "No route for the URI")
        if isinstance(target, Download):
            if not _DOWNLOAD_NAME.fullmatch(params["what"]):
                raise CloudflareError(404, NO_ROUTE_CODE, "No route for the URI")
            return await self._handlers.download(request, params["sid"], params["what"])
        self._check_token(presented)
        creds = self._credentials
        if (params["account"], params["app"]) != (
            creds.realtimekit_account_id,
            creds.realtimekit_app_id,
        ):
            raise CloudflareError(403, AUTH_CODE, "Authentication error")
        if window.exceeded:
            raise CloudflareError(429, RATE_LIMIT_CODE, "Rate limited. Please wait and try again.")
        base = str(request.base_url).rstrip("/")
        prefix = f"{base}/client/v4/accounts/{params['account']}/realtime/kit/{params['app']}"
        return await target(request, prefix, params)

    def _check_token(self, authorization: str) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or token != self._credentials.realtimekit_api_token:
            raise CloudflareError(401, AUTH_CODE, "Authentication error")

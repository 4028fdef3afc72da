"""The emulator's ASGI app: prefix routing, Bearer auth, rate limiting, then the endpoints.

Order of checks: every request counts against the quota of the token it
presents (so every answer carries the `Ratelimit` headers); an unknown route is
404 (code 7003) whatever the token; then the token (401, code 10000); then the
account and app (403); then the quota itself (429).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.emulators.config import DemoCredentials
from app.emulators.framework import Knobs
from app.emulators.realtimekit.envelopes import (
    AUTH_CODE,
    NO_ROUTE_CODE,
    RATE_LIMIT_CODE,
    AppError,
    CloudflareError,
    RateLimiter,
)
from app.emulators.realtimekit.routes import Handlers

__all__ = ["RealtimeKitApp"]

_PREFIX = re.compile(
    r"^/client/v4/accounts/(?P<account>[^/]+)/realtime/kit/(?P<app>[^/]+)(?P<rest>/.*)$"
)
_DOWNLOAD = re.compile(r"^/_downloads/(?P<sid>[^/]+)/(?P<what>[a-z]+\.[a-z]+)$")
_ID_MAX = 32  # account and app ids (§1.1)

Endpoint = Callable[[Request, str, list[str]], Awaitable[Response]]


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    endpoint: Endpoint


def _routes(h: Handlers) -> list[_Route]:
    def route(method: str, path: str, endpoint: Endpoint) -> _Route:
        return _Route(method, re.compile("^" + path.replace("{}", "([^/]+)") + "$"), endpoint)

    # `peer-report` comes before `{session_id}` so it is not read as a session id.
    return [
        route("GET", "/sessions", lambda r, p, a: h.list_sessions(r, p)),
        route("GET", "/sessions/peer-report/{}", lambda r, p, a: h.peer_report(r, a[0])),
        route("GET", "/sessions/{}", lambda r, p, a: h.session_details(r, a[0])),
        route("GET", "/sessions/{}/participants", lambda r, p, a: h.list_participants(r, a[0])),
        route(
            "GET",
            "/sessions/{}/participants/{}",
            lambda r, p, a: h.participant_details(r, a[0], a[1]),
        ),
        route("GET", "/sessions/{}/chat", lambda r, p, a: h.chat(r, p, a[0])),
        route("GET", "/sessions/{}/transcript", lambda r, p, a: h.transcript(r, p, a[0])),
        route("GET", "/sessions/{}/summary", lambda r, p, a: h.summary(r, p, a[0])),
        route("POST", "/sessions/{}/summary", lambda r, p, a: h.generate_summary(r, a[0])),
        route("GET", "/meetings/{}/active-session", lambda r, p, a: h.active_session(r, a[0])),
    ]


class RealtimeKitApp:
    """The routed, authenticated, rate-limited RealtimeKit API."""

    def __init__(
        self, handlers: Handlers, credentials: DemoCredentials, knobs: Callable[[], Knobs]
    ) -> None:
        self._handlers = handlers
        self._routes = _routes(handlers)
        self._credentials = credentials
        self._knobs = knobs
        self._limiter = RateLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        headers: dict[str, str] = {}
        try:
            response = await self._handle(request, headers)
        except (AppError, CloudflareError) as exc:
            response = exc.response()
        response.headers.update(headers)
        await response(scope, receive, send)

    async def _handle(self, request: Request, headers: dict[str, str]) -> Response:
        # Counted per presented token before any check, so every answer carries the headers.
        presented = request.headers.get("authorization", "")
        allowed, limit_headers = self._limiter.take(presented, self._knobs())
        headers.update(limit_headers)
        match = _PREFIX.match(request.url.path)
        if match is None or len(match["account"]) > _ID_MAX or len(match["app"]) > _ID_MAX:
            raise CloudflareError(404, NO_ROUTE_CODE, "No route for the URI")
        prefix = str(request.base_url).rstrip("/") + request.url.path[: match.start("rest")]
        rest = match["rest"]
        download = _DOWNLOAD.match(rest)
        if download is not None and request.method == "GET":
            # Download URLs stand in for pre-signed storage links: no token needed.
            return await self._handlers.download(request, download["sid"], download["what"])
        endpoint, args = self._route(request.method, rest)
        self._check_token(presented)
        creds = self._credentials
        if (match["account"], match["app"]) != (
            creds.realtimekit_account_id,
            creds.realtimekit_app_id,
        ):
            raise CloudflareError(403, AUTH_CODE, "Authentication error")
        if not allowed:
            raise CloudflareError(429, RATE_LIMIT_CODE, "Rate limited. Please wait and try again.")
        return await endpoint(request, prefix, args)

    def _route(self, method: str, rest: str) -> tuple[Endpoint, list[str]]:
        for candidate in self._routes:
            found = candidate.pattern.match(rest)
            if found is not None and candidate.method == method:
                return candidate.endpoint, list(found.groups())
        raise CloudflareError(404, NO_ROUTE_CODE, "No route for the URI")

    def _check_token(self, authorization: str) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or token != self._credentials.realtimekit_api_token:
            raise CloudflareError(401, AUTH_CODE, "Authentication error")

"""Response envelopes, the two error shapes, rate limiting and query-parameter parsing.

Error envelopes follow the reference's labelled guess (§6.4): Cloudflare's
`errors[]` for auth, routing and rate limiting; Dyte's `error{code,message}` for
application errors (unknown objects, bad parameter values).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

from app.emulators.framework import Knobs
from resolvers.timestamps import Instant

__all__ = [
    "AppError",
    "CloudflareError",
    "Params",
    "RateLimiter",
    "cloudflare_errors",
    "ok",
]

AUTH_CODE = 10000
NO_ROUTE_CODE = 7003
RATE_LIMIT_CODE = 971  # emulator-defined; the reference documents none (§7)


class AppError(Exception):
    """A RealtimeKit application error: `{"success":false,"error":{"code","message"}}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> Response:
        body = {"success": False, "error": {"code": self.status, "message": self.message}}
        return JSONResponse(body, status_code=self.status)


class CloudflareError(Exception):
    """A Cloudflare v4 failure: `{"success":false,"errors":[…],"messages":[],"result":null}`."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        return cloudflare_errors(self.status, self.code, self.message)


def cloudflare_errors(status: int, code: int, message: str) -> Response:
    body = {
        "success": False,
        "errors": [{"code": code, "message": message}],
        "messages": [],
        "result": None,
    }
    return JSONResponse(body, status_code=status)


def ok(data: Any, paging: dict[str, int] | None = None) -> Response:
    """The RealtimeKit success envelope: `data`, never Cloudflare's `result`."""
    body: dict[str, Any] = {"success": True, "data": data}
    if paging is not None:
        body["paging"] = paging
    return JSONResponse(body)


@dataclass
class _Window:
    started: float
    used: int


class RateLimiter:
    """Cloudflare's global limit per token: `quota` requests per `window` seconds (§7).

    Counters belong to one `Knobs` object: the test hub swaps in fresh knobs
    between tests, which also starts every test with a fresh quota.
    """

    def __init__(self) -> None:
        self._windows: dict[str, _Window] = {}
        self._knobs: Knobs | None = None

    def take(self, token: str, knobs: Knobs) -> tuple[bool, dict[str, str]]:
        """Count one request; (allowed, the `Ratelimit*` headers to send)."""
        if knobs is not self._knobs:
            self._knobs, self._windows = knobs, {}
        quota = int(knobs.options.get("rate_limit", 1200))
        window = float(knobs.options.get("rate_window", 300))
        now = time.monotonic()
        current = self._windows.get(token)
        if current is None or now - current.started >= window:
            current = self._windows[token] = _Window(started=now, used=0)
        current.used += 1
        # Elapsed first: `started + window - now` can round to just over the window
        # and report 301 seconds for a fresh 300-second window.
        reset = max(1, math.ceil(window - (now - current.started)))
        remaining = max(0, quota - current.used)
        headers = {
            "Ratelimit": f'"default";r={remaining};t={reset}',
            "Ratelimit-Policy": f'"burst";q={quota};w={int(window)}',
        }
        allowed = current.used <= quota
        if not allowed:
            headers["Retry-After"] = str(reset)
        return allowed, headers


class Params:
    """Typed reads of query parameters; bad values are 400 application errors."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self._query = query

    def text(self, name: str) -> str | None:
        value = self._query.get(name)
        return value or None

    def number(self, name: str, default: int) -> int:
        raw = self._query.get(name)
        if raw is None or raw == "":  # `allowEmptyValue: true` (§2.3)
            return default
        try:
            value = int(raw)
        except ValueError:
            raise AppError(400, f"{name} must be a number") from None
        if value < 0:
            raise AppError(400, f"{name} must be greater than or equal to 0")
        return value

    def choice(self, name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
        value = self.text(name)
        if value is None:
            return default
        if value not in allowed:
            raise AppError(400, f"{name} must be one of {', '.join(allowed)}")
        return value

    def flag(self, name: str) -> bool:
        return self.choice(name, ("true", "false"), "false") == "true"

    def time_ms(self, name: str) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return Instant.parse(value).ns // 1_000_000
        except ValueError:
            raise AppError(400, f"{name} must be an ISO 8601 date-time") from None

    def page(self, total: int) -> tuple[int, int, int]:
        """(page_no, per_page, start index): 1-based pages, per_page 20 by default, max 100."""
        page_no = self.number("page_no", 1) or 1
        per_page = min(self.number("per_page", 20) or 20, 100)
        return page_no, per_page, min(total, (page_no - 1) * per_page)


def paging_of(total: int, start: int, count: int) -> dict[str, int]:
    """1-based offsets (§2.2); both 0 on an empty page."""
    if count == 0:
        return {"total_count": total, "start_offset": 0, "end_offset": 0}
    return {"total_count": total, "start_offset": start + 1, "end_offset": start + count}


__all__ += ["AUTH_CODE", "NO_ROUTE_CODE", "RATE_LIMIT_CODE", "paging_of"]

"""Response envelopes, the two error shapes and query-parameter parsing.

Error envelopes follow docs/upstreams/realtimekit.md ("Errors"): Cloudflare's
`errors[]` for auth, routing and rate limiting; Dyte's `error{code,message}` for
application errors (unknown objects, bad parameter values).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse, Response

from app.emulators.framework import EmulatorError
from app.emulators.timeformat import parse_rfc3339

__all__ = [
    "AppError",
    "CloudflareError",
    "Params",
    "cloudflare_errors",
    "ok",
]

AUTH_CODE = 10000
NO_ROUTE_CODE = 7003
RATE_LIMIT_CODE = 971  # emulator-defined; Cloudflare documents none for this limit


class AppError(EmulatorError):
    """A RealtimeKit application error: `{"success":false,"error":{"code","message"}}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> Response:
        body = {"success": False, "error": {"code": self.status, "message": self.message}}
        return JSONResponse(body, status_code=self.status)


class CloudflareError(EmulatorError):
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


class Params:
    """Typed reads of query parameters; bad values are 400 application errors."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self._query = query

    def text(self, name: str) -> str | None:
        value = self._query.get(name)
        return value or None

    def number(self, name: str, default: int) -> int:
        raw = self._query.get(name)
        if raw is None or raw == "":  # the spec declares `allowEmptyValue: true`
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
            return parse_rfc3339(value.strip()) // 1_000_000
        except ValueError:
            raise AppError(400, f"{name} must be an ISO 8601 date-time") from None

    def page(self, total: int) -> tuple[int, int, int]:
        """(page_no, per_page, start index): 1-based pages, per_page 20 by default, max 100."""
        page_no = self.number("page_no", 1) or 1
        per_page = min(self.number("per_page", 20) or 20, 100)
        return page_no, per_page, min(total, (page_no - 1) * per_page)


def paging_of(total: int, start: int, count: int) -> dict[str, int]:
    """1-based offsets (docs/upstreams/realtimekit.md, "Paging"); both 0 on an empty page."""
    if count == 0:
        return {"total_count": total, "start_offset": 0, "end_offset": 0}
    return {"total_count": total, "start_offset": start + 1, "end_offset": start + count}


__all__ += ["AUTH_CODE", "NO_ROUTE_CODE", "RATE_LIMIT_CODE", "paging_of"]

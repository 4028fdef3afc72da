"""Upstream HTTP statuses and bodies as the gateway's errors (docs/faults.md).

Upstream messages are never copied into an error: a client sees the contract's
code and a message of the gateway's own, with the upstream status kept for
retries and metrics.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import orjson

from resolvers.errors import ErrorCode, GatewayError, Provider

__all__ = [
    "ErrorParser",
    "error_from_status",
    "json_body",
    "retry_after_seconds",
    "status_error_parser",
]

_STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_USER_INPUT,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    408: ErrorCode.UPSTREAM_TIMEOUT,
    409: ErrorCode.BAD_USER_INPUT,
    413: ErrorCode.BAD_USER_INPUT,
    429: ErrorCode.RATE_LIMITED,
    504: ErrorCode.UPSTREAM_TIMEOUT,
}


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """`Retry-After` as seconds (delta-seconds or an HTTP-date), if present and sane."""
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.split(",")[0].strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def error_from_status(
    provider: Provider,
    status: int,
    *,
    reason: str | None = None,
    retry_after: float | None = None,
    retryable: bool = True,
) -> GatewayError:
    """A client-safe error for an upstream HTTP failure. Upstream messages are not copied."""
    code = _STATUS_CODES.get(status)
    if code is None:
        code = ErrorCode.UPSTREAM_UNAVAILABLE if status >= 500 else ErrorCode.BAD_USER_INPUT
    label = provider.label
    detail = f" ({reason})" if reason else ""
    messages = {
        ErrorCode.NOT_FOUND: f"{label} has no such object{detail}",
        ErrorCode.UNAUTHENTICATED: f"{label} rejected the credentials{detail}",
        ErrorCode.FORBIDDEN: f"{label} denied access{detail}",
        ErrorCode.RATE_LIMITED: f"{label} is rate limiting requests; try again later",
        ErrorCode.UPSTREAM_TIMEOUT: f"{label} did not answer in time",
        ErrorCode.UPSTREAM_UNAVAILABLE: f"{label} is unavailable (HTTP {status})",
        ErrorCode.BAD_USER_INPUT: f"{label} rejected the request{detail}",
    }
    return GatewayError(
        code,
        messages.get(code, f"{label} failed (HTTP {status})"),
        provider=provider,
        upstream_status=status,
        retry_after=retry_after,
        reason=reason,
        retryable=retryable,
    )


ErrorParser = Callable[[httpx.Response], GatewayError]


def json_body(response: httpx.Response, provider: Provider) -> Any:
    """The decoded JSON body, or UPSTREAM_UNAVAILABLE for a malformed one."""
    try:
        # orjson: several times faster than the standard library on list pages.
        return orjson.loads(response.content)
    except ValueError as exc:
        raise GatewayError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            f"{provider.label} sent a malformed response",
            provider=provider,
            upstream_status=response.status_code,
        ) from exc


def status_error_parser(provider: Provider) -> ErrorParser:
    """Map by HTTP status only (plus `Retry-After`); for upstreams with no richer body."""

    def parse(response: httpx.Response) -> GatewayError:
        return error_from_status(
            provider, response.status_code, retry_after=retry_after_seconds(response.headers)
        )

    return parse

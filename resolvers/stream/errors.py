"""Stream `APIError` responses as gateway errors.

Keyed off the HTTP status first and Stream's `code` second (never `message`).
The wait before retrying comes from `Retry-After` when present, else from
`X-RateLimit-Reset` (UTC epoch seconds), which is what Stream actually sends.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx

from resolvers.errors import GatewayError, Provider
from resolvers.http import error_from_status, retry_after_seconds

__all__ = ["error_parser", "rate_limit_reset_seconds"]

# Stream error codes (docs, "API Error Codes") as stable reasons for `upstreamReason`.
_REASONS = {
    2: "ACCESS_KEY_INVALID",
    4: "INPUT_ERROR",
    5: "AUTHENTICATION_ERROR",
    9: "RATE_LIMIT",
    16: "DOES_NOT_EXIST",
    17: "NOT_ALLOWED",
    22: "PAYLOAD_TOO_BIG",
    23: "TIMEOUT",
    40: "TOKEN_EXPIRED",
    41: "TOKEN_NOT_VALID_YET",
    42: "TOKEN_BEFORE_ISSUED_AT",
    43: "TOKEN_SIGNATURE_INVALID",
}


def rate_limit_reset_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds until `X-RateLimit-Reset` (first non-empty of comma-separated values)."""
    raw = headers.get("x-ratelimit-reset")
    if raw is None:
        return None
    for part in raw.split(","):
        if part.strip():
            try:
                return max(0.0, float(part.strip()) - time.time())
            except ValueError:
                return None
    return None


def _api_error(response: httpx.Response) -> tuple[int | None, bool]:
    """Stream's `code`, and whether it marked the error `unrecoverable`."""
    try:
        body = response.json()
    except ValueError:
        return None, False
    if not isinstance(body, dict):
        return None, False
    code = body.get("code")
    valid = isinstance(code, int) and not isinstance(code, bool)
    return (code if valid else None), body.get("unrecoverable") is True


def error_parser(response: httpx.Response) -> GatewayError:
    status = response.status_code
    code, unrecoverable = _api_error(response)
    retry_after = retry_after_seconds(response.headers)
    if retry_after is None and status == 429:
        retry_after = rate_limit_reset_seconds(response.headers)
    return error_from_status(
        Provider.STREAM_VIDEO,
        status,
        reason=_REASONS.get(code) if code is not None else None,
        retry_after=retry_after,
        # "Requests that return unrecoverable errors should not be retried."
        retryable=not unrecoverable,
    )

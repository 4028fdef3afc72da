"""Pieces the Meet and Discovery Engine emulators share: Google error bodies, bearer
auth, bound page tokens and ProtoJSON default omission."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = [
    "GoogleApiError",
    "decode_page_token",
    "encode_page_token",
    "google_error",
    "page_size",
    "proto_json",
    "render_google_error",
    "require_bearer",
]

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class GoogleApiError(Exception):
    """Raised inside handlers; rendered as a google.rpc.Status body."""

    def __init__(
        self,
        http_status: int,
        message: str,
        *,
        status: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.message = message
        self.status = status or _STATUS_NAMES.get(http_status, "UNKNOWN")
        self.reason = reason or self.status


def google_error(
    http_status: int,
    message: str,
    *,
    status: str | None = None,
    reason: str | None = None,
    domain: str = "googleapis.com",
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """`{error:{code,message,status,details:[ErrorInfo]}}` (AIP-193)."""
    status_name = status or _STATUS_NAMES.get(http_status, "UNKNOWN")
    body = {
        "error": {
            "code": http_status,
            "message": message,
            "status": status_name,
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": reason or status_name,
                    "domain": domain,
                    "metadata": {},
                }
            ],
        }
    }
    return JSONResponse(body, status_code=http_status, headers=dict(headers or {}))


def render_google_error(http_status: int, retry_after: int | None) -> Response:
    """Fault-injection renderer. Google sends no rate-limit headers, so none are added."""
    messages = {
        429: "Quota exceeded for quota metric 'Read requests' and limit "
        "'Read requests per minute'.",
        500: "Internal error encountered.",
        503: "The service is currently unavailable.",
        504: "The request deadline was exceeded.",
        403: "The caller does not have permission",
        404: "Requested entity was not found.",
    }
    return google_error(http_status, messages.get(http_status, "Request failed."))


def require_bearer(request: Request, accepted: set[str] | frozenset[str]) -> str:
    """The bearer token, or a 401 with CREDENTIALS_MISSING / ACCESS_TOKEN_TYPE_UNSUPPORTED."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise GoogleApiError(
            401,
            "Request is missing required authentication credential. Expected OAuth 2 access "
            "token, login cookie or other valid authentication credential.",
            reason="CREDENTIALS_MISSING",
        )
    token = header[7:].strip()
    if token not in accepted:
        raise GoogleApiError(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            reason="ACCESS_TOKEN_TYPE_UNSUPPORTED",
        )
    return token


def _binding(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()[:16]


def encode_page_token(offset: int, binding: str) -> str:
    """An opaque token for `offset`, bound to the filter/order it was issued for."""
    raw = orjson.dumps({"o": offset, "b": _binding(binding)})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_page_token(token: str | None, binding: str) -> int:
    """The offset in `token`; 400 INVALID_ARGUMENT if undecodable or issued for another query."""
    if not token:
        return 0
    try:
        data = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset = data["o"]
        bound = data["b"]
    except (binascii.Error, ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        raise GoogleApiError(400, "Invalid page token.") from exc
    if not isinstance(offset, int) or offset < 0 or bound != _binding(binding):
        raise GoogleApiError(400, "Invalid page token: it does not match this request.")
    return offset


def page_size(raw: str | None, *, default: int, maximum: int) -> int:
    """`pageSize`: absent or 0 means the default; above the maximum is coerced; negative is 400."""
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise GoogleApiError(400, f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\"") from exc
    if value < 0:
        raise GoogleApiError(400, "page_size must not be negative.")
    if value == 0:
        return default
    return min(value, maximum)


def proto_json(value: Any) -> Any:
    """Drop default values (None, "", 0, False, empty lists and objects), as ProtoJSON does."""
    if isinstance(value, dict):
        cleaned = {k: proto_json(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", 0, False, [], {})}
    if isinstance(value, list):
        return [proto_json(v) for v in value]
    return value

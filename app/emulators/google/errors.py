"""Google API errors (`google.rpc.Status` bodies, AIP-193) and bearer-token checks."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.emulators.framework import EmulatorError

__all__ = ["GoogleApiError", "google_error", "render_google_error", "require_bearer"]

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
_FAULT_MESSAGES = {
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "The request deadline was exceeded.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
}


class GoogleApiError(EmulatorError):
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

    def response(self) -> Response:
        return google_error(self.http_status, self.message, status=self.status, reason=self.reason)


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
    del retry_after
    return google_error(http_status, _FAULT_MESSAGES.get(http_status, "Request failed."))


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
        raise invalid_token()
    return token


def invalid_token() -> GoogleApiError:
    return GoogleApiError(
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        reason="ACCESS_TOKEN_TYPE_UNSUPPORTED",
    )


__all__ += ["invalid_token"]

"""What Meet and Discovery Engine share: google.rpc.Status errors and bearer auth."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.http import error_from_status, retry_after_seconds

if TYPE_CHECKING:
    from resolvers.http import UpstreamHttp

__all__ = ["google_auth", "google_auth_headers", "google_error_parser"]


def google_error_parser(provider: Provider) -> Callable[[httpx.Response], GatewayError]:
    """Read `{error: {code, status, message}}`, keyed off `status`, never `message`."""

    def parse(response: httpx.Response) -> GatewayError:
        reason: str | None = None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            status = body["error"].get("status")
            reason = status if isinstance(status, str) and status.isupper() else None
        return error_from_status(
            provider,
            response.status_code,
            reason=reason,
            retry_after=retry_after_seconds(response.headers),
        )

    return parse


def google_auth_headers(
    provider: Provider, static_token: str | None, caller_authorization: str | None
) -> dict[str, str]:
    """The static token when configured, else the caller's own bearer token."""
    if static_token:
        return {"Authorization": f"Bearer {static_token}"}
    if caller_authorization and caller_authorization.lower().startswith("bearer "):
        return {"Authorization": caller_authorization}
    raise GatewayError(
        ErrorCode.UNAUTHENTICATED,
        "This field needs Google credentials: send `Authorization: Bearer <token>` "
        "or configure SESSIONGRAPH_GOOGLE_ACCESS_TOKEN",
        provider=provider,
    )


def google_auth(
    http: UpstreamHttp, static_token: str | None, caller_authorization: str | None
) -> dict[str, Any]:
    """`send` keywords for a Google call: its bearer header and the identity it carries.

    The identity is a keyed hash of the token actually sent (static or the caller's),
    so what one caller's token fetched is never served to another.
    """
    headers = google_auth_headers(http.provider, static_token, caller_authorization)
    return {"headers": headers, "identity": http.identity_of(headers["Authorization"])}

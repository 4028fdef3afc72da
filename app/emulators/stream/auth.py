"""Server-side authentication as Stream checks it: `api_key`, `Stream-Auth-Type`, raw JWT.

Only server tokens (HS256 with the app secret, no `user_id`) are accepted: the
emulator serves a server-side gateway, and user tokens on these endpoints would
depend on call permissions the emulator does not model (403 code 17).
"""

from __future__ import annotations

import time

import jwt
from starlette.requests import Request

from app.emulators.config import DemoCredentials
from app.emulators.stream.wire import StreamApiError

__all__ = ["check_auth"]

_LEEWAY_S = 5


def check_auth(request: Request, credentials: DemoCredentials) -> None:
    """Raise the `APIError` Stream would send, or return for a valid server request."""
    api_key = request.query_params.get("api_key")
    if not api_key:
        raise StreamApiError(401, 2, "api_key query parameter is required")
    if api_key != credentials.stream_api_key:
        raise StreamApiError(401, 2, "api_key not valid")
    if (request.headers.get("stream-auth-type") or "").lower() != "jwt":
        raise StreamApiError(401, 5, "Stream-Auth-Type header must be jwt")
    token = request.headers.get("authorization") or ""
    if not token:
        raise StreamApiError(401, 5, "Authorization header is required")
    if token.lower().startswith("bearer "):
        raise StreamApiError(401, 5, "Authorization must be the raw JWT, without a Bearer prefix")
    claims = _decode(token, credentials.stream_api_secret)
    iat = claims.get("iat")
    if isinstance(iat, (int, float)) and iat > time.time() + _LEEWAY_S:
        raise StreamApiError(401, 42, "token used before issue at (iat)")
    if "user_id" in claims:
        raise StreamApiError(403, 17, "this endpoint needs a server token")


def _decode(token: str, secret: str) -> dict[str, object]:
    try:
        claims: dict[str, object] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            leeway=_LEEWAY_S,
            options={"verify_iat": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise StreamApiError(401, 40, "token is expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise StreamApiError(401, 41, "token not valid yet") from exc
    except jwt.InvalidSignatureError as exc:
        raise StreamApiError(401, 43, "token signature is invalid") from exc
    except jwt.InvalidTokenError as exc:
        raise StreamApiError(401, 5, "token is not a valid JWT") from exc
    return claims

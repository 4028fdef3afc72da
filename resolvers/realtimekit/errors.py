"""RealtimeKit failures: both envelopes, decided by HTTP status (docs/upstreams/realtimekit.md)."""

from __future__ import annotations

from typing import Any

import httpx

from resolvers.errors import GatewayError, Provider
from resolvers.http import error_from_status, retry_after_seconds

__all__ = ["RETRY_STATUSES", "error_parser"]

# Cloudflare's SDK retries 408, 429 and >= 500 (docs/upstreams/); only GETs are retried, and
# UpstreamHttp skips non-idempotent calls (the POST summary) on its own.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def _reason(body: Any) -> str | None:
    """A machine-readable reason: Cloudflare's numeric `errors[0].code`; never a message."""
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = errors[0].get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            return f"Cloudflare error {code}"
    # Dyte's `error{code,message}` repeats the HTTP status in `code`: nothing to add.
    return None


def error_parser(response: httpx.Response) -> GatewayError:
    """`errors[]` (Cloudflare auth/routing) or `error{}` (RealtimeKit app errors), by status.

    Upstream messages are not copied: they can echo ids and other request data.
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    return error_from_status(
        Provider.CLOUDFLARE_REALTIMEKIT,
        response.status_code,
        reason=_reason(body),
        retry_after=retry_after_seconds(response.headers),
    )

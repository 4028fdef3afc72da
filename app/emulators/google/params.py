"""Query parameters every Google REST method takes, and ProtoJSON default omission."""

from __future__ import annotations

from typing import Any

from app.emulators.google.errors import GoogleApiError

__all__ = ["SYSTEM_PARAMS", "cannot_bind", "proto_json"]

# The standard system parameters, accepted by every method of every Google REST API.
SYSTEM_PARAMS = frozenset(
    {
        "$.xgafv",
        "access_token",
        "alt",
        "callback",
        "fields",
        "key",
        "oauth_token",
        "prettyPrint",
        "quotaUser",
        "uploadType",
        "upload_protocol",
    }
)


def cannot_bind(name: str) -> GoogleApiError:
    """The 400 Google answers for a query parameter the method does not declare."""
    return GoogleApiError(
        400,
        f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
        f"parameter. Field '{name}' could not be found in request message.",
    )


def proto_json(value: Any) -> Any:
    """Drop default values (None, "", 0, False, empty lists and objects), as ProtoJSON does."""
    if isinstance(value, dict):
        cleaned = {k: proto_json(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", 0, False, [], {})}
    if isinstance(value, list):
        return [proto_json(v) for v in value]
    return value

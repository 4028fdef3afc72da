"""Google list paging: `pageSize` coercion and opaque page tokens bound to their query."""

from __future__ import annotations

import base64
import binascii
import hashlib

import orjson

from app.emulators.google.errors import GoogleApiError

__all__ = ["decode_page_token", "encode_page_token", "page_size"]


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

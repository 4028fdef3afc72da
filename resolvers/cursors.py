"""Signed, versioned, connection-bound cursors.

A cursor is `v1.<payload>.<mac>`: the payload is the paging adapter's position
(JSON, base64url), the MAC is HMAC-SHA256 over the version, the connection's
scope and the payload. A cursor edited by a client, or minted for another
connection (another parent, filter or provider), fails verification and becomes a
BAD_USER_INPUT error before any upstream is called.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

import orjson

from resolvers.errors import bad_input

__all__ = ["CursorCodec", "scope_of"]

_VERSION = "v1"
_MAC_BYTES = 16
_MAX_CURSOR_LENGTH = 4096


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    """Encodes adapter positions into opaque cursors and verifies them on the way back."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("cursor secret must be at least 16 bytes")
        self._secret = secret

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it: answers holding cursors are shared only
        between gateways that sign (and so accept) the same cursors."""
        return hmac.digest(self._secret, b"sessiongraph-cursor-fingerprint", hashlib.sha256)[
            :12
        ].hex()

    def _mac(self, scope: str, payload: str) -> str:
        message = f"{_VERSION}\n{scope}\n{payload}".encode()
        # The one-shot C path: every edge of every page is signed.
        digest = hmac.digest(self._secret, message, hashlib.sha256)
        return _b64e(digest[:_MAC_BYTES])

    def encode(self, scope: str, position: Any) -> str:
        payload = _b64e(orjson.dumps(position))
        return f"{_VERSION}.{payload}.{self._mac(scope, payload)}"

    def decode(self, scope: str, cursor: str, *, argument: str = "after") -> Any:
        """Return the position inside `cursor`, or raise BAD_USER_INPUT."""
        invalid = bad_input(
            f"`{argument}` is not a valid cursor for this connection", field=argument
        )
        if len(cursor) > _MAX_CURSOR_LENGTH:
            raise invalid
        parts = cursor.split(".")
        if len(parts) != 3 or parts[0] != _VERSION:
            raise invalid
        _, payload, mac = parts
        if not hmac.compare_digest(mac, self._mac(scope, payload)):
            raise invalid
        try:
            return orjson.loads(_b64d(payload))
        except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
            raise invalid from exc


def scope_of(*parts: object) -> str:
    """A stable connection scope from its identity (provider, parent, filter, order)."""
    return "|".join(str(part) for part in parts)

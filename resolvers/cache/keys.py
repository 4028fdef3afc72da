"""Cache keys: the upstream request plus the caller's upstream identity, never a credential.

An identity is a keyed hash (HMAC-SHA256 with the cache secret) of the
credential an upstream call carries: the forwarded Google token, the static
Google token, or the gateway's own server credential. Replicas configured with
the same secret compute the same identities, so they share entries; without
the secret nobody can tell from a key which token it belongs to.
"""

from __future__ import annotations

import hashlib
import hmac
import os

import orjson

from resolvers.cache.policy import Read

__all__ = ["IdentityKey", "entry_key", "fact_key", "tag_key"]

_PREFIX = "sg:"


class IdentityKey:
    """Turns a credential into an opaque, stable identity."""

    def __init__(self, secret: bytes | None) -> None:
        # Without a configured secret identities are per process: safe, just not shared.
        self._secret = hashlib.sha256(
            b"sessiongraph-cache-key\0" + (secret or os.urandom(32))
        ).digest()

    def of(self, credential: str) -> str:
        """The identity of `credential` (32 hex digits)."""
        mac = hmac.new(self._secret, credential.encode(), hashlib.sha256)
        return mac.hexdigest()[:32]


def _digest(*parts: object) -> str:
    raw = orjson.dumps(parts, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(raw).hexdigest()[:40]


def entry_key(upstream: str, identity: str, read: Read) -> str:
    """The key of one cached response: method, path, sorted parameters and body, per identity."""
    params = sorted(read.params)
    # `e2`: the value carries a stamp since the operation-result cache (older replicas
    # sharing a Redis during a rolling deploy read and write `e:` entries of their own).
    return f"{_PREFIX}e2:{upstream}:{_digest(identity, read.method, read.path, params, read.body)}"


def fact_key(upstream: str, identity: str, resource: str) -> str:
    """The key of one learned fact ("this resource ended at t"), per identity."""
    return f"{_PREFIX}f:{upstream}:{_digest(identity, resource)}"


def tag_key(upstream: str, tag: str) -> str:
    """The key of an invalidation tag (shared by every identity: a write changes it for all)."""
    return f"{_PREFIX}t:{upstream}:{_digest(tag)}"

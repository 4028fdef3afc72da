"""Persisted operations: Apollo's automatic persisted queries and Relay persisted documents.

APQ (https://www.apollographql.com/docs/apollo-server/performance/apq): a
client sends `extensions.persistedQuery.sha256Hash` alone; an unknown hash is
answered `PERSISTED_QUERY_NOT_FOUND`, the client resends hash and text, the
gateway checks the hash and keeps the text (in a bounded LRU store), and the
hash alone works from then on.

Relay persisted documents (https://relay.dev/docs/guides/persisted-queries/):
relay-compiler writes a JSON manifest `{id: text}`; the client sends `doc_id`
(or `documentId`, the GraphQL-over-HTTP draft's name) instead of the text.
With `persisted_only`, a request whose text is not in the manifest is refused
with `PERSISTED_QUERY_REQUIRED`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from strawberry.http import GraphQLRequestData

__all__ = ["PersistedOperations", "load_manifest", "raw_payload"]

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
REQUIRED = "PERSISTED_QUERY_REQUIRED"
BAD_USER_INPUT = "BAD_USER_INPUT"


def load_manifest(path: Path) -> dict[str, str]:
    """relay-compiler's persisted-queries JSON: an object of id -> document text."""
    try:
        manifest = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ValueError(f"SESSIONGRAPH_PERSISTED_DOCUMENTS: cannot read {path}: {exc}") from exc
    if not isinstance(manifest, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in manifest.items()
    ):
        raise ValueError(f"SESSIONGRAPH_PERSISTED_DOCUMENTS: {path} is not an object of strings")
    return manifest


async def raw_payload(request: Request) -> Mapping[str, Any] | None:
    """The request's fields as sent (Strawberry keeps only the standard ones, not `doc_id`)."""
    if request.method == "GET":
        return request.query_params
    try:
        body = orjson.loads(await request.body())  # Starlette keeps the body it read
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class PersistedOperations:
    """Turns a request that names a document (by hash or id) into one that carries it."""

    def __init__(
        self, manifest: Mapping[str, str], *, persisted_only: bool = False, apq_size: int = 1000
    ) -> None:
        self._manifest = dict(manifest)
        # APQ hashes of manifest documents, so Apollo clients can send them by hash too.
        self._known = {_sha256(text): text for text in self._manifest.values()}
        self._texts = frozenset(self._manifest.values())
        self._only = persisted_only
        self._apq: OrderedDict[str, str] = OrderedDict()
        self._apq_size = apq_size
        self._lock = threading.Lock()

    def resolve(
        self, data: GraphQLRequestData, raw: Mapping[str, Any] | None
    ) -> GraphQLRequestData | GraphQLError:
        """`data` with its query text, or the error to answer with.

        `raw` (the request's fields as sent) is only needed when `data` has no query:
        a request that carries its text runs that text.
        """
        doc_id = (raw.get("doc_id") or raw.get("documentId")) if raw and not data.query else None
        if doc_id is not None:
            return self._by_id(data, doc_id)
        apq = (data.extensions or {}).get("persistedQuery")
        if apq is not None:
            return self._by_hash(data, apq)
        if self._only and data.query not in self._texts:
            return _error(
                "This gateway runs only persisted documents: send `doc_id` or a known hash",
                REQUIRED,
            )
        return data

    def _by_id(self, data: GraphQLRequestData, doc_id: object) -> GraphQLRequestData | GraphQLError:
        text = self._manifest.get(doc_id) if isinstance(doc_id, str) else None
        if text is None:
            return _error("No persisted document has this id", NOT_FOUND)
        return replace(data, query=text)

    def _by_hash(self, data: GraphQLRequestData, apq: object) -> GraphQLRequestData | GraphQLError:
        digest = apq.get("sha256Hash") if isinstance(apq, dict) else None
        if not isinstance(digest, str) or (isinstance(apq, dict) and apq.get("version", 1) != 1):
            return _error("`persistedQuery` needs version 1 and a sha256Hash", BAD_USER_INPUT)
        digest = digest.lower()
        if data.query is None:
            text = self._known.get(digest) or self._lookup(digest)
            # Apollo clients look for this exact message as well as the code.
            return (
                replace(data, query=text) if text else _error("PersistedQueryNotFound", NOT_FOUND)
            )
        if _sha256(data.query) != digest:
            return _error("provided sha does not match query", BAD_USER_INPUT)
        if self._only and data.query not in self._texts:
            return _error("This gateway runs only persisted documents", REQUIRED)
        self._register(digest, data.query)
        return data

    def _lookup(self, digest: str) -> str | None:
        with self._lock:
            text = self._apq.get(digest)
            if text is not None:
                self._apq.move_to_end(digest)
            return text

    def _register(self, digest: str, text: str) -> None:
        if digest in self._known:
            return
        with self._lock:
            self._apq[digest] = text
            self._apq.move_to_end(digest)
            while len(self._apq) > self._apq_size:
                self._apq.popitem(last=False)

"""Request-level failures on `/graphql` answered as GraphQL errors, not plain text.

Strawberry and Starlette answer a malformed request (bad JSON, no query, a
mutation over GET, a wrong method or content type) with a plain-text 4xx. A
GraphQL client expects `{"errors": [...]}` with `extensions.code`, so this
wrapper rewrites those answers, keeping their status and message, in the
negotiated media type (no `data` entry under
`application/graphql-response+json`, app/graphql_http.py). It also enforces
`SESSIONGRAPH_MAX_BODY_BYTES`: a larger body is answered 413 before it is
parsed, whether or not it announced its length.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.graphql_http import GRAPHQL_RESPONSE, negotiate

__all__ = ["GraphQLHttpErrors"]

DEFAULT_MAX_BODY = 1024 * 1024


class _BodyTooLargeError(Exception):
    """The request body went past the limit while it was being read."""


class GraphQLHttpErrors:
    def __init__(
        self, app: ASGIApp, path: str = "/graphql", max_body_bytes: int = DEFAULT_MAX_BODY
    ) -> None:
        self._app = app
        self._path = path
        self._max = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != self._path:
            await self._app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        media = negotiate(headers.get(b"accept", b"").decode("latin-1"))
        if _declared_length(headers) > self._max:
            await _send_error(send, 413, self._too_large(), media)
            return
        held: list[Message] = []
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                plain = dict(message.get("headers", [])).get(b"content-type", b"")
                if 400 <= message["status"] < 500 and plain.startswith(b"text/plain"):
                    held.append(message)
                    return
            if held and message["type"] == "http.response.body":
                held.append(message)
                if not message.get("more_body", False):
                    await _send_as_graphql(held, send, media)
                return
            await send(message)

        try:
            await self._app(scope, self._limited(receive), guarded_send)
        except _BodyTooLargeError:
            if not started:
                await _send_error(send, 413, self._too_large(), media)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self._max:
                    raise _BodyTooLargeError
            return message

        return limited_receive

    def _too_large(self) -> str:
        return f"The request body is larger than {self._max} bytes"


def _declared_length(headers: dict[bytes, bytes]) -> int:
    try:
        return int(headers.get(b"content-length", b"0"))
    except ValueError:
        return 0


async def _send_as_graphql(held: list[Message], send: Send, media: str) -> None:
    start, *bodies = held
    text = b"".join(m.get("body", b"") for m in bodies).decode("utf-8", "replace").strip()
    kept = [
        (k, v)
        for k, v in start.get("headers", [])
        if k.lower() not in (b"content-type", b"content-length")
    ]
    await _send_error(send, start["status"], text or "Bad request", media, kept)


async def _send_error(
    send: Send,
    status: int,
    message: str,
    media: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    payload: dict[str, Any] = {
        "errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]
    }
    if media != GRAPHQL_RESPONSE:
        payload = {"data": None, **payload}
    body = orjson.dumps(payload)
    headers = [
        *(headers or []),
        (b"content-type", media.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

"""Request-level failures on `/graphql` answered as GraphQL errors, not plain text.

Strawberry and Starlette answer a malformed request (bad JSON, no query, a
mutation over GET, a wrong method or content type) with a plain-text 4xx. A
GraphQL client expects `{"errors": [...]}` with `extensions.code`, so this
wrapper rewrites those answers, keeping their status and message.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["GraphQLHttpErrors"]


class GraphQLHttpErrors:
    def __init__(self, app: ASGIApp, path: str = "/graphql") -> None:
        self._app = app
        self._path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != self._path:
            await self._app(scope, receive, send)
            return
        held: list[Message] = []

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                plain = headers.get(b"content-type", b"").startswith(b"text/plain")
                if 400 <= message["status"] < 500 and plain:
                    held.append(message)
                    return
            if held and message["type"] == "http.response.body":
                held.append(message)
                if not message.get("more_body", False):
                    await _send_as_graphql(held, send)
                return
            await send(message)

        await self._app(scope, receive, guarded_send)


async def _send_as_graphql(held: list[Message], send: Send) -> None:
    start, *bodies = held
    text = b"".join(m.get("body", b"") for m in bodies).decode("utf-8", "replace").strip()
    body = orjson.dumps(
        {
            "data": None,
            "errors": [
                {"message": text or "Bad request", "extensions": {"code": "BAD_USER_INPUT"}}
            ],
        }
    )
    headers = [
        (k, v)
        for k, v in start.get("headers", [])
        if k.lower() not in (b"content-type", b"content-length")
    ]
    headers += [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": start["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body})

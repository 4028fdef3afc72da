"""`POST /webhooks/{stream,realtimekit,meet}`: verify, answer at once, publish after.

401 when verification fails and 400 when the body is unreadable, both before
anything is published; 204 for a verified delivery (an unknown event type
included: acknowledged and ignored). The body is read whole up to a limit, so
the signature is checked over exactly the bytes received.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.webhooks.live import LiveEvents
from resolvers.events import RejectedError, WebhookReceiver
from resolvers.timestamps import Instant

__all__ = ["webhook_routes"]

_MAX_BODY = 1024 * 1024


def webhook_routes(
    live: Callable[[Request], LiveEvents], now: Callable[[], Instant]
) -> list[Route]:
    """One route per upstream with a receiver; `live(request)` is the process's live runtime."""

    def endpoint(path: str) -> Callable[[Request], object]:
        async def receive(request: Request) -> Response:
            runtime = live(request)
            return await _receive(request, runtime.receivers[path], runtime, now())

        return receive

    return [
        Route(f"/webhooks/{path}", endpoint(path), methods=["POST"])
        for path in ("stream", "realtimekit", "meet")
    ]


async def _receive(
    request: Request, receiver: WebhookReceiver, live: LiveEvents, received_at: Instant
) -> Response:
    body = await _body(request)
    if body is None:
        return JSONResponse({"error": "The body is too large"}, status_code=413)
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        verified = await receiver.verify(headers, body)
        delivery = receiver.parse(headers, verified, received_at)
    except RejectedError as rejected:
        return JSONResponse({"error": rejected.message}, status_code=rejected.status)
    return Response(
        status_code=204, background=BackgroundTask(live.publish, delivery, receiver.path)
    )


async def _body(request: Request) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > _MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)

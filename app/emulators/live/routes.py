"""HTTP face of the live activity: keys, webhook registration, and a small control API.

Upstream paths (as the real services serve them): RealtimeKit's public key at
`GET /.well-known/webhooks.json`; a Google-style JWKS at `GET /oauth2/v3/certs`;
Stream's `GET|PATCH /api/v2/app` (`event_hooks`); RealtimeKit's
`GET|POST /client/v4/accounts/{account}/realtime/kit/{app}/webhooks`. Control:
`POST /_live/step[?upstream=…&kind=join|leave]` (one join or leave, delivered), `GET
/_live/deliveries` (every attempt, replayable), `PUT /_live/targets`.
"""

from __future__ import annotations

import hmac
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.emulators.config import DemoCredentials
from app.emulators.live.activity import UPSTREAMS, LiveActivity
from app.emulators.live.keys import EmulatorKeys
from app.emulators.stream.auth import check_auth
from app.emulators.stream.wire import StreamApiError

__all__ = ["Handler", "live_routes", "rtk_webhooks_path"]

_RTK_EVENTS = (
    "meeting.started",
    "meeting.ended",
    "meeting.participantJoined",
    "meeting.participantLeft",
    "meeting.chatSynced",
    "recording.statusUpdate",
    "livestreaming.statusUpdate",
    "meeting.transcript",
    "meeting.summary",
)


class _Registry:
    """Registered hooks: Stream's `event_hooks` and RealtimeKit's webhooks."""

    def __init__(self, activity: LiveActivity) -> None:
        self.activity = activity
        self.stream_hooks: list[dict[str, Any]] = []
        self.rtk_hooks: list[dict[str, Any]] = []

    def sync_targets(self) -> None:
        registered = self.activity.targets.registered
        for upstream, url in (("stream", self._stream_url()), ("realtimekit", self._rtk_url())):
            if url:
                registered[upstream] = url
            else:
                registered.pop(upstream, None)

    def _stream_url(self) -> str | None:
        hooks = [
            h
            for h in self.stream_hooks
            if h.get("hook_type") == "webhook" and h.get("enabled", True)
        ]
        return str(hooks[0]["webhook_url"]) if hooks else None

    def _rtk_url(self) -> str | None:
        hooks = [
            h for h in self.rtk_hooks if h["enabled"] and "meeting.participantJoined" in h["events"]
        ]
        return str(hooks[0]["url"]) if hooks else None


def rtk_webhooks_path(credentials: DemoCredentials) -> str:
    """RealtimeKit's webhook registration path for the emulated account and app."""
    return (
        f"/client/v4/accounts/{credentials.realtimekit_account_id}"
        f"/realtime/kit/{credentials.realtimekit_app_id}/webhooks"
    )


Handler = Callable[[Request], Awaitable[Response]]


def live_routes(
    activity: LiveActivity, keys: EmulatorKeys, credentials: DemoCredentials
) -> list[tuple[str, str, Handler]]:
    """The routing rows (method, path, handler) of the `live` emulator."""
    registry = _Registry(activity)
    rtk_base = rtk_webhooks_path(credentials)

    async def public_key(request: Request) -> Response:
        return JSONResponse(
            {"success": True, "data": {"publicKey": keys.realtimekit_public_pem}, "message": ""}
        )

    async def jwks(request: Request) -> Response:
        return JSONResponse(keys.jwks())

    async def stream_app(request: Request) -> Response:
        try:
            check_auth(request, credentials)
        except StreamApiError as exc:
            body = {"code": exc.code, "message": exc.message, "StatusCode": exc.status}
            return JSONResponse(body, status_code=exc.status)
        if request.method == "PATCH":
            body = await request.json()
            hooks = body.get("event_hooks")
            if hooks is not None:
                # The array replaces the stored set, as Stream documents.
                registry.stream_hooks = [
                    {"id": h.get("id") or str(uuid.uuid4()), **h} for h in hooks
                ]
                registry.sync_targets()
            return JSONResponse({"duration": "1.00ms"})
        return JSONResponse({"app": {"event_hooks": registry.stream_hooks}, "duration": "1.00ms"})

    async def rtk_webhooks(request: Request) -> Response:
        sent = request.headers.get("authorization", "")
        expected = f"Bearer {credentials.realtimekit_api_token}"
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            return JSONResponse(
                {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]},
                status_code=401,
            )
        if request.method == "GET":
            return JSONResponse({"success": True, "data": registry.rtk_hooks})
        body = await request.json()
        missing = [k for k in ("name", "url", "events") if not body.get(k)]
        unknown = [e for e in body.get("events") or [] if e not in _RTK_EVENTS]
        if missing or unknown:
            message = f"missing {missing}" if missing else f"unknown events {unknown}"
            return JSONResponse(
                {"success": False, "errors": [{"code": 400, "message": message}]}, status_code=400
            )
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        hook = {
            "id": str(uuid.uuid4()),
            "name": body["name"],
            "url": body["url"],
            "events": list(body["events"]),
            "enabled": bool(body.get("enabled", True)),
            "created_at": stamp,
            "updated_at": stamp,
        }
        registry.rtk_hooks.append(hook)
        registry.sync_targets()
        return JSONResponse({"success": True, "data": hook}, status_code=201)

    async def step(request: Request) -> Response:
        upstream = request.query_params.get("upstream")
        if upstream is not None and upstream not in UPSTREAMS:
            return JSONResponse({"error": f"upstream must be one of {UPSTREAMS}"}, status_code=400)
        kind = request.query_params.get("kind")
        if kind not in (None, "join", "leave"):
            return JSONResponse({"error": "kind must be join or leave"}, status_code=400)
        sent, status = await activity.step(upstream, kind)
        if sent is None:
            return JSONResponse({"error": "no live session to progress"}, status_code=409)
        return JSONResponse(
            {"upstream": sent.upstream, "deliveryId": sent.delivery_id, "status": status}
        )

    async def deliveries(request: Request) -> Response:
        return JSONResponse([a.as_json() for a in activity.deliverer.attempts])

    async def targets(request: Request) -> Response:
        body = await request.json()
        activity.targets.base_url = body.get("baseUrl", activity.targets.base_url)
        for upstream in UPSTREAMS:
            if body.get(upstream):
                activity.targets.registered[upstream] = str(body[upstream])
        return Response(status_code=204)

    return [
        ("GET", "/.well-known/webhooks.json", public_key),
        ("GET", "/oauth2/v3/certs", jwks),
        ("GET", "/api/v2/app", stream_app),
        ("PATCH", "/api/v2/app", stream_app),
        ("GET", rtk_base, rtk_webhooks),
        ("POST", rtk_base, rtk_webhooks),
        ("POST", "/_live/step", step),
        ("GET", "/_live/deliveries", deliveries),
        ("PUT", "/_live/targets", targets),
    ]

"""`sessiongraph webhooks register stream|realtimekit --url …`: each upstream's registration API.

Stream: `GET /api/v2/app`, then `PATCH /api/v2/app` with the existing
`event_hooks` plus a webhook hook for the session events (the array replaces
the stored set, so the current one is read first). RealtimeKit: `POST
/client/v4/accounts/{account}/realtime/kit/{app}/webhooks` with the four
session events. Both use the configured server credentials; Meet has no such
API (a Workspace Events subscription plus a Pub/Sub push subscription, see the
README).
"""

from __future__ import annotations

from typing import Any

import httpx

from app.settings import Settings
from resolvers.stream.client import server_token

__all__ = ["RTK_EVENTS", "STREAM_EVENTS", "RegistrationError", "register"]

STREAM_EVENTS = (
    "call.session_started",
    "call.session_ended",
    "call.session_participant_joined",
    "call.session_participant_left",
)
RTK_EVENTS = (
    "meeting.started",
    "meeting.ended",
    "meeting.participantJoined",
    "meeting.participantLeft",
)


class RegistrationError(Exception):
    """A registration the upstream refused, or settings that are missing (names only)."""


def _need(settings: Settings, *names: str) -> list[str]:
    values = []
    missing = []
    for name in names:
        value = getattr(settings, name)
        text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        if not text:
            missing.append(f"SESSIONGRAPH_{name.upper()}")
        values.append(str(text or ""))
    if missing:
        raise RegistrationError(f"set {', '.join(missing)}")
    return values


def _stream(settings: Settings, url: str, client: httpx.Client) -> dict[str, Any]:
    base, key, secret = _need(settings, "stream_url", "stream_api_key", "stream_api_secret")
    headers = {"Stream-Auth-Type": "jwt", "Authorization": server_token(secret)}
    params = {"api_key": key}
    current = client.get(f"{base.rstrip('/')}/api/v2/app", params=params, headers=headers)
    _check(current, "Stream")
    hooks = [
        h
        for h in current.json().get("app", {}).get("event_hooks") or []
        if h.get("webhook_url") != url
    ]
    hook = {
        "hook_type": "webhook",
        "enabled": True,
        "webhook_url": url,
        "event_types": list(STREAM_EVENTS),
    }
    response = client.patch(
        f"{base.rstrip('/')}/api/v2/app",
        params=params,
        headers=headers,
        json={"event_hooks": [*hooks, hook]},
    )
    _check(response, "Stream")
    return hook


def _realtimekit(settings: Settings, url: str, client: httpx.Client) -> dict[str, Any]:
    base, account, app_id, token = _need(
        settings,
        "realtimekit_url",
        "realtimekit_account_id",
        "realtimekit_app_id",
        "realtimekit_api_token",
    )
    path = f"/client/v4/accounts/{account}/realtime/kit/{app_id}/webhooks"
    body = {"name": "sessiongraph", "url": url, "events": list(RTK_EVENTS), "enabled": True}
    response = client.post(
        f"{base.rstrip('/')}{path}", headers={"Authorization": f"Bearer {token}"}, json=body
    )
    _check(response, "RealtimeKit")
    data = response.json().get("data")
    return data if isinstance(data, dict) else body


def _check(response: httpx.Response, label: str) -> None:
    if response.status_code >= 400:
        raise RegistrationError(f"{label} answered HTTP {response.status_code}")


def register(
    upstream: str, url: str, settings: Settings, client: httpx.Client | None = None
) -> dict[str, Any]:
    """Register `url` for `upstream`'s session events; returns the stored hook."""
    with client or httpx.Client(timeout=settings.read_timeout) as http:
        if upstream == "stream":
            return _stream(settings, url, http)
        if upstream == "realtimekit":
            return _realtimekit(settings, url, http)
    raise RegistrationError(f"unknown upstream {upstream!r}")

"""Webhook requests exactly as each upstream sends them: body, headers, signature.

Stream: `X-Signature` = hex HMAC-SHA256 of the (uncompressed) body with the API
secret, plus `X-Webhook-Id`, `X-Webhook-Attempt`, `X-Api-Key`. RealtimeKit:
`rtk-signature` = base64 RSA-SHA256 (PKCS#1 v1.5) of the body, `rtk-uuid`,
`rtk-webhook-id`. Meet: a Pub/Sub push envelope around a Workspace Events
CloudEvent (binary mode: `ce-*` attributes, base64 data) with an OIDC token.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import uuid
from dataclasses import dataclass, field

import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.live.keys import DEMO_PUSH, EmulatorKeys, emulator_keys
from app.emulators.timeformat import rfc3339

__all__ = ["WebhookRequest", "meet_push", "realtimekit_webhook", "stream_webhook"]


@dataclass(frozen=True)
class WebhookRequest:
    """One delivery attempt's body and headers (the same on every retry but the attempt)."""

    upstream: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delivery_id: str = ""


def stream_webhook(
    event: dict[str, object],
    *,
    secret: str = DEMO_CREDENTIALS.stream_api_secret,
    api_key: str = DEMO_CREDENTIALS.stream_api_key,
    compress: bool = False,
    webhook_id: str | None = None,
) -> WebhookRequest:
    raw = orjson.dumps(event)
    delivery_id = webhook_id or str(uuid.uuid4())
    headers = {
        "Content-Type": "application/json",
        "X-Webhook-Id": delivery_id,
        "X-Webhook-Attempt": "1",
        "X-Api-Key": api_key,
        # Signed before compression, as Stream does.
        "X-Signature": hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest(),
    }
    if compress:
        headers["Content-Encoding"] = "gzip"
        raw = gzip.compress(raw)
    return WebhookRequest("stream", raw, headers, delivery_id)


def realtimekit_webhook(
    event: dict[str, object],
    *,
    keys: EmulatorKeys | None = None,
    webhook_config_id: str = "sessiongraph-demo-webhook",
    delivery_id: str | None = None,
) -> WebhookRequest:
    raw = orjson.dumps(event)
    key = (keys or emulator_keys()).realtimekit
    signature = key.sign(raw, padding.PKCS1v15(), hashes.SHA256())
    delivery_id = delivery_id or str(uuid.uuid4())
    headers = {
        "Content-Type": "application/json",
        "rtk-signature": base64.b64encode(signature).decode(),
        "rtk-uuid": delivery_id,
        "rtk-webhook-id": webhook_config_id,
    }
    return WebhookRequest("realtimekit", raw, headers, delivery_id)


def meet_push(
    event_type: str,
    data: dict[str, object],
    *,
    occurred: int,
    space: str,
    token: str | None = None,
    keys: EmulatorKeys | None = None,
    event_id: str | None = None,
    subscription: str = "subscriptions/sessiongraph-demo",
) -> WebhookRequest:
    """`event_type` without its `google.workspace.meet.` prefix, e.g. `participant.v2.joined`."""
    event_id = event_id or str(uuid.uuid4())
    source = f"//workspaceevents.googleapis.com/{subscription}"
    message_id = str(int(hashlib.sha256(event_id.encode()).hexdigest()[:12], 16))
    envelope = {
        "message": {
            "attributes": {
                "ce-datacontenttype": "application/json",
                "ce-id": event_id,
                "ce-source": source,
                "ce-specversion": "1.0",
                "ce-subject": f"//meet.googleapis.com/{space}",
                "ce-time": rfc3339(occurred),
                "ce-type": f"google.workspace.meet.{event_type}",
            },
            "data": base64.b64encode(orjson.dumps(data)).decode(),
            "messageId": message_id,
            "message_id": message_id,
            "publishTime": rfc3339(occurred),
            "publish_time": rfc3339(occurred),
            "orderingKey": source,
        },
        "subscription": "projects/sessiongraph-demo/subscriptions/meet-push",
    }
    bearer = token or (keys or emulator_keys()).push_token(audience=DEMO_PUSH.audience)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    return WebhookRequest("meet", orjson.dumps(envelope), headers, event_id)

"""Stream Video webhooks: HMAC-SHA256 (hex) of the uncompressed body with the API secret.

Stream signs the JSON before compressing it, so a gzip body is inflated first
(by its magic bytes: some proxies drop `Content-Encoding`). `X-Webhook-Id` is
the same on every retry and is the de-duplication key. Timestamps arrive as
RFC 3339 strings or integer nanoseconds; `Instant` reads both.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from resolvers.errors import GatewayError, Provider
from resolvers.events.model import EventKind, NodeRef, SessionEvent
from resolvers.events.receiver import Delivery, RejectedError, WebhookConfig, body_digest
from resolvers.stream.ids import ParticipantKey, key_text, session_key
from resolvers.timestamps import Instant

__all__ = ["StreamReceiver", "sign"]

_KINDS = {
    "call.session_started": EventKind.SESSION_STARTED,
    "call.session_ended": EventKind.SESSION_ENDED,
    "call.session_participant_joined": EventKind.PARTICIPANT_JOINED,
    "call.session_participant_left": EventKind.PARTICIPANT_LEFT,
}
_MAX_INFLATED = 8 * 1024 * 1024


def sign(secret: str, body: bytes) -> str:
    """Stream's signature of `body` (what the emulator sends and the receiver expects)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _User(_Wire):
    id: str
    name: str | None = None


class _Participant(_Wire):
    user: _User
    user_session_id: str
    role: str | None = None
    joined_at: Instant | None = None


class _CallSession(_Wire):
    started_at: Instant | None = None
    ended_at: Instant | None = None


class _Call(_Wire):
    session: _CallSession | None = None


class _Event(_Wire):
    type: str
    created_at: Instant
    call_cid: str = ""
    session_id: str = ""
    participant: _Participant | None = None
    call: _Call | None = None
    duration_seconds: float | None = Field(default=None)


@dataclass(frozen=True)
class StreamReceiver:
    """`POST /webhooks/stream`."""

    secret: str
    path: str = "stream"

    @classmethod
    def build(cls, config: WebhookConfig) -> StreamReceiver:
        return cls(config.stream_api_secret)

    async def verify(self, headers: Mapping[str, str], body: bytes) -> bytes:
        if body[:2] == b"\x1f\x8b":
            body = _gunzip(body)
        sent = headers.get("x-signature", "").strip().lower()
        if not self.secret or not hmac.compare_digest(sign(self.secret, body), sent):
            raise RejectedError(401, "X-Signature does not match the body")
        return body

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: Instant) -> Delivery:
        delivery_id = headers.get("x-webhook-id") or body_digest(body)
        try:
            raw = orjson.loads(body)
            kind = _KINDS.get(raw.get("type", "")) if isinstance(raw, dict) else None
            if kind is None:
                if not isinstance(raw, dict):
                    raise RejectedError(400, "The body is not a JSON object")
                return Delivery(delivery_id)
            event = _Event.model_validate(raw)
            return Delivery(delivery_id, [_event(delivery_id, kind, event)])
        except (orjson.JSONDecodeError, ValidationError, GatewayError, ValueError) as exc:
            raise RejectedError(400, "The body is not a readable Stream event") from exc


def _gunzip(body: bytes) -> bytes:
    try:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out = inflater.decompress(body, _MAX_INFLATED)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise RejectedError(400, "The gzip body is corrupt") from exc
    if inflater.unconsumed_tail:
        raise RejectedError(400, "The inflated body is too large")
    return out


def _event(delivery_id: str, kind: EventKind, event: _Event) -> SessionEvent:
    call_type, _, call_id = event.call_cid.partition(":")
    key = session_key(call_type, call_id, event.session_id)
    session_wire: dict[str, Any] | None = None
    attendance: NodeRef | None = None
    attendance_wire: dict[str, Any] | None = None
    if event.call is not None and event.call.session is not None:
        s = event.call.session
        session_wire = {
            "call_type": key.call_type,
            "call_id": key.call_id,
            "call_session_id": key.session_id,
            "session_started_at": s.started_at.isoformat() if s.started_at else None,
            "session_ended_at": s.ended_at.isoformat() if s.ended_at else None,
        }
    if event.participant is not None:
        p = event.participant
        attendance = NodeRef(
            "CallParticipantSession", key_text(ParticipantKey(key, p.user.id, p.user_session_id))
        )
        left = kind is EventKind.PARTICIPANT_LEFT
        attendance_wire = {
            "user_id": p.user.id,
            "user_session_id": p.user_session_id,
            "joined_at": p.joined_at.isoformat() if p.joined_at else None,
            "left_at": event.created_at.isoformat() if left else None,
            "duration_in_seconds": event.duration_seconds if left else None,
            "roles": [p.role] if p.role else [],
            "display_name": p.user.name,
        }
    return SessionEvent(
        id=f"stream:{delivery_id}",
        kind=kind,
        provider=Provider.STREAM_VIDEO,
        occurred_at=event.created_at,
        session=NodeRef("CallSession", key_text(key)),
        attendance=attendance,
        session_wire=session_wire,
        attendance_wire=attendance_wire,
    )

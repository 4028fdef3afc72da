"""Cloudflare RealtimeKit webhooks: RSA-SHA256 (PKCS#1 v1.5) over the raw body, base64.

The signature covers the exact bytes received (never re-serialised JSON). The
public key is RealtimeKit's PEM (`/.well-known/webhooks.json`); `rtk-uuid`
identifies the delivery and de-duplicates retries. Older Dyte deliveries use
`dyte-*` header names, read as fallbacks.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from resolvers.errors import Provider
from resolvers.events.model import EventKind, NodeRef, SessionEvent
from resolvers.events.receiver import Delivery, RejectedError, WebhookConfig, body_digest
from resolvers.realtimekit import models
from resolvers.timestamps import Instant

__all__ = ["RealtimeKitReceiver", "load_public_key"]

_KINDS = {
    "meeting.started": EventKind.SESSION_STARTED,
    "meeting.ended": EventKind.SESSION_ENDED,
    "meeting.participantJoined": EventKind.PARTICIPANT_JOINED,
    "meeting.participantLeft": EventKind.PARTICIPANT_LEFT,
}


def load_public_key(pem: str) -> rsa.RSAPublicKey | None:
    """The RSA key of a PEM (SPKI) text, or None when there is none or it is not RSA."""
    if not pem.strip():
        return None
    key = serialization.load_pem_public_key(pem.encode())
    return key if isinstance(key, rsa.RSAPublicKey) else None


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class _Meeting(_Wire):
    id: str | None = None
    session_id: str = Field(alias="sessionId")
    title: str | None = None
    status: str | None = None
    created_at: Instant | None = Field(default=None, alias="createdAt")
    started_at: Instant | None = Field(default=None, alias="startedAt")
    ended_at: Instant | None = Field(default=None, alias="endedAt")


class _Participant(_Wire):
    peer_id: str = Field(alias="peerId")
    display_name: str | None = Field(default=None, alias="userDisplayName")
    custom_participant_id: str | None = Field(default=None, alias="customParticipantId")
    joined_at: Instant | None = Field(default=None, alias="joinedAt")
    left_at: Instant | None = Field(default=None, alias="leftAt")


class _Event(_Wire):
    event: str
    meeting: _Meeting
    participant: _Participant | None = None


@dataclass(frozen=True)
class RealtimeKitReceiver:
    """`POST /webhooks/realtimekit`."""

    public_key: rsa.RSAPublicKey | None
    path: str = "realtimekit"

    @classmethod
    def build(cls, config: WebhookConfig) -> RealtimeKitReceiver:
        return cls(load_public_key(config.realtimekit_public_key))

    async def verify(self, headers: Mapping[str, str], body: bytes) -> bytes:
        sent = headers.get("rtk-signature") or headers.get("dyte-signature") or ""
        if self.public_key is None or not sent:
            raise RejectedError(401, "rtk-signature is missing")
        try:
            signature = base64.b64decode(sent, validate=True)
            self.public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except (binascii.Error, InvalidSignature) as exc:
            raise RejectedError(401, "rtk-signature does not match the body") from exc
        return body

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: Instant) -> Delivery:
        delivery_id = headers.get("rtk-uuid") or headers.get("dyte-uuid") or body_digest(body)
        try:
            raw = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise RejectedError(400, "The body is not JSON") from exc
        if not isinstance(raw, dict):
            raise RejectedError(400, "The body is not a JSON object")
        kind = _KINDS.get(str(raw.get("event", "")))
        if kind is None:
            return Delivery(delivery_id)
        try:
            event = _Event.model_validate(raw)
        except ValidationError as exc:
            raise RejectedError(400, "The body is not a readable RealtimeKit event") from exc
        return Delivery(delivery_id, [_event(delivery_id, kind, event, received_at)])


def _event(delivery_id: str, kind: EventKind, event: _Event, received_at: Instant) -> SessionEvent:
    m = event.meeting
    ended = kind is EventKind.SESSION_ENDED or m.ended_at is not None
    session = models.Session(
        id=m.session_id,
        associated_id=m.id,
        meeting_display_name=m.title,
        status="ENDED" if ended else "LIVE",
        started_at=m.started_at,
        ended_at=m.ended_at,
        created_at=m.created_at,
    )
    attendance: NodeRef | None = None
    attendance_wire: dict[str, Any] | None = None
    occurred = m.ended_at if ended else m.started_at
    if event.participant is not None:
        p = event.participant
        minutes = p.joined_at.seconds_until(p.left_at) / 60 if p.joined_at and p.left_at else None
        participant = models.Participant(
            id=p.peer_id,
            custom_participant_id=p.custom_participant_id,
            display_name=p.display_name,
            joined_at=p.joined_at,
            left_at=p.left_at,
            duration=minutes,
        )
        attendance = NodeRef("RealtimeParticipant", f"{m.session_id}/{p.peer_id}")
        attendance_wire = participant.model_dump(mode="json", exclude_none=True)
        occurred = p.left_at if kind is EventKind.PARTICIPANT_LEFT else p.joined_at
    return SessionEvent(
        id=f"realtimekit:{delivery_id}",
        kind=kind,
        provider=Provider.CLOUDFLARE_REALTIMEKIT,
        occurred_at=occurred or received_at,
        session=NodeRef("RealtimeSession", m.session_id),
        attendance=attendance,
        session_wire=session.model_dump(mode="json", exclude_none=True),
        attendance_wire=attendance_wire,
    )

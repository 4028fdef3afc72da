"""Google Meet events: Workspace Events CloudEvents pushed by a Pub/Sub push subscription.

The push carries an OIDC ID token (`Authorization: Bearer`), RS256, signed by
Google: checked against the JWKS (Google's certs by default; the emulator's in
the demo) for signature, `exp`, `aud` (the push audience), `iss`, and the
push subscription's service account in `email` with `email_verified`. The key
set is fetched with the gateway's HTTP client (not PyJWKClient's blocking
urllib) and refetched when a token names a key id it does not hold.

Meet event data carries only resource names; the schema loads the objects.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
import orjson

from resolvers.errors import GatewayError, Provider
from resolvers.events.model import EventKind, NodeRef, SessionEvent
from resolvers.events.receiver import (
    Delivery,
    JwksFetcher,
    RejectedError,
    WebhookConfig,
    body_digest,
)
from resolvers.meet.names import check_name
from resolvers.timestamps import Instant

__all__ = ["MeetReceiver"]

_PREFIX = "google.workspace.meet."
_KINDS = {
    "conference.v2.started": (EventKind.SESSION_STARTED, "conferenceRecord"),
    "conference.v2.ended": (EventKind.SESSION_ENDED, "conferenceRecord"),
    "participant.v2.joined": (EventKind.PARTICIPANT_JOINED, "participantSession"),
    "participant.v2.left": (EventKind.PARTICIPANT_LEFT, "participantSession"),
}
# A token naming an unknown key id refetches the set at most this often.
_REFETCH_SECONDS = 30.0


@dataclass
class _KeySet:
    fetch: JwksFetcher | None
    keys: jwt.PyJWKSet | None = None
    fetched: float = field(default=-_REFETCH_SECONDS)

    async def key(self, kid: str) -> Any:
        if self.keys is None or (kid not in _kids(self.keys) and self._may_refetch()):
            if self.fetch is None:
                raise RejectedError(401, "No key set is configured for Meet push tokens")
            self.fetched = time.monotonic()
            try:
                self.keys = jwt.PyJWKSet.from_dict(await self.fetch())
            except Exception as exc:  # any fetch failure: the sender should retry later
                raise RejectedError(503, "The key set for Meet push tokens is unavailable") from exc
        for jwk in self.keys.keys:
            if jwk.key_id == kid:
                return jwk.key
        raise RejectedError(401, "The push token is signed by an unknown key")

    def _may_refetch(self) -> bool:
        return time.monotonic() - self.fetched >= _REFETCH_SECONDS


def _kids(keys: jwt.PyJWKSet) -> set[str]:
    return {k.key_id for k in keys.keys if k.key_id}


@dataclass
class MeetReceiver:
    """`POST /webhooks/meet`."""

    audience: str
    service_account: str
    issuers: tuple[str, ...]
    keys: _KeySet
    path: str = "meet"

    @classmethod
    def build(cls, config: WebhookConfig) -> MeetReceiver:
        return cls(
            config.meet_audience,
            config.meet_service_account,
            config.meet_issuers,
            _KeySet(config.google_jwks),
        )

    async def verify(self, headers: Mapping[str, str], body: bytes) -> bytes:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token or not self.audience:
            raise RejectedError(401, "A push token is required in Authorization: Bearer")
        try:
            kid = jwt.get_unverified_header(token).get("kid", "")
            claims = jwt.decode(
                token,
                await self.keys.key(str(kid)),
                algorithms=["RS256"],
                audience=self.audience,
                options={"require": ["exp", "iss", "aud", "email"]},
            )
        except jwt.PyJWTError as exc:
            raise RejectedError(401, "The push token is not valid") from exc
        self._check_claims(claims)
        return body

    def _check_claims(self, claims: dict[str, Any]) -> None:
        if claims.get("iss") not in self.issuers:
            raise RejectedError(401, "The push token has the wrong issuer")
        email = str(claims.get("email", ""))
        if not hmac.compare_digest(email.encode(), self.service_account.encode()):
            raise RejectedError(401, "The push token is not from the push service account")
        if claims.get("email_verified") is not True:
            raise RejectedError(401, "The push token's email is not verified")

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: Instant) -> Delivery:
        try:
            message = orjson.loads(body)["message"]
            attributes: dict[str, Any] = message.get("attributes") or {}
            data = orjson.loads(base64.b64decode(message.get("data") or "e30=", validate=True))
        except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError, binascii.Error) as e:
            raise RejectedError(400, "The body is not a Pub/Sub push envelope") from e
        delivery_id = str(attributes.get("ce-id") or message.get("messageId") or body_digest(body))
        ce_type = str(attributes.get("ce-type", ""))
        mapped = _KINDS.get(ce_type.removeprefix(_PREFIX)) if ce_type.startswith(_PREFIX) else None
        if mapped is None:
            return Delivery(delivery_id)
        kind, data_key = mapped
        try:
            name = str(data[data_key]["name"])
            occurred = Instant.coerce(attributes.get("ce-time") or message.get("publishTime"))
        except (KeyError, TypeError, ValueError) as exc:
            raise RejectedError(400, "The event data names no Meet resource") from exc
        return Delivery(delivery_id, [_event(delivery_id, kind, name, occurred)])


def _event(delivery_id: str, kind: EventKind, name: str, occurred: Instant) -> SessionEvent:
    parts = name.split("/")
    if len(parts) < 2 or parts[0] != "conferenceRecords":
        raise RejectedError(400, "The event data names no conference record")
    record = "/".join(parts[:2])
    participant = kind in (EventKind.PARTICIPANT_JOINED, EventKind.PARTICIPANT_LEFT)
    try:
        check_name("conference record", record)
        if participant:
            check_name("participant session", name)
    except GatewayError as exc:
        raise RejectedError(400, "The event data names no valid Meet resource") from exc
    attendance = NodeRef("ParticipantSession", name) if participant else None
    return SessionEvent(
        id=f"meet:{delivery_id}",
        kind=kind,
        provider=Provider.GOOGLE_MEET,
        occurred_at=occurred,
        session=NodeRef("ConferenceRecord", record),
        attendance=attendance,
    )

"""The provider-neutral event: what a webhook, a push or a poll says happened.

An event names its session (and, for participant events, its attendance) by
the node type and key the schema encodes into a global id, so subscribers are
filtered on ids before anything is fetched. Where the delivery carried the
upstream object itself, it rides along in that upstream's own wire shape, so a
subscriber's loaders are primed with it instead of fetching it again.

Events cross processes (Redis pub/sub), so they serialise to JSON and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson

from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.timestamps import Instant

__all__ = ["EventKind", "NodeRef", "SessionEvent", "SlowSubscriberError"]


class EventKind(StrEnum):
    """What happened."""

    SESSION_STARTED = "SESSION_STARTED"
    SESSION_ENDED = "SESSION_ENDED"
    PARTICIPANT_JOINED = "PARTICIPANT_JOINED"
    PARTICIPANT_LEFT = "PARTICIPANT_LEFT"


class SlowSubscriberError(GatewayError):
    """A subscriber fell a whole queue behind and was dropped (it may subscribe again)."""

    def __init__(self) -> None:
        super().__init__(
            ErrorCode.RATE_LIMITED,
            "This subscription fell too far behind its events and was dropped; subscribe again",
            retry_after=0,
            reason="slow-subscriber",
        )


@dataclass(frozen=True)
class NodeRef:
    """A node by type name and the key inside its global id."""

    type_name: str
    key: str


@dataclass(frozen=True)
class SessionEvent:
    """One event, as every provider's parser produces it."""

    id: str
    kind: EventKind
    provider: Provider
    occurred_at: Instant
    session: NodeRef
    attendance: NodeRef | None = None
    # The upstream's objects as the delivery carried them (that upstream's wire fields).
    session_wire: dict[str, Any] | None = None
    attendance_wire: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # What consumers derive from the event once and share among subscribers (never sent).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> bytes:
        """The event on the wire between replicas."""
        return orjson.dumps(
            {
                "id": self.id,
                "kind": self.kind.value,
                "provider": self.provider.value,
                "occurredAt": self.occurred_at.isoformat(),
                "session": [self.session.type_name, self.session.key],
                "attendance": (
                    [self.attendance.type_name, self.attendance.key] if self.attendance else None
                ),
                "sessionWire": self.session_wire,
                "attendanceWire": self.attendance_wire,
                "extra": self.extra,
            }
        )

    @classmethod
    def from_json(cls, raw: bytes | str) -> SessionEvent:
        """The inverse of `to_json` (raises ValueError/KeyError/TypeError on a foreign message)."""
        data = orjson.loads(raw)
        attendance = data.get("attendance")
        return cls(
            id=str(data["id"]),
            kind=EventKind(data["kind"]),
            provider=Provider(data["provider"]),
            occurred_at=Instant.coerce(data["occurredAt"]),
            session=NodeRef(*data["session"]),
            attendance=NodeRef(*attendance) if attendance else None,
            session_wire=data.get("sessionWire"),
            attendance_wire=data.get("attendanceWire"),
            extra=data.get("extra") or {},
        )

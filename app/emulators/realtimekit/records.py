"""The RealtimeKit emulator's records and their wire JSON (docs/upstreams/realtimekit.md).

Times are integer milliseconds since the epoch: the wire carries millisecond
precision with a `Z` suffix, so nothing finer is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.emulators.timeformat import rfc3339_millis

__all__ = ["MeetingRecord", "ParticipantRecord", "SessionRecord"]


@dataclass(slots=True)
class MeetingRecord:
    id: str
    title: str


@dataclass(slots=True)
class ParticipantRecord:
    """One join of one user: a new peer id (`id`) per join, a stable `user_id`."""

    id: str
    session_id: str
    user_id: str
    custom_participant_id: str
    display_name: str
    preset_name: str
    joined_ms: int
    left_ms: int | None
    duration_min: float

    def to_json(self, *, peer_events: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "user_id": self.user_id,
            "custom_participant_id": self.custom_participant_id,
            "display_name": self.display_name,
            "preset_name": self.preset_name,
            "joined_at": rfc3339_millis(self.joined_ms),
            "duration": self.duration_min,
            "created_at": rfc3339_millis(self.joined_ms),
            "updated_at": rfc3339_millis(self.left_ms or self.joined_ms),
        }
        # Connected participants have no `left_at` (an emulator choice: it is undocumented).
        if self.left_ms is not None:
            body["left_at"] = rfc3339_millis(self.left_ms)
        if peer_events:
            body["peer_events"] = self.peer_events()
        return body

    def peer_events(self) -> list[dict[str, Any]]:
        names = [("PEER_CREATED", self.joined_ms - 900), ("PEER_JOINING", self.joined_ms)]
        if self.left_ms is not None:
            names.append(("PEER_LEAVING", self.left_ms))
        return [
            {
                "id": f"{self.id[:24]}{index:012d}",
                "peer_id": self.id,
                "participant_id": self.custom_participant_id,
                "session_id": self.session_id,
                "event_name": name,
                "minutes_consumed": self.duration_min if name == "PEER_LEAVING" else 0,
                "preset_view_type": "GROUP_CALL",
                "created_at": rfc3339_millis(at),
                "updated_at": rfc3339_millis(at),
            }
            for index, (name, at) in enumerate(names)
        ]


@dataclass(slots=True)
class SessionRecord:
    """A live instance of a meeting; `ended_ms` is None while LIVE."""

    id: str
    meeting: MeetingRecord
    kind: str
    organization_id: str
    started_ms: int
    ended_ms: int | None
    live_participants: int
    max_concurrent: int
    minutes_consumed: float
    has_chat: bool
    has_transcript: bool
    has_summary: bool
    participants: list[ParticipantRecord] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "LIVE" if self.ended_ms is None else "ENDED"

    def to_json(self, *, breakout_rooms: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "associated_id": self.meeting.id,
            "meeting_display_name": self.meeting.title,
            "type": self.kind,
            "status": self.status,
            "live_participants": self.live_participants,
            "max_concurrent_participants": self.max_concurrent,
            "minutes_consumed": self.minutes_consumed,
            "organization_id": self.organization_id,
            "started_at": rfc3339_millis(self.started_ms),
            "created_at": rfc3339_millis(self.started_ms),
            "updated_at": rfc3339_millis(self.ended_ms or self.started_ms),
        }
        if self.ended_ms is not None:
            body["ended_at"] = rfc3339_millis(self.ended_ms)
        if breakout_rooms:
            body["breakout_rooms"] = []
        return body

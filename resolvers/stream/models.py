"""Stream Video wire models: tolerant of absent optional fields and unknown ones.

Timestamps are `Instant`, which reads both encodings Stream uses: RFC 3339
strings (`/video/…`) and integer nanoseconds (`/api/v2/video/…`); the fields of
the v2 surface check integers first (`InstantFromNanos`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from resolvers.stream.ids import SessionKey
from resolvers.timestamps import Instant, InstantFromNanos

__all__ = [
    "CallStatsPage",
    "CallStatsSession",
    "ParticipantRecord",
    "ParticipantSessionDetails",
    "ParticipantSessionsPage",
    "Totals",
]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ParticipantSessionDetails(_Wire):
    user_id: str
    user_session_id: str
    joined_at: InstantFromNanos | None = None
    left_at: InstantFromNanos | None = None
    duration_in_seconds: float | None = None
    publisher_type: str | None = None
    roles: list[str] = Field(default_factory=list)


class UserResponse(_Wire):
    id: str
    name: str | None = None


class CallParticipantResponse(_Wire):
    user: UserResponse | None = None
    user_session_id: str | None = None


class CallSessionResponse(_Wire):
    id: str | None = None
    participants: list[CallParticipantResponse] = Field(default_factory=list)
    started_at: InstantFromNanos | None = None
    ended_at: InstantFromNanos | None = None


class ParticipantSessionsPage(_Wire):
    call_type: str = ""
    call_id: str = ""
    call_session_id: str = ""
    total_participant_sessions: int = 0
    total_participant_duration: float = 0
    participants_sessions: list[ParticipantSessionDetails] = Field(default_factory=list)
    next: str | None = None
    prev: str | None = None
    session: CallSessionResponse | None = None
    # Declared int64 milliseconds here (a string elsewhere); read, never exposed.
    duration: int | float | str | None = None

    def call_session(self) -> CallStatsSession | None:
        """The call session this page belongs to, when the response carries its times."""
        session = self.session
        if session is None or session.started_at is None or not self.call_session_id:
            return None
        return CallStatsSession(
            call_type=self.call_type,
            call_id=self.call_id,
            call_session_id=self.call_session_id,
            session_started_at=session.started_at,
            session_ended_at=session.ended_at,
        )

    def names(self) -> dict[str, str]:
        """User names this response carries (for the participants connected now)."""
        participants = self.session.participants if self.session else []
        return {p.user.id: p.user.name for p in participants if p.user and p.user.name}


class CallStatsSession(_Wire):
    call_type: str
    call_id: str
    call_session_id: str
    generated_at: Instant | None = None
    call_started_at: Instant | None = None
    call_ended_at: Instant | None = None
    session_started_at: Instant | None = None
    session_ended_at: Instant | None = None

    @property
    def key(self) -> SessionKey:
        return SessionKey(self.call_type, self.call_id, self.call_session_id)

    @property
    def started_at(self) -> Instant | None:
        return self.session_started_at or self.call_started_at

    @property
    def ended_at(self) -> Instant | None:
        return self.session_ended_at or self.call_ended_at


class CallStatsPage(_Wire):
    call_stats: list[CallStatsSession] = Field(default_factory=list)
    next: str | None = None
    prev: str | None = None
    duration: int | float | str | None = None


class ParticipantRecord(NamedTuple):
    """One participant session with the call session it belongs to and a name if known.

    A named tuple, not a frozen dataclass: a page makes one per item, and a frozen
    dataclass's field-by-field `object.__setattr__` took 1.1 us each (0.3 here)."""

    session: SessionKey
    details: ParticipantSessionDetails
    display_name: str | None = None


@dataclass(frozen=True)
class Totals:
    """Whole-session totals, carried by every participant-sessions response."""

    participant_sessions: int
    participant_duration_seconds: float

"""The Meet emulator's resources and their ProtoJSON form.

Resources are plain objects linked to their parents; times are integer
nanoseconds (None while an interval is still open), rendered on the wire by the
emulators' own `timeformat`. `dataset.py` orders and indexes them, `seed.py`
creates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from app.emulators.google import proto_json
from app.emulators.timeformat import rfc3339

__all__ = [
    "EXPIRY_NS",
    "ArtifactState",
    "ConferenceRecord",
    "MeetResource",
    "Participant",
    "ParticipantSession",
    "Recording",
    "Space",
    "Transcript",
    "TranscriptEntry",
    "UserKind",
]

ArtifactState = Literal["STARTED", "ENDED", "FILE_GENERATED"]
UserKind = Literal["signedin", "anonymous", "phone"]

EXPIRY_NS = 30 * 86_400 * 1_000_000_000  # records are deleted 30 days after they end


def _message(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with ProtoJSON default omission applied."""
    cleaned: dict[str, Any] = proto_json(body)
    return cleaned


def _ts(value: int | None) -> str | None:
    return rfc3339(value) if value is not None else None


@dataclass(eq=False, slots=True)
class Space:
    """A meeting space. `active_record` is its ongoing conference, if any (at most one)."""

    id: str
    meeting_code: str
    access_type: str
    entry_point_access: str
    active_record: ConferenceRecord | None = None

    @property
    def name(self) -> str:
        return f"spaces/{self.id}"

    @property
    def meeting_uri(self) -> str:
        return f"https://meet.google.com/{self.meeting_code}"

    def to_json(self) -> dict[str, Any]:
        active = self.active_record
        return _message(
            {
                "name": self.name,
                "meetingUri": self.meeting_uri,
                "meetingCode": self.meeting_code,
                "config": {
                    "accessType": self.access_type,
                    "entryPointAccess": self.entry_point_access,
                },
                "activeConference": {"conferenceRecord": active.name} if active else None,
            }
        )


@dataclass(eq=False, slots=True)
class ConferenceRecord:
    """One conference in a space; `end_time` is None while it is going on."""

    id: str
    space: Space
    start_time: int
    end_time: int | None
    participants: list[Participant] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)
    transcripts: list[Transcript] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"conferenceRecords/{self.id}"

    @property
    def is_live(self) -> bool:
        return self.end_time is None

    @property
    def expire_time(self) -> int | None:
        """`endTime` + 30 days; unset while the conference is ongoing."""
        return self.end_time + EXPIRY_NS if self.end_time is not None else None

    def expired_at(self, now: int) -> bool:
        expire = self.expire_time
        return expire is not None and now > expire

    def to_json(self) -> dict[str, Any]:
        return _message(
            {
                "name": self.name,
                "startTime": _ts(self.start_time),
                "endTime": _ts(self.end_time),
                "expireTime": _ts(self.expire_time),
                "space": self.space.name,
            }
        )


@dataclass(eq=False, slots=True)
class Participant:
    """One attendee of a conference; `sessions` are its joins, newest first.

    `earliest_start_time` / `latest_end_time` are derived from the sessions by
    `finish()`; `latest_end_time` stays None while any session is still open.
    """

    record: ConferenceRecord
    id: str
    kind: UserKind
    display_name: str
    user: str | None = None
    sessions: list[ParticipantSession] = field(default_factory=list)
    earliest_start_time: int = 0
    latest_end_time: int | None = None

    @property
    def name(self) -> str:
        return f"{self.record.name}/participants/{self.id}"

    @property
    def is_active(self) -> bool:
        return self.latest_end_time is None

    def finish(self) -> None:
        """Derive the summary times and put the sessions in list order."""
        self.sessions.sort(key=lambda s: (-s.start_time, s.name))
        self.earliest_start_time = min(s.start_time for s in self.sessions)
        ends = [s.end_time for s in self.sessions if s.end_time is not None]
        self.latest_end_time = max(ends) if len(ends) == len(self.sessions) else None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name}
        if self.kind == "signedin":
            body["signedinUser"] = {"user": self.user, "displayName": self.display_name}
        elif self.kind == "anonymous":
            body["anonymousUser"] = {"displayName": self.display_name}
        else:
            body["phoneUser"] = {"displayName": self.display_name}
        body["earliestStartTime"] = _ts(self.earliest_start_time)
        body["latestEndTime"] = _ts(self.latest_end_time)
        return _message(body)


@dataclass(eq=False, slots=True)
class ParticipantSession:
    """One join of a participant; `end_time` is None while still connected."""

    participant: Participant
    id: str
    start_time: int
    end_time: int | None

    @property
    def name(self) -> str:
        return f"{self.participant.name}/participantSessions/{self.id}"

    def to_json(self) -> dict[str, Any]:
        return _message(
            {"name": self.name, "startTime": _ts(self.start_time), "endTime": _ts(self.end_time)}
        )


@dataclass(eq=False, slots=True)
class Recording:
    """A recording session; the Drive file exists only at FILE_GENERATED."""

    record: ConferenceRecord
    id: str
    state: ArtifactState
    start_time: int
    end_time: int | None
    file_id: str

    @property
    def name(self) -> str:
        return f"{self.record.name}/recordings/{self.id}"

    def to_json(self) -> dict[str, Any]:
        destination = {
            "file": self.file_id,
            "exportUri": f"https://drive.google.com/file/d/{self.file_id}/view",
        }
        return _artifact_json(self, "driveDestination", destination)


@dataclass(eq=False, slots=True)
class Transcript:
    """A transcription session; the Docs file exists only at FILE_GENERATED."""

    record: ConferenceRecord
    id: str
    state: ArtifactState
    start_time: int
    end_time: int | None
    document_id: str
    entries: list[TranscriptEntry] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.record.name}/transcripts/{self.id}"

    def to_json(self) -> dict[str, Any]:
        destination = {
            "document": self.document_id,
            "exportUri": f"https://docs.google.com/document/d/{self.document_id}/view",
        }
        return _artifact_json(self, "docsDestination", destination)


@dataclass(eq=False, slots=True)
class TranscriptEntry:
    """One stretch of speech; `participant` is a participant of the same conference."""

    transcript: Transcript
    id: str
    participant: Participant
    text: str
    language_code: str
    start_time: int
    end_time: int

    @property
    def name(self) -> str:
        return f"{self.transcript.name}/entries/{self.id}"

    def to_json(self) -> dict[str, Any]:
        return _message(
            {
                "name": self.name,
                "participant": self.participant.name,
                "text": self.text,
                "languageCode": self.language_code,
                "startTime": _ts(self.start_time),
                "endTime": _ts(self.end_time),
            }
        )


def _artifact_json(
    artifact: Recording | Transcript, key: str, destination: dict[str, str]
) -> dict[str, Any]:
    """A recording or transcript; its file (`destination`) exists only at FILE_GENERATED."""
    generated = artifact.state == "FILE_GENERATED"
    return _message(
        {
            "name": artifact.name,
            "state": artifact.state,
            "startTime": _ts(artifact.start_time),
            "endTime": _ts(artifact.end_time),
            key: destination if generated else None,
        }
    )


MeetResource = (
    Space
    | ConferenceRecord
    | Participant
    | ParticipantSession
    | Recording
    | Transcript
    | TranscriptEntry
)

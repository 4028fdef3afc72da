"""The Meet emulator's data: resources, their ProtoJSON form, and read accessors.

Resources are plain objects linked to their parents. The seeding lives in
`seed.py`; this module only knows how to order, look up and serialize them.
Every list returned by `MeetDataset` is already in the upstream's fixed order
(§6.1 of the Meet reference), with ties broken by resource name ascending, and
excludes conference records past their `expireTime` (and everything under them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from app.emulators.google_common import proto_json
from resolvers.timestamps import Instant

__all__ = [
    "ArtifactState",
    "ConferenceRecord",
    "MeetDataset",
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


def _ts(value: Instant | None) -> str | None:
    return value.isoformat() if value is not None else None


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
    start_time: Instant
    end_time: Instant | None
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
    def expire_time(self) -> Instant | None:
        """`endTime` + 30 days; unset while the conference is ongoing."""
        return Instant(self.end_time.ns + EXPIRY_NS) if self.end_time is not None else None

    def expired_at(self, now: Instant) -> bool:
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
    earliest_start_time: Instant = Instant(0)
    latest_end_time: Instant | None = None

    @property
    def name(self) -> str:
        return f"{self.record.name}/participants/{self.id}"

    @property
    def is_active(self) -> bool:
        return self.latest_end_time is None

    def finish(self) -> None:
        """Derive the summary times and put the sessions in list order."""
        self.sessions.sort(key=lambda s: (-s.start_time.ns, s.name))
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
    start_time: Instant
    end_time: Instant | None

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
    start_time: Instant
    end_time: Instant | None
    file_id: str

    @property
    def name(self) -> str:
        return f"{self.record.name}/recordings/{self.id}"

    def to_json(self) -> dict[str, Any]:
        generated = self.state == "FILE_GENERATED"
        return _message(
            {
                "name": self.name,
                "state": self.state,
                "startTime": _ts(self.start_time),
                "endTime": _ts(self.end_time),
                "driveDestination": {
                    "file": self.file_id,
                    "exportUri": f"https://drive.google.com/file/d/{self.file_id}/view",
                }
                if generated
                else None,
            }
        )


@dataclass(eq=False, slots=True)
class Transcript:
    """A transcription session; the Docs file exists only at FILE_GENERATED."""

    record: ConferenceRecord
    id: str
    state: ArtifactState
    start_time: Instant
    end_time: Instant | None
    document_id: str
    entries: list[TranscriptEntry] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.record.name}/transcripts/{self.id}"

    def to_json(self) -> dict[str, Any]:
        generated = self.state == "FILE_GENERATED"
        return _message(
            {
                "name": self.name,
                "state": self.state,
                "startTime": _ts(self.start_time),
                "endTime": _ts(self.end_time),
                "docsDestination": {
                    "document": self.document_id,
                    "exportUri": f"https://docs.google.com/document/d/{self.document_id}/view",
                }
                if generated
                else None,
            }
        )


@dataclass(eq=False, slots=True)
class TranscriptEntry:
    """One stretch of speech; `participant` is a participant of the same conference."""

    transcript: Transcript
    id: str
    participant: Participant
    text: str
    language_code: str
    start_time: Instant
    end_time: Instant

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


MeetResource = (
    Space
    | ConferenceRecord
    | Participant
    | ParticipantSession
    | Recording
    | Transcript
    | TranscriptEntry
)


def _desc(item: ConferenceRecord | ParticipantSession) -> tuple[int, str]:
    return (-item.start_time.ns, item.name)


def _asc(item: Recording | Transcript | TranscriptEntry) -> tuple[int, str]:
    return (item.start_time.ns, item.name)


class MeetDataset:
    """Seeded Meet data as the emulator serves it, with accessors for tests.

    Names are full resource names (`conferenceRecords/…`, `spaces/…`). Lookups of
    anything under an expired conference record return None, as the API 404s.
    """

    def __init__(self, now: Instant, spaces: list[Space], records: list[ConferenceRecord]) -> None:
        self.now = now
        self._spaces = sorted(spaces, key=lambda s: s.name)
        self._spaces_by_id = {s.id: s for s in spaces}
        self._spaces_by_code = {s.meeting_code.lower(): s for s in spaces}
        ordered = sorted(records, key=_desc)
        for record in ordered:
            record.participants.sort(key=lambda p: (-p.earliest_start_time.ns, p.name))
            record.recordings.sort(key=_asc)
            record.transcripts.sort(key=_asc)
            for transcript in record.transcripts:
                transcript.entries.sort(key=_asc)
        self._visible = [r for r in ordered if not r.expired_at(now)]
        self._expired = [r for r in ordered if r.expired_at(now)]
        self._by_name: dict[str, MeetResource] = {}
        for record in self._visible:
            self._index(record)

    def _index(self, record: ConferenceRecord) -> None:
        names = self._by_name
        names[record.name] = record
        for participant in record.participants:
            names[participant.name] = participant
            for session in participant.sessions:
                names[session.name] = session
        for recording in record.recordings:
            names[recording.name] = recording
        for transcript in record.transcripts:
            names[transcript.name] = transcript
            for entry in transcript.entries:
                names[entry.name] = entry

    # --- spaces -----------------------------------------------------------------

    def spaces(self) -> list[Space]:
        """Every space, by name."""
        return list(self._spaces)

    def space(self, name_or_code: str) -> Space | None:
        """`spaces/{id}` (case-sensitive) first, then a meeting code (case-insensitive).

        Accepts the bare id / code too, with or without the `spaces/` prefix.
        """
        key = name_or_code.removeprefix("spaces/")
        return self._spaces_by_id.get(key) or self._spaces_by_code.get(key.lower())

    # --- conference records ---------------------------------------------------------

    def conference_records(self) -> list[ConferenceRecord]:
        """Every visible record in `conferenceRecords.list` order (start desc, name asc)."""
        return list(self._visible)

    def expired_records(self) -> list[ConferenceRecord]:
        """Records past their expireTime: seeded but never served (404 on get)."""
        return list(self._expired)

    def live_records(self) -> list[ConferenceRecord]:
        """Ongoing conferences (no endTime), in list order."""
        return [r for r in self._visible if r.is_live]

    def record(self, name: str) -> ConferenceRecord | None:
        found = self._by_name.get(name)
        return found if isinstance(found, ConferenceRecord) else None

    def busiest_record(self) -> ConferenceRecord:
        """The visible record with the most participants."""
        return max(self._visible, key=lambda r: (len(r.participants), r.name))

    def records_of_space(self, space_name: str) -> list[ConferenceRecord]:
        """The visible records held in one space, in list order."""
        return [r for r in self._visible if r.space.name == space_name]

    # --- children ---------------------------------------------------------------------

    def participants(self, record_name: str) -> list[Participant]:
        """`participants.list` order: earliest start desc, name asc. [] for unknown records."""
        record = self.record(record_name)
        return list(record.participants) if record else []

    def participant(self, name: str) -> Participant | None:
        found = self._by_name.get(name)
        return found if isinstance(found, Participant) else None

    def participant_sessions(self, participant_name: str) -> list[ParticipantSession]:
        """`participantSessions.list` order: start desc, name asc."""
        participant = self.participant(participant_name)
        return list(participant.sessions) if participant else []

    def recordings(self, record_name: str) -> list[Recording]:
        """`recordings.list` order: start asc, name asc."""
        record = self.record(record_name)
        return list(record.recordings) if record else []

    def transcripts(self, record_name: str) -> list[Transcript]:
        """`transcripts.list` order: start asc, name asc."""
        record = self.record(record_name)
        return list(record.transcripts) if record else []

    def transcript(self, name: str) -> Transcript | None:
        found = self._by_name.get(name)
        return found if isinstance(found, Transcript) else None

    def transcript_entries(self, transcript_name: str) -> list[TranscriptEntry]:
        """`transcripts.entries.list` order: start asc, name asc."""
        transcript = self.transcript(transcript_name)
        return list(transcript.entries) if transcript else []

    def lookup(self, name: str) -> MeetResource | None:
        """Any visible resource by its full name (spaces by `spaces/{id}` only)."""
        if name.startswith("spaces/"):
            return self._spaces_by_id.get(name.removeprefix("spaces/"))
        return self._by_name.get(name)

    def all_participants(self) -> Iterable[Participant]:
        for record in self._visible:
            yield from record.participants

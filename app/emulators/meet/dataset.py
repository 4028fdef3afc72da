"""The Meet emulator's dataset: its resources in list order, indexed by name.

Every list returned by `MeetDataset` is already in the upstream's fixed order
(docs/upstreams/meet.md, "Ordering"), with ties broken by resource name
ascending, and excludes conference records past their `expireTime` (and
everything under them).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.emulators.meet.resources import (
    EXPIRY_NS,
    ConferenceRecord,
    MeetResource,
    Participant,
    ParticipantSession,
    Recording,
    Space,
    Transcript,
    TranscriptEntry,
)

__all__ = ["EXPIRY_NS", "MeetDataset"]


def _desc(item: ConferenceRecord | ParticipantSession) -> tuple[int, str]:
    return (-item.start_time, item.name)


def _asc(item: Recording | Transcript | TranscriptEntry) -> tuple[int, str]:
    return (item.start_time, item.name)


class MeetDataset:
    """Seeded Meet data as the emulator serves it, with accessors for tests.

    `now` is the dataset's fixed clock in nanoseconds. Names are full resource
    names (`conferenceRecords/…`, `spaces/…`). Lookups of anything under an
    expired conference record return None, as the API 404s.
    """

    def __init__(self, now: int, spaces: list[Space], records: list[ConferenceRecord]) -> None:
        self.now = now
        self._spaces = sorted(spaces, key=lambda s: s.name)
        self._spaces_by_id = {s.id: s for s in spaces}
        self._spaces_by_code = {s.meeting_code.lower(): s for s in spaces}
        ordered = sorted(records, key=_desc)
        for record in ordered:
            record.participants.sort(key=lambda p: (-p.earliest_start_time, p.name))
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

"""The Google Meet part of the graph."""

from __future__ import annotations

from schema.meet.artifacts import Recording, Transcript, TranscriptEntry
from schema.meet.participants import (
    AnonymousUser,
    Participant,
    ParticipantSession,
    PhoneUser,
    SignedinUser,
)
from schema.meet.query import MeetQuery
from schema.meet.records import ConferenceRecord, Space

__all__ = ["MUTATIONS", "QUERIES", "TYPES"]

QUERIES: list[type] = [MeetQuery]
MUTATIONS: list[type] = []
TYPES: list[type] = [
    ConferenceRecord,
    Space,
    Participant,
    ParticipantSession,
    SignedinUser,
    AnonymousUser,
    PhoneUser,
    Recording,
    Transcript,
    TranscriptEntry,
]

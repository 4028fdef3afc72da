"""Recordings, transcripts and transcript entries of a conference."""

from __future__ import annotations

import strawberry

from resolvers.meet import models
from resolvers.paging import ConnectionArgs
from resolvers.timestamps import Instant
from schema.context import Info
from schema.meet.common import MeetEntity, by_name
from schema.meet.participants import Participant, load_participant
from schema.relay import Connection, Node, encode_global_id, register_node

__all__ = ["Recording", "Transcript", "TranscriptEntry"]


@strawberry.type(description="Where a recording's MP4 lives in Google Drive.")
class DriveDestination:
    file: str | None = strawberry.field(description="The Drive file id.")
    export_uri: str | None = strawberry.field(description="A link to view it in Drive.")


@strawberry.type(description="Where a transcript's document lives in Google Docs.")
class DocsDestination:
    document: str | None = strawberry.field(description="The Docs document id.")
    export_uri: str | None = strawberry.field(description="A link to view it in Docs.")


@strawberry.federation.type(
    keys=["id", "name"], description="A recording made during a conference."
)
class Recording(Node, MeetEntity):
    name: str = strawberry.field(description="`conferenceRecords/{id}/recordings/{id}`.")
    state: str | None = strawberry.field(description="STARTED, ENDED or FILE_GENERATED.")
    start_time: Instant | None = strawberry.field(description="When recording started.")
    end_time: Instant | None = strawberry.field(description="When recording ended.")
    drive_destination: DriveDestination | None = strawberry.field(
        description="The file, once generated (null before FILE_GENERATED)."
    )

    @classmethod
    def from_wire(cls, wire: models.Recording) -> Recording:
        drive = wire.drive_destination
        return cls(
            id=encode_global_id("Recording", wire.name),
            name=wire.name,
            state=wire.state,
            start_time=wire.start_time,
            end_time=wire.end_time,
            drive_destination=DriveDestination(file=drive.file, export_uri=drive.export_uri)
            if drive
            else None,
        )


@strawberry.federation.type(
    keys=["id", "name"], description="A transcript generated from a conference."
)
class Transcript(Node, MeetEntity):
    name: str = strawberry.field(description="`conferenceRecords/{id}/transcripts/{id}`.")
    state: str | None = strawberry.field(description="STARTED, ENDED or FILE_GENERATED.")
    start_time: Instant | None = strawberry.field(description="When transcription started.")
    end_time: Instant | None = strawberry.field(description="When transcription ended.")
    docs_destination: DocsDestination | None = strawberry.field(
        description="The document, once generated (null before FILE_GENERATED)."
    )

    @classmethod
    def from_wire(cls, wire: models.Transcript) -> Transcript:
        docs = wire.docs_destination
        return cls(
            id=encode_global_id("Transcript", wire.name),
            name=wire.name,
            state=wire.state,
            start_time=wire.start_time,
            end_time=wire.end_time,
            docs_destination=DocsDestination(document=docs.document, export_uri=docs.export_uri)
            if docs
            else None,
        )

    @strawberry.field(description="What was said, in order.")
    async def entries(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TranscriptEntry] | None:
        page = await info.context.loaders.meet.entries_of(self.name, ConnectionArgs(first, after))
        return Connection.build(page, TranscriptEntry.from_wire)


@strawberry.federation.type(keys=["id", "name"], description="One speaker's turn in a transcript.")
class TranscriptEntry(Node, MeetEntity):
    name: str = strawberry.field(description="`…/transcripts/{id}/entries/{id}`.")
    text: str | None = strawberry.field(description="What was said.")
    language_code: str | None = strawberry.field(description="BCP-47, e.g. en-US.")
    start_time: Instant | None = strawberry.field(description="When the speech started.")
    end_time: Instant | None = strawberry.field(description="When the speech ended.")
    participant_name: strawberry.Private[str | None]

    @classmethod
    def from_wire(cls, wire: models.TranscriptEntry) -> TranscriptEntry:
        return cls(
            id=encode_global_id("TranscriptEntry", wire.name),
            name=wire.name,
            text=wire.text,
            language_code=wire.language_code,
            start_time=wire.start_time,
            end_time=wire.end_time,
            participant_name=wire.participant,
        )

    @strawberry.field(description="Who spoke (loaded once per distinct speaker).")
    async def participant(self, info: Info) -> Participant | None:
        if not self.participant_name:
            return None
        return await load_participant(info, self.participant_name)


load_recording = by_name("recording", Recording.from_wire)
load_transcript = by_name("transcript", Transcript.from_wire)
load_entry = by_name("transcript entry", TranscriptEntry.from_wire)

register_node("Recording", load_recording)
register_node("Transcript", load_transcript)
register_node("TranscriptEntry", load_entry)

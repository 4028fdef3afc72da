"""Conference records and spaces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.errors import Provider
from resolvers.meet import ConferenceRecordFilterInput, LiveFilter, models
from resolvers.paging import ConnectionArgs
from resolvers.timestamps import Instant
from schema.context import Info
from schema.interfaces import Session, duration_between, register_session_type
from schema.meet.common import MeetEntity, by_name
from schema.relay import Connection, Node, encode_global_id, register_node

if TYPE_CHECKING:
    from schema.meet.artifacts import Recording, Transcript
    from schema.meet.participants import Participant, ParticipantFilter

__all__ = ["ConferenceRecord", "Space"]

_PARTICIPANTS = "schema.meet.participants"
_ARTIFACTS = "schema.meet.artifacts"


@strawberry.federation.type(
    keys=["id", "name"], description="A single instance of a meeting held in a space (Google Meet)."
)
class ConferenceRecord(Session, MeetEntity):
    name: str = strawberry.field(description="Resource name, `conferenceRecords/{id}`.")
    expire_time: Instant | None = strawberry.field(
        description="When Meet deletes the record: 30 days after the conference ends."
    )
    space_name: strawberry.Private[str | None]

    @classmethod
    def from_wire(cls, wire: models.ConferenceRecord) -> ConferenceRecord:
        return cls(
            id=encode_global_id("ConferenceRecord", wire.name),
            provider=Provider.GOOGLE_MEET,
            start_time=wire.start_time,
            end_time=wire.end_time,
            duration_seconds=duration_between(wire.start_time, wire.end_time),
            is_live=wire.end_time is None,
            name=wire.name,
            expire_time=wire.expire_time,
            space_name=wire.space,
        )

    @strawberry.field(description="The space the conference was held in.")
    async def space(self, info: Info) -> Space | None:
        if not self.space_name:
            return None
        wire = await info.context.loaders.meet.space_by_name.load(self.space_name)
        return Space.from_wire(wire) if wire else None

    @strawberry.field(description="Everyone who joined, most recent joiner first.")
    async def participants(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[ParticipantFilter, strawberry.lazy(_PARTICIPANTS)] | None = None,
    ) -> Connection[Annotated[Participant, strawberry.lazy(_PARTICIPANTS)]] | None:
        from schema.meet.participants import Participant  # noqa: PLC0415 - circular type graph

        flt = filter.to_data() if filter else LiveFilter()
        meet = info.context.loaders.meet
        page = await meet.participants_of(self.name, flt, ConnectionArgs(first, after))
        return Connection.build(page, Participant.from_wire)

    @strawberry.field(description="Recordings, in start order.")
    async def recordings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Recording, strawberry.lazy(_ARTIFACTS)]] | None:
        from schema.meet.artifacts import Recording  # noqa: PLC0415 - circular type graph

        page = await info.context.loaders.meet.recordings_of(
            self.name, ConnectionArgs(first, after)
        )
        return Connection.build(page, Recording.from_wire)

    @strawberry.field(description="Transcripts, in start order.")
    async def transcripts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Transcript, strawberry.lazy(_ARTIFACTS)]] | None:
        from schema.meet.artifacts import Transcript  # noqa: PLC0415 - circular type graph

        page = await info.context.loaders.meet.transcripts_of(
            self.name, ConnectionArgs(first, after)
        )
        return Connection.build(page, Transcript.from_wire)


@strawberry.federation.type(
    keys=["id", "name"], description="A virtual place where conferences are held (Google Meet)."
)
class Space(Node, MeetEntity):
    name: str = strawberry.field(description="Resource name, `spaces/{id}`.")
    meeting_uri: str | None = strawberry.field(description="The URI people use to join.")
    meeting_code: str | None = strawberry.field(description="Typeable code, e.g. abc-mnop-xyz.")
    access_type: str | None = strawberry.field(description="OPEN, TRUSTED or RESTRICTED.")
    entry_point_access: str | None = strawberry.field(description="ALL or CREATOR_APP_ONLY.")
    active_conference_name: strawberry.Private[str | None]

    @classmethod
    def from_wire(cls, wire: models.Space) -> Space:
        config = wire.config
        active = wire.active_conference
        return cls(
            id=encode_global_id("Space", wire.name),
            name=wire.name,
            meeting_uri=wire.meeting_uri,
            meeting_code=wire.meeting_code,
            access_type=config.access_type if config else None,
            entry_point_access=config.entry_point_access if config else None,
            active_conference_name=active.conference_record if active else None,
        )

    @strawberry.field(description="The conference going on now, if any.")
    async def active_conference(self, info: Info) -> ConferenceRecord | None:
        if not self.active_conference_name:
            return None
        return await load_conference_record(info, self.active_conference_name)

    @strawberry.field(description="Conferences held in this space, newest first.")
    async def conference_records(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ConferenceRecord] | None:
        flt = ConferenceRecordFilterInput(space_name=self.name)
        page = await info.context.loaders.meet.conference_records(flt, ConnectionArgs(first, after))
        return Connection.build(page, ConferenceRecord.from_wire)


load_conference_record = by_name("conference record", ConferenceRecord.from_wire)
load_space = by_name("space", Space.from_wire)

register_node("ConferenceRecord", load_conference_record)
register_session_type(Provider.GOOGLE_MEET, ConferenceRecord.from_wire)
register_node("Space", load_space)

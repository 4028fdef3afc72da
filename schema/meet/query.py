"""Meet's root fields."""

from __future__ import annotations

import strawberry

from resolvers.errors import Provider, found
from resolvers.meet import ConferenceRecordFilterInput, check_name, meeting_code_or_space
from resolvers.paging import ConnectionArgs
from resolvers.timestamps import Instant
from schema.context import Info
from schema.meet.records import ConferenceRecord, Space, load_conference_record
from schema.relay import Connection

__all__ = ["ConferenceRecordFilter", "MeetQuery"]

MEET = Provider.GOOGLE_MEET


@strawberry.input(description="Narrows conference records; every value is quoted for Meet.")
class ConferenceRecordFilter:
    space_name: str | None = strawberry.field(default=None, description="`spaces/{id}`.")
    meeting_code: str | None = strawberry.field(default=None, description="e.g. abc-mnop-xyz.")
    started_after: Instant | None = strawberry.field(
        default=None, description="Started at or after this time."
    )
    started_before: Instant | None = strawberry.field(
        default=None, description="Started at or before this time."
    )
    live: bool | None = strawberry.field(
        default=None, description="true: still going on; false: ended."
    )

    def to_data(self) -> ConferenceRecordFilterInput:
        return ConferenceRecordFilterInput(
            space_name=self.space_name,
            meeting_code=self.meeting_code,
            started_after=self.started_after,
            started_before=self.started_before,
            live=self.live,
        )


@strawberry.type
class MeetQuery:
    @strawberry.field(description="One conference record by name (`conferenceRecords/{id}`).")
    async def conference_record(self, info: Info, name: str) -> ConferenceRecord | None:
        check_name("conference record", name)
        record = await load_conference_record(info, name)
        return found(record, "Google Meet has no conference record with this name", MEET)

    @strawberry.field(description="Conference records visible to the caller, newest start first.")
    async def conference_records(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: ConferenceRecordFilter | None = None,
    ) -> Connection[ConferenceRecord] | None:
        flt = filter.to_data() if filter else ConferenceRecordFilterInput()
        page = await info.context.loaders.meet.conference_records(flt, ConnectionArgs(first, after))
        return Connection.build(page, ConferenceRecord.from_wire)

    @strawberry.field(description="A space by name (`spaces/{id}`) or by meeting code.")
    async def space(self, info: Info, name: str) -> Space | None:
        wire = await info.context.loaders.meet.space_by_name.load(meeting_code_or_space(name))
        return Space.from_wire(found(wire, "Google Meet has no space with this name", MEET))

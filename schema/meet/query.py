"""Meet's root fields."""

from __future__ import annotations

import strawberry

from resolvers.errors import Provider, found
from resolvers.meet.filters import ConferenceRecordFilterInput, conference_record_filter
from resolvers.meet.names import check_name, meeting_code_or_space
from resolvers.timestamps import Instant
from schema.context import Info
from schema.meet.common import meet_connection
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
    ) -> Connection[ConferenceRecord]:
        flt = filter or ConferenceRecordFilter()
        filter_ = conference_record_filter(
            ConferenceRecordFilterInput(
                space_name=flt.space_name,
                meeting_code=flt.meeting_code,
                started_after=flt.started_after,
                started_before=flt.started_before,
                live=flt.live,
            )
        )
        return await meet_connection(
            info,
            listing="conferenceRecords",
            parent=None,
            filter_=filter_,
            first=first,
            after=after,
            to_node=ConferenceRecord.from_wire,
        )

    @strawberry.field(description="A space by name (`spaces/{id}`) or by meeting code.")
    async def space(self, info: Info, name: str) -> Space | None:
        wire = await info.context.loaders.meet.spaces.load(meeting_code_or_space(name))
        return Space.from_wire(found(wire, "Google Meet has no space with this name", MEET))

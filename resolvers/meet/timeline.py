"""Meet's part of the merged `Query.sessions` timeline: conference records, newest start first."""

from __future__ import annotations

from resolvers.meet import models
from resolvers.meet.filters import ConferenceRecordFilterInput, conference_record_filter
from resolvers.meet.loaders import MeetLoaders
from resolvers.paging import WalkedSource
from resolvers.spec import TimelineSlot
from resolvers.timeline import TimelineFilter

__all__ = ["TIMELINE", "timeline"]


def timeline(loaders: MeetLoaders, flt: TimelineFilter) -> WalkedSource[models.ConferenceRecord]:
    """conferenceRecords.list already orders by start time, descending, as Meet documents."""
    filter_ = conference_record_filter(
        ConferenceRecordFilterInput(
            started_after=flt.started_after, started_before=flt.started_before, live=flt.live
        )
    )
    return loaders.pager("conferenceRecords", None, filter_)


TIMELINE = TimelineSlot(
    source=timeline, start_of=lambda wire: wire.start_time, key_of=lambda wire: wire.name
)

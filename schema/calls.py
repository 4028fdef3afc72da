"""GraphQL types for Stream Video call sessions and their participant sessions."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.errors import Provider as ProviderValue
from resolvers.errors import found
from resolvers.paging import ConnectionArgs
from resolvers.stream import (
    CallSessionFilterInput,
    CallStatsSession,
    ParticipantFilterInput,
    ParticipantKey,
    ParticipantRecord,
    SessionKey,
    key_text,
    participant_key_of,
    session_key,
    session_key_of,
)
from resolvers.timestamps import Instant
from schema.context import Info
from schema.interfaces import Attendance, Session, duration_between, register_session_type
from schema.relay import Connection, encode_global_id, key_of_reference, register_node
from schema.selections import selects_field_with

__all__ = ["MUTATIONS", "QUERIES", "TYPES"]


@strawberry.input(description="Narrows a call session's participant sessions (done by Stream).")
class CallParticipantSessionFilter:
    user_ids: list[str] | None = strawberry.field(
        default=None, description="Only these users (Stream `user_id` `$in`)."
    )
    publisher_types: list[str] | None = strawberry.field(
        default=None, description="Only these publisher types, e.g. `webrtc`, `rtmp`, `srt`."
    )
    live: bool | None = strawberry.field(
        default=None, description="True: still connected; false: already left."
    )

    def to_data(self) -> ParticipantFilterInput:
        return ParticipantFilterInput(
            user_ids=None if self.user_ids is None else tuple(self.user_ids),
            publisher_types=None if self.publisher_types is None else tuple(self.publisher_types),
            live=self.live,
        )


@strawberry.input(description="Narrows `callSessions`.")
class CallSessionFilter:
    call_type: str | None = strawberry.field(default=None, description="The call type.")
    call_id: str | None = strawberry.field(default=None, description="The call id.")
    live: bool | None = strawberry.field(default=None, description="True: not ended yet.")
    started_after: Instant | None = strawberry.field(
        default=None, description="Sessions that started at or after this time."
    )
    started_before: Instant | None = strawberry.field(
        default=None, description="Sessions that started at or before this time."
    )

    def to_data(self) -> CallSessionFilterInput:
        return CallSessionFilterInput(
            call_type=self.call_type,
            call_id=self.call_id,
            live=self.live,
            started_after=self.started_after,
            started_before=self.started_before,
        )


@strawberry.federation.type(
    keys=["id"],
    description="One participant's stay in a Stream call session (call attendance).",
)
class CallParticipantSession(Attendance):
    user_session_id: str = strawberry.field(description="Stream's id of this stay.")
    publisher_type: str | None = strawberry.field(
        description="How the participant published: `webrtc`, `rtmp`, `srt`, …"
    )
    roles: list[str] = strawberry.field(description="The user's roles in the call.")

    @classmethod
    def from_wire(cls, record: ParticipantRecord) -> CallParticipantSession:
        return _ParticipantSessionOfWire(record)

    @classmethod
    async def resolve_reference(
        cls, info: Info, **representation: Any
    ) -> CallParticipantSession | None:
        key = key_of_reference("CallParticipantSession", representation.get("id"))
        return await _participant_by_key(info, key) if key else None


class _ParticipantSessionOfWire(CallParticipantSession):
    """The runtime shape of a participant session read from Stream: its global id is
    encoded when the executor reads it (the attendance page never selects it; encoding
    was 2.7 of the 4.7 us that building each of its 100 items took)."""

    def __init__(self, record: ParticipantRecord) -> None:  # not the dataclass's: no `id`
        d = record.details
        self._record = record
        self.provider = ProviderValue.STREAM_VIDEO
        self.display_name = record.display_name
        self.user_id = d.user_id
        self.join_time = d.joined_at
        self.leave_time = d.left_at
        # Stream counts a connected participant's seconds so far: null while present.
        self.duration_seconds = None if d.left_at is None else d.duration_in_seconds
        self.user_session_id = d.user_session_id
        self.publisher_type = d.publisher_type
        self.roles = list(d.roles)

    @property
    def id(self) -> strawberry.ID:  # type: ignore[override]
        record = self._record
        key = ParticipantKey(record.session, record.details.user_id, self.user_session_id)
        return encode_global_id("CallParticipantSession", key_text(key))


@strawberry.federation.type(
    keys=["id", "callType callId sessionId"],
    description="One session of a Stream Video call, with its attendance.",
)
class CallSession(Session):
    call_type: str = strawberry.field(description="The call type, e.g. `default`.")
    call_id: str = strawberry.field(description="The call id.")
    session_id: str = strawberry.field(description="The call session id.")
    key: strawberry.Private[SessionKey]

    @strawberry.field(description="Participant sessions in the whole call session.")
    async def total_participant_sessions(self, info: Info) -> int | None:
        return (await info.context.loaders.stream.totals(self.key)).participant_sessions

    @strawberry.field(description="Sum of all participants' seconds in the whole call session.")
    async def total_participant_duration_seconds(self, info: Info) -> float | None:
        totals = await info.context.loaders.stream.totals(self.key)
        return totals.participant_duration_seconds

    @strawberry.field(
        description="Who attended, in Stream's order (join time). Pages both ways; empty "
        "90 days after the session ended. `totalCount` is null when a filter is given."
    )
    async def participant_sessions(
        self,
        info: Info,
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: CallParticipantSessionFilter | None = None,
    ) -> Connection[CallParticipantSession] | None:
        flt = filter.to_data() if filter else ParticipantFilterInput()
        page = await info.context.loaders.stream.participant_sessions_of(
            self.key, flt, ConnectionArgs(first, after, last, before)
        )
        return Connection.build(page, CallParticipantSession.from_wire)

    @classmethod
    def from_wire(cls, wire: CallStatsSession) -> CallSession:
        start, end = wire.started_at, wire.ended_at
        return cls(
            id=encode_global_id("CallSession", key_text(wire.key)),
            provider=ProviderValue.STREAM_VIDEO,
            start_time=start,
            end_time=end,
            duration_seconds=duration_between(start, end),
            is_live=end is None,
            call_type=wire.call_type,
            call_id=wire.call_id,
            session_id=wire.call_session_id,
            key=wire.key,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> CallSession | None:
        if "id" in representation:
            text = key_of_reference("CallSession", representation["id"])
            if text is None:
                return None
            key = session_key_of(text)
        else:
            key = session_key(
                str(representation.get("callType", "")),
                str(representation.get("callId", "")),
                str(representation.get("sessionId", "")),
            )
        return await _session_by_key(info, key)


_AWAY_FROM_THE_START = ("after", "before", "last", "filter")


async def _session_by_key(info: Info, key: SessionKey) -> CallSession | None:
    wire = await info.context.loaders.stream.call_session_by_key.load(key)
    return None if wire is None else CallSession.from_wire(wire)


async def _participant_by_key(info: Info, text: str) -> CallParticipantSession | None:
    record = await info.context.loaders.stream.participant_by_key.load(participant_key_of(text))
    return None if record is None else CallParticipantSession.from_wire(record)


register_node("CallSession", lambda info, text: _session_by_key(info, session_key_of(text)))
register_node("CallParticipantSession", _participant_by_key)
register_session_type(ProviderValue.STREAM_VIDEO, CallSession.from_wire)


@strawberry.type
class CallsQuery:
    @strawberry.field(description="One Stream Video call session, or null if it does not exist.")
    async def call_session(
        self, info: Info, call_type: str, call_id: str, session_id: str
    ) -> CallSession | None:
        key = session_key(call_type, call_id, session_id)
        # No `participantSessions` below asks for anything but the listing's start,
        # unfiltered: then the session's first page (which carries its times) is the
        # page they read too.
        if not selects_field_with(info, "participantSessions", _AWAY_FROM_THE_START):
            wire = await info.context.loaders.stream.session(key)
            session = None if wire is None else CallSession.from_wire(wire)
        else:
            session = await _session_by_key(info, key)
        return found(session, "Stream Video has no such call session", ProviderValue.STREAM_VIDEO)

    @strawberry.field(description="Stream Video call sessions, newest start first.")
    async def call_sessions(
        self,
        info: Info,
        *,
        first: int | None = None,
        after: str | None = None,
        filter: CallSessionFilter | None = None,
    ) -> Connection[CallSession] | None:
        flt = filter.to_data() if filter else CallSessionFilterInput()
        stream = info.context.loaders.stream
        page = await stream.call_sessions_matching(flt, ConnectionArgs(first, after))
        return Connection.build(page, CallSession.from_wire)


QUERIES: list[type] = [CallsQuery]
MUTATIONS: list[type] = []
TYPES: list[type] = [CallSession, CallParticipantSession]

"""Cloudflare RealtimeKit sessions and participants (upstream: docs/upstreams/realtimekit.md).

Field resolvers stay thin: read the key, `await` a RealtimeKit loader, map the
wire model through `from_wire`. Connections page by offset, so they go both ways.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from resolvers.errors import GatewayError, Provider, bad_input, found
from resolvers.paging import ConnectionArgs
from resolvers.realtimekit import (
    LinkKind,
    ParticipantQuery,
    ParticipantSort,
    SessionQuery,
    SessionStatus,
    models,
)
from resolvers.timestamps import Instant
from schema.context import Info
from schema.interfaces import Attendance, Session, duration_between, register_session_type
from schema.mutations import EXPECTED_CODES, MutationError
from schema.relay import Connection, encode_global_id, key_of_reference, register_node

__all__ = ["MUTATIONS", "QUERIES", "TYPES"]

strawberry.enum(SessionStatus, name="RealtimeSessionStatus", description="LIVE or ENDED.")
strawberry.enum(
    ParticipantSort,
    name="RealtimeParticipantOrder",
    description="Order of a session's participants: by join time or by time present.",
)


@strawberry.enum(description="What kind of RealtimeKit session this is.")
class RealtimeSessionKind(Enum):
    MEETING = "meeting"
    LIVESTREAM = "livestream"
    PARTICIPANT = "participant"


def _kind(raw: str | None) -> RealtimeSessionKind | None:
    try:
        return RealtimeSessionKind((raw or "").lower())
    except ValueError:
        return None  # a type added upstream later is "unknown", not an error


@strawberry.type(description="A time-limited download link (chat CSV, transcript or summary).")
class RealtimeDownloadLink:
    url: str = strawberry.field(description="Where to download it; treat as opaque.")
    expires_at: Instant | None = strawberry.field(
        description="When the link stops working; fetch the field again after that."
    )

    @classmethod
    def from_wire(cls, wire: models.DownloadLink) -> RealtimeDownloadLink:
        return cls(url=wire.url, expires_at=wire.expires_at)


@strawberry.input(description="Narrows RealtimeKit sessions; each value is sent as a literal.")
class RealtimeSessionFilter:
    status: SessionStatus | None = strawberry.field(default=None, description="LIVE or ENDED.")
    meeting_id: str | None = strawberry.field(
        default=None, description="Only sessions of this meeting (`associated_id`)."
    )
    search: str | None = strawberry.field(
        default=None, description="Text in the meeting title, meeting id or session id."
    )
    started_after: Instant | None = strawberry.field(
        default=None, description="Started at or after this time."
    )
    started_before: Instant | None = strawberry.field(
        default=None, description="Started at or before this time."
    )

    def to_data(self) -> SessionQuery:
        return SessionQuery(
            status=self.status,
            meeting_id=self.meeting_id,
            search=self.search or None,
            started_after=self.started_after,
            started_before=self.started_before,
        )


@strawberry.federation.type(
    keys=["id", "sessionId participantId"],
    description="One join of one participant in a RealtimeKit session (a new peer per join).",
)
class RealtimeParticipant(Attendance):
    participant_id: str = strawberry.field(description="The peer id: new on every join.")
    session_id: str = strawberry.field(description="The session this join belongs to.")
    custom_participant_id: str | None = strawberry.field(
        description="The id the app gave the participant when adding them."
    )
    preset_name: str | None = strawberry.field(description="The preset (role) they joined with.")

    @classmethod
    def for_session(cls, session_id: str) -> Any:
        return lambda wire: cls.from_wire(session_id, wire)

    @classmethod
    def from_wire(cls, session_id: str, wire: models.Participant) -> RealtimeParticipant:
        return cls(
            id=encode_global_id("RealtimeParticipant", f"{session_id}/{wire.id}"),
            provider=Provider.CLOUDFLARE_REALTIMEKIT,
            display_name=wire.display_name,
            user_id=wire.user_id,
            join_time=wire.joined_at,
            leave_time=wire.left_at,
            # RealtimeKit reports minutes (docs/upstreams/realtimekit.md), elapsed so far
            # for someone still there: null while present, as for every provider.
            duration_seconds=None
            if wire.duration is None or wire.left_at is None
            else wire.duration * 60,
            participant_id=wire.id,
            session_id=session_id,
            custom_participant_id=wire.custom_participant_id,
            preset_name=wire.preset_name,
        )

    @strawberry.field(description="The peer report (device, network, quality); fetched on demand.")
    async def peer_report(self, info: Info) -> JSON | None:
        report = await info.context.loaders.realtimekit.peer_report_by_id.load(self.participant_id)
        return None if report is None else JSON(report)

    @strawberry.field(description="The session this join belongs to.")
    async def session(self, info: Info) -> RealtimeSession | None:
        return await load_session(info, self.session_id)

    @classmethod
    async def resolve_reference(cls, info: Info, **keys: Any) -> RealtimeParticipant | None:
        if keys.get("sessionId") and keys.get("participantId"):
            return await load_participant(info, f"{keys['sessionId']}/{keys['participantId']}")
        key = key_of_reference("RealtimeParticipant", keys.get("id"))
        return await load_participant(info, key) if key else None


@strawberry.federation.type(
    keys=["id", "sessionId"], description="A live instance of a RealtimeKit meeting."
)
class RealtimeSession(Session):
    session_id: str = strawberry.field(description="RealtimeKit's session id.")
    meeting_id: str | None = strawberry.field(description="The meeting's id (`associated_id`).")
    meeting_title: str | None = strawberry.field(description="The meeting's display name.")
    kind: RealtimeSessionKind | None = strawberry.field(description="Meeting, livestream, …")
    status: SessionStatus | None = strawberry.field(description="LIVE or ENDED.")
    live_participants: int | None = strawberry.field(description="Participants present now.")
    max_concurrent_participants: int | None = strawberry.field(
        description="The most participants present at once."
    )
    minutes_consumed: float | None = strawberry.field(description="Participant minutes used.")
    app_id: str | None = strawberry.field(description="The App that hosted the session.")
    created_at: Instant | None = strawberry.field(description="When RealtimeKit created it.")
    updated_at: Instant | None = strawberry.field(description="When RealtimeKit last changed it.")

    @classmethod
    def from_wire(cls, wire: models.Session) -> RealtimeSession:
        status = SessionStatus(wire.status) if wire.status in ("LIVE", "ENDED") else None
        return cls(
            id=encode_global_id("RealtimeSession", wire.id),
            provider=Provider.CLOUDFLARE_REALTIMEKIT,
            start_time=wire.started_at,
            end_time=wire.ended_at,
            duration_seconds=duration_between(wire.started_at, wire.ended_at),
            is_live=status is SessionStatus.LIVE,
            session_id=wire.id,
            meeting_id=wire.associated_id,
            meeting_title=wire.meeting_display_name,
            kind=_kind(wire.type),
            status=status,
            live_participants=wire.live_participants,
            max_concurrent_participants=wire.max_concurrent_participants,
            minutes_consumed=wire.minutes_consumed,
            app_id=wire.organization_id,
            created_at=wire.created_at,
            updated_at=wire.updated_at,
        )

    @strawberry.field(description="Every join, in join order unless `orderBy` says otherwise.")
    async def participants(
        self,
        info: Info,
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: ParticipantSort = ParticipantSort.JOINED_AT_ASC,
        search: str | None = None,
    ) -> Connection[RealtimeParticipant] | None:
        query = ParticipantQuery(sort=order_by, search=search or None)
        page = await info.context.loaders.realtimekit.participants_of(
            self.session_id, query, ConnectionArgs(first, after, last, before)
        )
        return Connection.build(page, RealtimeParticipant.for_session(self.session_id))

    @strawberry.field(description="The chat export (CSV); null when there is none.")
    async def chat(self, info: Info) -> RealtimeDownloadLink | None:
        return await _link(info, self.session_id, "chat")

    @strawberry.field(description="The transcript; null when there is none.")
    async def transcript(self, info: Info) -> RealtimeDownloadLink | None:
        return await _link(info, self.session_id, "transcript")

    @strawberry.field(description="The AI summary (plain text); null until one is generated.")
    async def summary(self, info: Info) -> RealtimeDownloadLink | None:
        return await _link(info, self.session_id, "summary")

    @classmethod
    async def resolve_reference(cls, info: Info, **keys: Any) -> RealtimeSession | None:
        key = keys.get("sessionId") or key_of_reference("RealtimeSession", keys.get("id"))
        return await load_session(info, key) if key else None


async def _link(info: Info, session_id: str, kind: LinkKind) -> RealtimeDownloadLink | None:
    wire = await info.context.loaders.realtimekit.link_by_key.load((session_id, kind))
    return RealtimeDownloadLink.from_wire(wire) if wire else None


async def load_session(info: Info, session_id: str) -> RealtimeSession | None:
    wire = await info.context.loaders.realtimekit.session(session_id)
    return RealtimeSession.from_wire(wire) if wire else None


async def load_participant(info: Info, key: str) -> RealtimeParticipant | None:
    """By `sessionId/participantId` (the participant-details endpoint, or a primed page)."""
    session_id, sep, peer_id = key.partition("/")
    if not sep:
        raise bad_input("`id` is not a valid RealtimeParticipant id", field="id")
    wire = await info.context.loaders.realtimekit.participant(session_id, peer_id)
    return RealtimeParticipant.from_wire(session_id, wire) if wire else None


@strawberry.type
class RealtimeQuery:
    @strawberry.field(description="One RealtimeKit session by its session id.")
    async def realtime_session(self, info: Info, id: str) -> RealtimeSession | None:
        session = await load_session(info, id)
        return found(
            session, "No RealtimeKit session with this id", Provider.CLOUDFLARE_REALTIMEKIT
        )

    @strawberry.field(description="RealtimeKit sessions, newest first; pages both ways.")
    async def realtime_sessions(
        self,
        info: Info,
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: RealtimeSessionFilter | None = None,
    ) -> Connection[RealtimeSession] | None:
        query = filter.to_data() if filter else SessionQuery()
        page = await info.context.loaders.realtimekit.sessions(
            query, ConnectionArgs(first, after, last, before)
        )
        return Connection.build(page, RealtimeSession.from_wire)


@strawberry.type(description="The answer to `generateRealtimeSessionSummary`.")
class GenerateSummaryPayload:
    session_id: str | None = strawberry.field(description="The session being summarised.")
    status: str | None = strawberry.field(
        description="RealtimeKit's status for the job (e.g. `queued`), when it reports one."
    )
    errors: list[MutationError] = strawberry.field(
        description="Expected failures (unknown session, no transcript, bad id); empty on success."
    )


@strawberry.type
class RealtimeMutation:
    @strawberry.mutation(
        description="Ask RealtimeKit to summarise a session's transcript. Not retried: "
        "it is not idempotent. Read `RealtimeSession.summary` for the result."
    )
    async def generate_realtime_session_summary(
        self, info: Info, session_id: str
    ) -> GenerateSummaryPayload:
        try:
            job = await info.context.loaders.realtimekit.generate_summary(session_id)
        except GatewayError as exc:
            if exc.code not in EXPECTED_CODES:
                raise
            # Every expected failure here is about the one argument.
            error = MutationError(code=exc.code.value, message=exc.message, field="sessionId")
            return GenerateSummaryPayload(session_id=None, status=None, errors=[error])
        return GenerateSummaryPayload(session_id=job.session_id, status=job.status, errors=[])


register_node("RealtimeSession", load_session)
register_session_type(Provider.CLOUDFLARE_REALTIMEKIT, RealtimeSession.from_wire)
register_node("RealtimeParticipant", load_participant)

QUERIES: list[type] = [RealtimeQuery]
MUTATIONS: list[type] = [RealtimeMutation]
TYPES: list[type] = [RealtimeSession, RealtimeParticipant, RealtimeDownloadLink]

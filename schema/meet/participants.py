"""Participants, their user union, and participant sessions (Meet's attendance)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.errors import Provider, found
from resolvers.meet import LiveFilter, models
from resolvers.paging import ConnectionArgs
from resolvers.timestamps import Instant
from schema.context import Info
from schema.interfaces import Attendance, duration_between
from schema.meet.common import MeetEntity, by_name
from schema.meet.records import ConferenceRecord, load_conference_record
from schema.relay import Connection, Node, encode_global_id, register_node

__all__ = [
    "MeetUser",
    "Participant",
    "ParticipantFilter",
    "ParticipantSession",
    "ParticipantSessionFilter",
]


@strawberry.type(description="A signed-in Google user.")
class SignedinUser:
    user: str | None = strawberry.field(description="`users/{user}`, usable with the People API.")
    display_name: str | None = strawberry.field(description="First and last name.")


@strawberry.type(description="Someone who joined without signing in.")
class AnonymousUser:
    display_name: str | None = strawberry.field(description="The name they typed.")


@strawberry.type(description="Someone who dialled in by phone.")
class PhoneUser:
    display_name: str | None = strawberry.field(description="Partially redacted phone number.")


MeetUser = Annotated[
    SignedinUser | AnonymousUser | PhoneUser,
    strawberry.union("MeetUser", description="Who a Meet participant is."),
]


@strawberry.input(description="Narrows a conference's participants.")
class ParticipantFilter:
    live: bool | None = strawberry.field(
        default=None, description="true: still in the conference; false: left for good."
    )

    def to_data(self) -> LiveFilter:
        return LiveFilter(live=self.live)


@strawberry.input(description="Narrows a participant's sessions.")
class ParticipantSessionFilter:
    live: bool | None = strawberry.field(
        default=None, description="true: the session is still going on; false: it ended."
    )

    def to_data(self) -> LiveFilter:
        return LiveFilter(live=self.live)


def _user(wire: models.Participant) -> SignedinUser | AnonymousUser | PhoneUser | None:
    if wire.signedin_user:
        return SignedinUser(
            user=wire.signedin_user.user, display_name=wire.signedin_user.display_name
        )
    if wire.anonymous_user:
        return AnonymousUser(display_name=wire.anonymous_user.display_name)
    if wire.phone_user:
        return PhoneUser(display_name=wire.phone_user.display_name)
    return None


@strawberry.federation.type(
    keys=["id", "name"], description="Someone who attended or is attending a conference."
)
class Participant(Node, MeetEntity):
    name: str = strawberry.field(description="`conferenceRecords/{id}/participants/{id}`.")
    display_name: str | None = strawberry.field(description="Name shown in the meeting.")
    user: MeetUser | None = strawberry.field(description="Signed-in, anonymous or phone user.")
    earliest_start_time: Instant | None = strawberry.field(description="First join.")
    latest_end_time: Instant | None = strawberry.field(
        description="Last leave; null while still in an active conference."
    )
    is_live: bool = strawberry.field(description="Still in the conference.")
    user_id: strawberry.Private[str | None]

    @classmethod
    def from_wire(cls, wire: models.Participant) -> Participant:
        return cls(
            id=encode_global_id("Participant", wire.name),
            name=wire.name,
            display_name=wire.display_name,
            user=_user(wire),
            earliest_start_time=wire.earliest_start_time,
            latest_end_time=wire.latest_end_time,
            is_live=wire.latest_end_time is None,
            user_id=wire.signedin_user.user if wire.signedin_user else None,
        )

    @strawberry.field(description="The conference this participant attended.")
    async def conference_record(self, info: Info) -> ConferenceRecord | None:
        record = await load_conference_record(info, "/".join(self.name.split("/")[:2]))
        return found(record, "Google Meet has no such conference record", Provider.GOOGLE_MEET)

    @strawberry.field(description="Each join-to-leave stay, most recent first.")
    async def sessions(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: ParticipantSessionFilter | None = None,
    ) -> Connection[ParticipantSession] | None:
        flt = filter.to_data() if filter else LiveFilter()
        meet = info.context.loaders.meet
        page = await meet.sessions_of(self.name, flt, ConnectionArgs(first, after))
        return Connection.build(page, ParticipantSession.from_wire)


@strawberry.federation.type(
    keys=["id", "name"], description="One stay of one participant, from a join to its leave (Meet)."
)
class ParticipantSession(Attendance, MeetEntity):
    name: str = strawberry.field(description="`…/participants/{id}/participantSessions/{id}`.")
    participant_name: strawberry.Private[str]

    @classmethod
    def from_wire(cls, wire: models.ParticipantSession) -> ParticipantSession:
        # displayName and userId are resolvers (they live on the participant), so they
        # are not constructor arguments at runtime; mypy's dataclass view disagrees.
        return cls(  # type: ignore[call-arg]
            id=encode_global_id("ParticipantSession", wire.name),
            provider=Provider.GOOGLE_MEET,
            join_time=wire.start_time,
            leave_time=wire.end_time,
            duration_seconds=duration_between(wire.start_time, wire.end_time),
            name=wire.name,
            participant_name=wire.participant,
        )

    # A resolver replaces the interface's plain attribute: the name lives on the participant.
    @strawberry.field(description="The participant's display name.")  # type: ignore[misc]
    async def display_name(self, info: Info) -> str | None:
        participant = await load_participant(info, self.participant_name)
        return participant.display_name if participant else None

    @strawberry.field(  # type: ignore[misc]
        description="`users/{id}` for signed-in users; null for anonymous and phone."
    )
    async def user_id(self, info: Info) -> str | None:
        participant = await load_participant(info, self.participant_name)
        return participant.user_id if participant else None

    @strawberry.field(description="Whose session this is.")
    async def participant(self, info: Info) -> Participant | None:
        participant = await load_participant(info, self.participant_name)
        return found(participant, "Google Meet has no such participant", Provider.GOOGLE_MEET)


load_participant = by_name("participant", Participant.from_wire)
load_session = by_name("participant session", ParticipantSession.from_wire)

register_node("Participant", load_participant)
register_node("ParticipantSession", load_session)

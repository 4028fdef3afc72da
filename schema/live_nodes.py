"""An event's `session` and `attendance` nodes: from the delivery's data, else the loaders.

Where the delivery carried the upstream object (Stream and RealtimeKit
payloads, a polled Vertex session), the node is built from it and the
subscriber's loaders are primed with it, so nested fields cost nothing (primed
when the event first needs loaders: an event that needs none builds none). Such
nodes are built once per event, not once per subscriber. Where
it carries only a name (Meet), the node is loaded by its key through the same
loaders `node(id:)` uses, with the subscriber's credentials.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resolvers.discovery import models as discovery
from resolvers.events import NodeRef, SessionEvent
from resolvers.loaders import Loaders
from resolvers.realtimekit import models as realtimekit
from resolvers.stream.ids import participant_key_of, session_key_of
from resolvers.stream.models import CallStatsSession, ParticipantRecord, ParticipantSessionDetails
from schema.calls import CallParticipantSession, CallSession
from schema.context import Info
from schema.conversations import Conversation
from schema.realtime import RealtimeParticipant, RealtimeSession
from schema.relay import resolve_node_key

__all__ = ["node_of"]

# A node built from the delivery's data, and how to prime a subscriber's loaders with it.
Built = tuple[Any, Callable[[Loaders], None]]
FromWire = Callable[[NodeRef, dict[str, Any]], Built]


def _call_session(ref: NodeRef, wire: dict[str, Any]) -> Built:
    session = CallStatsSession.model_validate(wire)
    key = session_key_of(ref.key)
    return CallSession.from_wire(session), lambda loaders: loaders.stream.call_session_by_key.prime(
        key, session
    )


def _call_participant(ref: NodeRef, wire: dict[str, Any]) -> Built:
    key = participant_key_of(ref.key)
    fields = dict(wire)
    name = fields.pop("display_name", None)
    record = ParticipantRecord(key.session, ParticipantSessionDetails.model_validate(fields), name)
    return CallParticipantSession.from_wire(
        record
    ), lambda loaders: loaders.stream.participant_by_key.prime(key, record)


def _realtime_session(ref: NodeRef, wire: dict[str, Any]) -> Built:
    session = realtimekit.Session.model_validate(wire)
    return RealtimeSession.from_wire(
        session
    ), lambda loaders: loaders.realtimekit.session_by_id.prime(session.id, session)


def _realtime_participant(ref: NodeRef, wire: dict[str, Any]) -> Built:
    session_id, _, _ = ref.key.partition("/")
    participant = realtimekit.Participant.model_validate(wire)
    key = (session_id, participant.id)
    node = RealtimeParticipant.from_wire(session_id, participant)
    return node, lambda loaders: loaders.realtimekit.participant_by_key.prime(key, participant)


def _conversation(ref: NodeRef, wire: dict[str, Any]) -> Built:
    session = discovery.Session.model_validate(wire)
    return Conversation.from_wire(session), lambda loaders: loaders.discovery.session_by_name.prime(
        session.name, session
    )


_FROM_WIRE: dict[str, FromWire] = {
    "CallSession": _call_session,
    "CallParticipantSession": _call_participant,
    "RealtimeSession": _realtime_session,
    "RealtimeParticipant": _realtime_participant,
    "Conversation": _conversation,
}


async def node_of(info: Info, event: SessionEvent, which: str) -> Any:
    """The event's `session` or `attendance` node: from the delivery's data, else loaded.

    A node built from data is built once per event and shared by every subscriber
    (it depends on nothing caller-specific); each subscriber's loaders are primed.
    """
    ref: NodeRef | None = getattr(event, which)
    if ref is None:
        return None
    wire: dict[str, Any] | None = getattr(event, f"{which}_wire")
    build = _FROM_WIRE.get(ref.type_name)
    if wire is None or build is None:
        return await resolve_node_key(info, ref.type_name, ref.key)
    built: Built | None = event.memo.get(which)
    if built is None:
        built = event.memo[which] = build(ref, wire)
    node, prime = built
    info.context.loaders.when_built(prime)
    return node

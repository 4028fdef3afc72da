"""`Subscription.sessionEvents`: upstream webhooks (and Vertex polling) as one typed stream.

The filter runs on the event's provider, kind and session id before the event
is queued for the subscriber, so nothing is fetched for an event it does not
want. Each event is then resolved with fresh loaders for the subscriber's own
credentials (as one request would be): `session` and `attendance` come from the
delivery's data where it carried them, else through the loaders.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Protocol

import strawberry

from resolvers.errors import Provider as ProviderValue
from resolvers.events import EventKind, NodeRef
from resolvers.events import SessionEvent as EventValue
from resolvers.timestamps import Instant
from schema.context import Info
from schema.interfaces import Attendance, Provider, Session
from schema.live_nodes import node_of
from schema.relay import decode_global_id

__all__ = ["TYPES", "EventSource", "LiveSubscription", "SessionEvent"]

strawberry.enum(EventKind, name="SessionEventKind", description="What happened in a session.")
SessionEventKind = EventKind


class EventStream(Protocol):
    def events(self) -> AsyncGenerator[EventValue, None]: ...


class EventSource(Protocol):
    """Where subscriptions come from (the app's fan-out of this replica)."""

    def subscribe(
        self, wants: Callable[[EventValue], bool], providers: frozenset[ProviderValue]
    ) -> EventStream: ...


@strawberry.input(description="Which events to receive; every given list must match.")
class SessionEventFilter:
    providers: list[Provider] | None = strawberry.field(
        default=None, description="Only events of these upstreams."
    )
    session_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only events of these sessions (their `Session.id`)."
    )
    kinds: list[SessionEventKind] | None = strawberry.field(
        default=None, description="Only these kinds of events."
    )

    def predicate(self) -> Callable[[EventValue], bool]:
        sessions = (
            {NodeRef(*decode_global_id(i)) for i in self.session_ids}
            if self.session_ids is not None
            else None
        )
        kinds = set(self.kinds) if self.kinds is not None else None

        def wants(event: EventValue) -> bool:
            if kinds is not None and event.kind not in kinds:
                return False
            return sessions is None or event.session in sessions

        return wants


@strawberry.type(description="Something that happened in a session, as its upstream reported it.")
class SessionEvent:
    id: strawberry.ID = strawberry.field(
        description="The upstream delivery id where there is one; each event is published once."
    )
    kind: SessionEventKind = strawberry.field(description="What happened.")
    provider: Provider = strawberry.field(description="The upstream that reported it.")
    occurred_at: Instant = strawberry.field(description="When it happened, by the upstream.")
    event: strawberry.Private[EventValue]

    @strawberry.field(description="The session it belongs to (`sessionIds` filters on its id).")
    async def session(self, info: Info) -> Session | None:
        return await node_of(info, self.event, "session")  # type: ignore[no-any-return]

    @strawberry.field(description="The participant's attendance, for PARTICIPANT_* events.")
    async def attendance(self, info: Info) -> Attendance | None:
        return await node_of(info, self.event, "attendance")  # type: ignore[no-any-return]

    @classmethod
    def from_value(cls, event: EventValue) -> SessionEvent:
        return cls(
            id=strawberry.ID(event.id),
            kind=event.kind,
            provider=event.provider,
            occurred_at=event.occurred_at,
            event=event,
        )


def _authorization(info: Info) -> str | None:
    params = info.context.connection_params or {}
    sent = params.get("Authorization") or params.get("authorization")
    return sent if isinstance(sent, str) else info.context.authorization


@strawberry.type(name="Subscription")
class LiveSubscription:
    @strawberry.subscription(
        description="Sessions starting and ending, participants joining and leaving, live. "
        "Stream, RealtimeKit and Meet push them; Vertex AI Search is polled while subscribed."
    )
    async def session_events(
        self, info: Info, filter: SessionEventFilter | None = None
    ) -> AsyncGenerator[SessionEvent, None]:
        flt = filter or SessionEventFilter()
        providers = frozenset(flt.providers if flt.providers is not None else ProviderValue)
        wants = flt.predicate()
        context = info.context
        if context.events is None or context.loaders_for is None:
            return
        authorization = _authorization(info)
        source: EventSource = context.events
        # aclosing: the subscriber leaves the fan-out the moment the client goes away,
        # not whenever the garbage collector finalises the inner generator.
        async with aclosing(source.subscribe(wants, providers).events()) as events:
            async for event in events:
                # Fresh loaders per event: nothing fetched for one event is served stale.
                context.loaders = context.loaders_for(authorization)
                yield SessionEvent.from_value(event)


TYPES: list[type] = [SessionEvent]

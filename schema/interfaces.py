"""The cross-provider interfaces: `Session` and `Attendance` (see schema/schema.graphql)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from resolvers.errors import Provider as ProviderValue
from resolvers.timestamps import Instant
from schema.relay import Node

__all__ = [
    "Attendance",
    "Provider",
    "Session",
    "duration_between",
    "register_session_type",
    "session_node",
]

# Registering the data layer's enum keeps one definition of the provider values.
strawberry.enum(ProviderValue, name="Provider", description="The upstream an object comes from.")
Provider = ProviderValue


@strawberry.interface(
    description="Something that starts and ends: a conference, a conversation, a realtime "
    "session, a call session."
)
class Session(Node):
    provider: Provider = strawberry.field(description="The upstream this session comes from.")
    start_time: Instant | None = strawberry.field(description="When it started.")
    end_time: Instant | None = strawberry.field(description="When it ended; null while live.")
    duration_seconds: float | None = strawberry.field(
        description="Seconds from start to end; null while it is still going on."
    )
    is_live: bool = strawberry.field(description="True while it is still going on.")


@strawberry.interface(description="One stay of one participant: from a join to the matching leave.")
class Attendance(Node):
    provider: Provider = strawberry.field(description="The upstream this attendance comes from.")
    display_name: str | None = strawberry.field(description="The participant's display name.")
    user_id: str | None = strawberry.field(description="The upstream's stable user id.")
    join_time: Instant | None = strawberry.field(description="When the participant joined.")
    leave_time: Instant | None = strawberry.field(
        description="When the participant left; null while still present."
    )
    duration_seconds: float | None = strawberry.field(description="Seconds present.")


def duration_between(start: Instant | None, end: Instant | None) -> float | None:
    """Seconds from start to end, or None while either is unknown."""
    if start is None or end is None:
        return None
    return start.seconds_until(end)


_SESSION_TYPES: dict[ProviderValue, Callable[[Any], Session]] = {}


def register_session_type(provider: ProviderValue, from_wire: Callable[[Any], Session]) -> None:
    """Let the merged timeline show `provider`'s timeline items as `from_wire` makes them."""
    _SESSION_TYPES[provider] = from_wire


def session_node(provider: ProviderValue, wire: Any) -> Session:
    """A timeline item of `provider` as its `Session` type."""
    return _SESSION_TYPES[provider](wire)

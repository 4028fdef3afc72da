"""Vertex AI Search conversational sessions: `Conversation`, its turns, root fields, mutations."""

from __future__ import annotations

from enum import Enum

import strawberry

from resolvers.discovery import (
    NewSession,
    SessionFilter,
    create_session,
    delete_session,
    models,
    update_session,
)
from resolvers.errors import Provider, found
from resolvers.paging import ConnectionArgs
from resolvers.timestamps import Instant
from schema.context import Info
from schema.interfaces import Session, duration_between, register_session_type
from schema.mutations import MutationError, attempt
from schema.relay import Connection, encode_global_id, key_of_reference, register_node
from schema.scalars import JSON

__all__ = ["MUTATIONS", "QUERIES", "TYPES"]


@strawberry.type(description="What the user asked in one turn.")
class TurnQuery:
    query_id: str | None = strawberry.field(description="Unique id of the query.")
    text: str | None = strawberry.field(description="The plain-text query.")


@strawberry.type(description="One question-and-answer exchange of a conversation.")
class Turn:
    query: TurnQuery | None = strawberry.field(
        description="The query; null when the turn only regenerated another turn's answer."
    )
    answer: str | None = strawberry.field(
        description="Resource name of the answer, when one was generated in this turn."
    )
    query_config: JSON | None = strawberry.field(
        description="Query-config metadata (model, version, parameters) as a string map."
    )
    conversation_name: strawberry.Private[str]
    index: strawberry.Private[int]

    @classmethod
    def from_wire(cls, conversation: str, index: int, wire: models.Turn) -> Turn:
        query = wire.query
        return cls(
            query=TurnQuery(query_id=query.query_id, text=query.text) if query else None,
            answer=wire.answer,
            # ProtoJSON omits an empty map; null says "no metadata" more plainly than {}.
            query_config=JSON(wire.query_config) if wire.query_config else None,
            conversation_name=conversation,
            index=index,
        )

    @strawberry.field(
        description="The full Answer resource (text, citations, references, grounding). "
        "Fetched only when selected: one extra upstream read per conversation."
    )
    async def detailed_answer(self, info: Info) -> JSON | None:
        turn = await self._detailed(info)
        return JSON(turn.detailed_answer) if turn and turn.detailed_answer else None

    @strawberry.field(description="The assistant answer of assistant sessions, fetched likewise.")
    async def detailed_assist_answer(self, info: Info) -> JSON | None:
        turn = await self._detailed(info)
        return JSON(turn.detailed_assist_answer) if turn and turn.detailed_assist_answer else None

    async def _detailed(self, info: Info) -> models.Turn | None:
        loader = info.context.loaders.discovery.session_with_details_by_name
        session = await loader.load(self.conversation_name)
        if session is None:
            return None
        query_id = self.query.query_id if self.query else None
        if query_id:  # match by id: turns may have changed between the two reads
            return next(
                (t for t in session.turns if t.query and t.query.query_id == query_id), None
            )
        return session.turns[self.index] if self.index < len(session.turns) else None


@strawberry.federation.type(
    keys=["id", "name"], description="A conversational search session (Vertex AI Search)."
)
class Conversation(Session):
    name: str = strawberry.field(description="`{parent}/sessions/{session}`.")
    parent: str = strawberry.field(description="The engine or data store it belongs to.")
    display_name: str | None = strawberry.field(
        description="Shown in the UI; by default the first turn's query text."
    )
    state: str | None = strawberry.field(description="IN_PROGRESS while open.")
    user_pseudo_id: str | None = strawberry.field(description="The user it belongs to.")
    labels: list[str] = strawberry.field(description="Labels, usable as a filter.")
    is_pinned: bool = strawberry.field(description="Pinned conversations list first in UIs.")
    turns: list[Turn] = strawberry.field(description="The turns, in order.")
    turn_count: int = strawberry.field(description="How many turns it has.")

    @classmethod
    def from_wire(cls, wire: models.Session) -> Conversation:
        return cls(
            id=encode_global_id("Conversation", wire.name),
            provider=Provider.VERTEX_AI_SEARCH,
            start_time=wire.start_time,
            end_time=wire.end_time,
            duration_seconds=duration_between(wire.start_time, wire.end_time),
            is_live=wire.end_time is None,
            name=wire.name,
            parent=wire.parent,
            display_name=wire.display_name,
            state=wire.state,
            user_pseudo_id=wire.user_pseudo_id,
            labels=list(wire.labels),
            is_pinned=wire.is_pinned,
            turns=[Turn.from_wire(wire.name, i, turn) for i, turn in enumerate(wire.turns)],
            turn_count=len(wire.turns),
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info, id: strawberry.ID | None = None, name: str | None = None
    ) -> Conversation | None:
        if name:
            return await load_conversation(info, name)
        key = key_of_reference("Conversation", id)
        return await load_conversation(info, key, field="id") if key else None


async def load_conversation(info: Info, name: str, *, field: str = "name") -> Conversation | None:
    """A conversation through the by-name loader (None when the upstream has none)."""
    wire = await info.context.loaders.discovery.session(name, field=field)
    return Conversation.from_wire(wire) if wire else None


async def _conversation_node(info: Info, key: str) -> Conversation | None:
    return await load_conversation(info, key, field="id")


register_node("Conversation", _conversation_node)
register_session_type(Provider.VERTEX_AI_SEARCH, Conversation.from_wire)


@strawberry.enum(description="What conversations can be ordered by.")
class ConversationOrderField(Enum):
    UPDATE_TIME = "update_time"
    CREATE_TIME = "create_time"
    NAME = "session_name"
    IS_PINNED = "is_pinned"


@strawberry.enum(description="Ascending or descending.")
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="One ordering key; earlier keys take precedence.")
class ConversationOrder:
    field: ConversationOrderField = strawberry.field(description="The key.")
    direction: OrderDirection = strawberry.field(description="Its direction.")


@strawberry.input(
    description="Narrows conversations. Every value is matched literally (quoted for the "
    "upstream), all given conditions must hold, and time bounds are inclusive."
)
class ConversationFilter:
    user_pseudo_id: str | None = strawberry.field(default=None, description="Exactly this user.")
    display_name: str | None = strawberry.field(default=None, description="Exactly this name.")
    labels: list[str] | None = strawberry.field(default=None, description="Has every label.")
    is_pinned: bool | None = strawberry.field(default=None, description="Pinned or not.")
    created_after: Instant | None = strawberry.field(default=None, description="At or after.")
    created_before: Instant | None = strawberry.field(default=None, description="At or before.")
    updated_after: Instant | None = strawberry.field(default=None, description="At or after.")
    updated_before: Instant | None = strawberry.field(default=None, description="At or before.")

    def to_data(self) -> SessionFilter:
        return SessionFilter(
            user_pseudo_id=self.user_pseudo_id,
            display_name=self.display_name,
            labels=tuple(self.labels or ()),
            is_pinned=self.is_pinned,
            created_after=self.created_after,
            created_before=self.created_before,
            updated_after=self.updated_after,
            updated_before=self.updated_before,
        )


@strawberry.type
class ConversationsQuery:
    @strawberry.field(description="One conversation by name (`{parent}/sessions/{session}`).")
    async def conversation(self, info: Info, name: str) -> Conversation | None:
        conversation = await load_conversation(info, name)
        return found(conversation, "No conversation with this name", Provider.VERTEX_AI_SEARCH)

    @strawberry.field(
        description="Conversations under `parent` (default: the configured engine), most "
        "recently updated first unless `orderBy` says otherwise. Forward paging only."
    )
    async def conversations(
        self,
        info: Info,
        *,
        parent: str | None = None,
        first: int | None = None,
        after: str | None = None,
        filter: ConversationFilter | None = None,
        order_by: list[ConversationOrder] | None = None,
    ) -> Connection[Conversation] | None:
        flt = filter.to_data() if filter else SessionFilter()
        order = [
            (item.field.value, item.direction is OrderDirection.DESC) for item in order_by or []
        ]
        page = await info.context.loaders.discovery.conversations(
            parent, flt, order, ConnectionArgs(first=first, after=after)
        )
        return Connection[Conversation].build(page, Conversation.from_wire)


@strawberry.input(description="A new conversation; the server assigns the name.")
class CreateConversationInput:
    parent: str | None = strawberry.field(
        default=None, description="Engine or data store; default: the configured engine."
    )
    display_name: str | None = strawberry.field(default=None, description="Shown in the UI.")
    user_pseudo_id: str | None = strawberry.field(default=None, description="Its user.")
    labels: list[str] | None = strawberry.field(default=None, description="Initial labels.")
    is_pinned: bool | None = strawberry.field(default=None, description="Pin it at once.")
    session_id: str | None = strawberry.field(
        default=None,
        description="Choose the last name segment (2-63 of a-z, 0-9, '-'); default: generated.",
    )


@strawberry.input(description="Changes to a conversation: only the fields given change.")
class UpdateConversationInput:
    name: str = strawberry.field(description="The conversation to change.")
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="New display name; null clears it."
    )
    labels: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces all labels; null or [] clears them."
    )
    is_pinned: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Pin or unpin; null unpins."
    )

    def changes(self) -> dict[str, object]:
        """The upstream mask paths given, with their values (UNSET fields are left out)."""
        given = {
            "displayName": self.display_name,
            "labels": self.labels,
            "isPinned": self.is_pinned,
        }
        return {path: value for path, value in given.items() if value is not strawberry.UNSET}


@strawberry.type(description="The result of creating or updating a conversation.")
class ConversationPayload:
    conversation: Conversation | None = strawberry.field(
        description="The conversation as stored after the change; null on failure."
    )
    errors: list[MutationError] = strawberry.field(
        description="Expected failures; empty on success."
    )


@strawberry.type(description="The result of deleting a conversation.")
class DeleteConversationPayload:
    deleted_name: str | None = strawberry.field(description="The name deleted; null on failure.")
    errors: list[MutationError] = strawberry.field(
        description="Expected failures; empty on success."
    )


def _payload(wire: models.Session | None, errors: list[MutationError]) -> ConversationPayload:
    return ConversationPayload(
        conversation=Conversation.from_wire(wire) if wire else None, errors=errors
    )


@strawberry.type
class ConversationsMutation:
    @strawberry.mutation(description="Create a conversation (Vertex AI Search session).")
    async def create_conversation(
        self, info: Info, input: CreateConversationInput
    ) -> ConversationPayload:
        new = NewSession(
            parent=input.parent,
            display_name=input.display_name,
            user_pseudo_id=input.user_pseudo_id,
            labels=input.labels,
            is_pinned=input.is_pinned,
            session_id=input.session_id,
        )
        return _payload(*await attempt(create_session(info.context.loaders.discovery, new)))

    @strawberry.mutation(
        description="Change a conversation: the update mask names exactly the fields given. "
        "Pin or unpin with `isPinned`."
    )
    async def update_conversation(
        self, info: Info, input: UpdateConversationInput
    ) -> ConversationPayload:
        loaders = info.context.loaders.discovery
        return _payload(*await attempt(update_session(loaders, input.name, input.changes())))

    @strawberry.mutation(description="Delete a conversation.")
    async def delete_conversation(self, info: Info, name: str) -> DeleteConversationPayload:
        _, errors = await attempt(delete_session(info.context.loaders.discovery, name))
        return DeleteConversationPayload(deleted_name=None if errors else name, errors=errors)


QUERIES: list[type] = [ConversationsQuery]
MUTATIONS: list[type] = [ConversationsMutation]
TYPES: list[type] = [Conversation, Turn, TurnQuery]

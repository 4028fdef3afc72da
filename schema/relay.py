"""Relay plumbing: the `Node` interface, global ids, `node`/`nodes`, and connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.errors import bad_input, not_found
from resolvers.paging import ConnectionSlice
from schema.context import Info

__all__ = [
    "Connection",
    "Edge",
    "Node",
    "NodeQuery",
    "PageInfo",
    "decode_global_id",
    "encode_global_id",
    "key_of_reference",
    "register_node",
    "resolve_node_key",
]

NodeT = TypeVar("NodeT")
W = TypeVar("W")


@strawberry.interface(description="An object with a globally unique, opaque id (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id; pass it to `node(id:)`.")


def encode_global_id(type_name: str, key: str) -> strawberry.ID:
    """`base64url("Type:key")`: opaque to clients, reversible by the gateway."""
    raw = f"{type_name}:{key}".encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii"))


def decode_global_id(global_id: str) -> tuple[str, str]:
    """(type name, key) or BAD_USER_INPUT."""
    invalid = bad_input("`id` is not a valid sessiongraph id", field="id")
    if not global_id or len(global_id) > 2048:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise invalid from exc
    type_name, sep, key = raw.partition(":")
    if not sep or not key or type_name not in _NODE_RESOLVERS:
        raise invalid
    return type_name, key


def key_of_reference(type_name: str, global_id: str | None) -> str | None:
    """The one federation-id decoder: the key inside `global_id` when it is an id of
    `type_name`, None when no id was given or it names another type."""
    if not global_id:
        return None
    decoded_type, key = decode_global_id(str(global_id))
    return key if decoded_type == type_name else None


NodeResolver = Callable[[Info, str], Awaitable[Any]]
_NODE_RESOLVERS: dict[str, NodeResolver] = {}


def register_node(type_name: str, resolver: NodeResolver) -> None:
    """Let `node(id:)` resolve ids of `type_name` through `resolver` (which uses loaders)."""
    _NODE_RESOLVERS[type_name] = resolver


async def resolve_node_key(info: Info, type_name: str, key: str) -> Any:
    """The object of a registered type by its key (None when the upstream has none)."""
    return await _NODE_RESOLVERS[type_name](info, key)


async def resolve_global_id(info: Info, global_id: str) -> Any:
    type_name, key = decode_global_id(global_id)
    found = await _NODE_RESOLVERS[type_name](info, key)
    if found is None:
        raise not_found(f"No {type_name} with this id")
    return found


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Fetch any object by its global id (Relay).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_global_id(info, id)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Fetch many objects by global id, in order; a bad id gives null plus an error."
    )
    def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > info.context.max_ids:
            raise bad_input(f"`ids` takes at most {info.context.max_ids} ids", field="ids")
        # Each item is its own awaitable so one bad id fails only its own list entry,
        # and all of them run concurrently (and batch in the loaders).
        return [resolve_global_id(info, node_id) for node_id in ids]  # type: ignore[misc]


@strawberry.federation.type(shareable=True, description="Where a page sits in its connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More edges follow `endCursor`.")
    has_previous_page: bool = strawberry.field(description="More edges precede `startCursor`.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="An edge: a node and the cursor that points at it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque, signed position of this edge.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A Relay cursor connection over an upstream listing.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The page, in upstream order.")
    page_info: PageInfo = strawberry.field(description="Paging state of this page.")
    total_count: int | None = strawberry.field(
        description="The upstream's total, where it reports one; otherwise null."
    )

    @strawberry.field(description="The nodes of `edges`, for clients that skip cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @classmethod
    def build(cls, page: ConnectionSlice[W], to_node: Callable[[W], NodeT]) -> Connection[NodeT]:
        return cls(
            edges=[_EdgeOfSlice(to_node(item), page, i) for i, item in enumerate(page.items)],
            page_info=_PageInfoOfSlice(page),
            total_count=page.total_count,
        )


# The runtime shapes of `Edge` and `PageInfo` for a page the gateway built: their
# cursors are signed when the executor reads them (graphql-core reads attributes;
# these types have no `is_type_of`), so a query that selects no cursor signs none.


class _EdgeOfSlice(Edge[NodeT]):
    def __init__(self, node: NodeT, page: ConnectionSlice[Any], index: int) -> None:
        self.node = node
        self._page = page
        self._index = index

    @property
    def cursor(self) -> str:  # type: ignore[override]
        return self._page.cursor_at(self._index)


class _PageInfoOfSlice(PageInfo):
    def __init__(self, page: ConnectionSlice[Any]) -> None:
        self.has_next_page = page.has_next_page
        self.has_previous_page = page.has_previous_page
        self._page = page

    @property
    def start_cursor(self) -> str | None:  # type: ignore[override]
        return self._page.start_cursor

    @property
    def end_cursor(self) -> str | None:  # type: ignore[override]
        return self._page.end_cursor

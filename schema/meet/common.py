"""Helpers shared by the Meet types: connections over Meet listings and id handling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from resolvers.cursors import scope_of
from resolvers.dataloader import Loader
from resolvers.meet.loaders import MeetLoaders
from resolvers.meet.names import check_name
from resolvers.paging import ConnectionArgs
from schema.context import Info
from schema.relay import Connection, decode_global_id, resolve_node_key

__all__ = ["MeetEntity", "by_name", "key_from_reference", "meet_connection"]

T = TypeVar("T")
W = TypeVar("W")


async def meet_connection(
    info: Info,
    *,
    listing: str,
    parent: str | None,
    filter_: str,
    first: int | None,
    after: str | None,
    to_node: Callable[[Any], T],
) -> Connection[T]:
    """A Relay connection over one Meet listing (forward only: Meet pages by token)."""
    loaders = info.context.loaders.meet
    page = await info.context.paging.run(
        loaders.pager(listing, parent, filter_),
        ConnectionArgs(first=first, after=after),
        scope=scope_of("meet", listing, parent, filter_),
    )
    return Connection.build(page, to_node)


def key_from_reference(type_name: str, id_: strawberry.ID | None, name: str | None) -> str | None:
    """The resource name from a federation representation keyed by `id` or `name`."""
    if name:
        return name
    if id_:
        decoded_type, key = decode_global_id(id_)
        return key if decoded_type == type_name else None
    return None


def by_name(
    kind: str,
    pick: Callable[[MeetLoaders], Loader[str, W | None]],
    to_node: Callable[[W], T],
) -> Callable[[Info, str], Awaitable[T | None]]:
    """A loader-backed lookup of one Meet type by resource name (validated first)."""

    async def load(info: Info, name: str) -> T | None:
        wire = await pick(info.context.loaders.meet).load(check_name(kind, name, field="id"))
        return to_node(wire) if wire is not None else None

    return load


class MeetEntity:
    """Federation entities keyed by `id` or by resource `name`.

    `_entities` resolves them like `node(id:)` does, through the registered
    by-name lookup, so a batch of representations is one loader batch.
    """

    @classmethod
    async def resolve_reference(
        cls,
        info: Info,
        id: strawberry.ID | None = None,
        name: str | None = None,
    ) -> object | None:
        key = key_from_reference(cls.__name__, id, name)
        return await resolve_node_key(info, cls.__name__, key) if key else None

"""Helpers shared by the Meet types: connections over Meet listings and id handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from resolvers.cursors import scope_of
from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.paging import ConnectionArgs
from schema.context import Info
from schema.relay import Connection, decode_global_id

__all__ = ["key_from_reference", "meet_connection", "require"]

T = TypeVar("T")


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


def require(value: T | None, what: str) -> T:
    """A root field's object, or NOT_FOUND (the field is then null with that error).

    Loaders turn Meet's 404 into None, so None here means Meet answered 404.
    """
    if value is None:
        raise GatewayError(
            ErrorCode.NOT_FOUND,
            f"Google Meet has no {what} with this name",
            provider=Provider.GOOGLE_MEET,
            upstream_status=404,
        )
    return value


def key_from_reference(type_name: str, id_: strawberry.ID | None, name: str | None) -> str | None:
    """The resource name from a federation representation keyed by `id` or `name`."""
    if name:
        return name
    if id_:
        decoded_type, key = decode_global_id(id_)
        return key if decoded_type == type_name else None
    return None

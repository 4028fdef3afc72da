"""Helpers shared by the Meet types: lookups by resource name and federation keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from schema.context import Info
from schema.relay import key_of_reference, resolve_node_key

__all__ = ["MeetEntity", "by_name"]

T = TypeVar("T")
W = TypeVar("W")


def by_name(kind: str, to_node: Callable[[W], T]) -> Callable[[Info, str], Awaitable[T | None]]:
    """A loader-backed lookup of one Meet type by resource name (validated first)."""

    async def load(info: Info, name: str) -> T | None:
        wire = await info.context.loaders.meet.get(kind, name)
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
        key = name or key_of_reference(cls.__name__, id)
        return await resolve_node_key(info, cls.__name__, key) if key else None

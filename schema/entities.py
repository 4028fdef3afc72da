"""Federation `_entities`: representations are client input, so they are checked first.

Strawberry's resolver indexes its type map with `__typename` and calls
`resolve_reference` with whatever keys came along. A representation that is
not an object, names no entity type, carries fields that are not one of the
type's `@key` field sets, or a key value that is not a string (an operator
object such as `{"$ne": 1}`) gets BAD_USER_INPUT at its own index; the
others resolve as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resolvers.errors import GatewayError, bad_input

__all__ = ["representation_error"]


def representation_error(type_map: Mapping[str, Any], representation: Any) -> GatewayError | None:
    """Why `representation` cannot be resolved, or None when it can be tried."""
    if not isinstance(representation, dict):
        return bad_input("Each representation must be an object", field="representations")
    type_name = representation.get("__typename")
    if not isinstance(type_name, str):
        return bad_input("A representation needs a `__typename` string", field="representations")
    concrete = type_map.get(type_name)
    origin = getattr(getattr(concrete, "definition", None), "origin", None)
    if origin is None or not hasattr(origin, "resolve_reference"):
        return bad_input(f"`{type_name[:64]}` is not an entity type", field="representations")
    given = {k for k in representation if k != "__typename"}
    keys = _keys_of(getattr(concrete, "definition", None))
    if not any(key <= given for key in keys) or not given <= set().union(*keys):
        shown = " or ".join("(" + ", ".join(sorted(key)) + ")" for key in keys)
        return bad_input(
            f"A `{type_name}` representation carries exactly the fields of a key: {shown}",
            field="representations",
        )
    for key in given:
        if not isinstance(representation[key], str):
            return bad_input(
                f"The representation key `{key}` must be a string", field="representations"
            )
    return None


def _keys_of(definition: Any) -> list[frozenset[str]]:
    """The field sets of the type's `@key` directives."""
    return [
        frozenset(str(d.fields).split())
        for d in getattr(definition, "directives", None) or ()
        if type(d).__name__ == "Key"
    ]

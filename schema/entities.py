"""Federation `_entities`: representations are client input, so they are checked first.

Strawberry's resolver indexes its type map with `__typename` and calls
`resolve_reference` with whatever keys came along. A representation that is
not an object, names no entity type, or carries a non-scalar key value (an
operator object such as `{"$ne": 1}`) gets BAD_USER_INPUT at its own index;
the others resolve as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resolvers.errors import GatewayError, bad_input

__all__ = ["representation_error"]

_SCALARS = (str, int, float, bool, type(None))


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
    for key, value in representation.items():
        if not isinstance(value, _SCALARS):
            return bad_input(
                f"The representation key `{str(key)[:64]}` must be a string or a number",
                field="representations",
            )
    return None

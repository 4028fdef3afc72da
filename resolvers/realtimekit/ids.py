"""Checks on ids that go into RealtimeKit paths, before any call is made.

Session, participant and peer ids are UUIDs (docs/upstreams/), but the gateway treats ids as
opaque (V1 meetings use room names): any id of letters, digits, `-` and `_` is
passed on (and percent-encoded by `path_of` regardless). Anything else — `../`,
`?`, `#`, `/`, spaces — is a client error, not an upstream call.
"""

from __future__ import annotations

import re

from resolvers.errors import bad_input

__all__ = ["check_id"]

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def check_id(what: str, value: str, *, field: str = "id") -> str:
    """`value` if it is a safe RealtimeKit id, else BAD_USER_INPUT naming `field`."""
    if _SAFE_ID.fullmatch(value) is None:
        raise bad_input(
            f"`{field}` is not a valid RealtimeKit {what} id: use letters, digits, '-' and '_' "
            "(RealtimeKit ids are UUIDs)",
            field=field,
        )
    return value

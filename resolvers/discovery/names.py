"""Validation of Discovery Engine parents, session names and session ids.

Names must match one of the three documented patterns (docs/upstreams/discovery.md) with
URL-safe ids. Anything else — `..`, `?`, `#`, `%`, whitespace, an extra or a
missing segment — is BAD_USER_INPUT before any upstream call, so no input can
steer a request to another path.
"""

from __future__ import annotations

import re

from resolvers.errors import bad_input

__all__ = ["check_parent", "check_session_id", "check_session_name", "parent_of", "segments"]

_ID = r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}"
_PARENT = (
    rf"projects/{_ID}/locations/{_ID}/"
    rf"(?:dataStores/{_ID}|collections/{_ID}/dataStores/{_ID}|collections/{_ID}/engines/{_ID})"
)
_PARENT_RE = re.compile(_PARENT)
_NAME_RE = re.compile(rf"{_PARENT}/sessions/{_ID}")
# Caller-chosen ids (create's `sessionId`), as documented.
_SESSION_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,61}[a-z0-9]")
_PARENT_HELP = (
    "projects/{project}/locations/{location}/collections/{collection}/engines/{engine} "
    "(or …/dataStores/{dataStore}, with or without collections/{collection})"
)


def check_parent(parent: str, *, field: str = "parent") -> str:
    """`parent` if it is a documented session parent, else BAD_USER_INPUT."""
    if len(parent) <= 1024 and _PARENT_RE.fullmatch(parent):
        return parent
    raise bad_input(f"`{field}` must be a Discovery Engine parent like {_PARENT_HELP}", field=field)


def check_session_name(name: str, *, field: str = "name") -> str:
    """`name` if it is a well-formed session name, else BAD_USER_INPUT."""
    if len(name) <= 1100 and _NAME_RE.fullmatch(name):
        return name
    raise bad_input(
        f"`{field}` must be a session name like {{parent}}/sessions/{{session}}, "
        f"where the parent is {_PARENT_HELP}",
        field=field,
    )


def check_session_id(session_id: str, *, field: str = "sessionId") -> str:
    if _SESSION_ID_RE.fullmatch(session_id):
        return session_id
    raise bad_input(
        f"`{field}` must be 2-63 characters of a-z, 0-9 and '-', "
        "starting and ending with a letter or digit",
        field=field,
    )


def parent_of(name: str) -> str:
    """The parent of a (validated) session name."""
    return name.rsplit("/sessions/", 1)[0]


def segments(name: str) -> list[str]:
    """The path segments of a validated name (each is percent-encoded by `path_of`)."""
    return name.split("/")

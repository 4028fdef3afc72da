"""Reading Session request bodies and update masks the way the ProtoJSON front end does.

Field names are accepted in lowerCamelCase and in their proto (snake_case) form,
as ProtoJSON parsers do; unknown names are 400 INVALID_ARGUMENT. OUTPUT_ONLY
fields (`name`, `startTime`, `endTime`, `queryId`, `detailedAnswer`, …) are
silently ignored in bodies (docs/upstreams/discovery.md, "Methods").
"""

from __future__ import annotations

import re
from typing import Any

from app.emulators.discovery.store import StoredSession, StoredTurn
from app.emulators.google import GoogleApiError

__all__ = ["SESSION_ID", "UPDATABLE", "apply_fields", "read_mask", "read_session"]

SESSION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,61}[a-z0-9]")
UPDATABLE = ("displayName", "labels", "isPinned", "state", "userPseudoId", "turns")
_OUTPUT_ONLY = {"name", "startTime", "endTime", "pendingAsyncAssistOperationId"}
_STATES = {"STATE_UNSPECIFIED", "IN_PROGRESS"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _unknown(name: str) -> GoogleApiError:
    return GoogleApiError(400, f'Invalid JSON payload received. Unknown name "{name}".')


def _typed(name: str, value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is str and isinstance(value, bool)):
        raise GoogleApiError(400, f'Invalid value at "session.{name}".')
    return value


def _turn(raw: Any) -> StoredTurn:
    if not isinstance(raw, dict):
        raise GoogleApiError(400, 'Invalid value at "session.turns".')
    turn = StoredTurn()
    for key, value in raw.items():
        name = _camel(key)
        if name == "query":
            query = _typed("turns.query", value, dict)
            text = query.get("text")
            turn.text = None if text is None else _typed("turns.query.text", text, str)
        elif name == "answer":
            turn.answer = _typed("turns.answer", value, str)
        elif name == "queryConfig":
            config = _typed("turns.queryConfig", value, dict)
            turn.query_config = {k: _typed("turns.queryConfig", v, str) for k, v in config.items()}
        elif name not in {"detailedAnswer", "detailedAssistAnswer"}:
            raise _unknown(f"turns.{key}")
    return turn


def read_session(body: Any) -> dict[str, Any]:
    """The writable fields present in a Session body, by camelCase name, type-checked."""
    if not isinstance(body, dict):
        raise GoogleApiError(400, "Invalid JSON payload received: expected a Session object.")
    fields: dict[str, Any] = {}
    for key, value in body.items():
        name = _camel(key)
        if name in _OUTPUT_ONLY:
            continue
        if name in {"displayName", "userPseudoId"}:
            fields[name] = _typed(name, value, str)
        elif name == "state":
            if value not in _STATES:
                raise GoogleApiError(400, f'Invalid value at "session.state": {value!r}.')
            fields[name] = value
        elif name == "isPinned":
            fields[name] = _typed(name, value, bool)
        elif name == "labels":
            fields[name] = [_typed(name, label, str) for label in _typed(name, value, list)]
        elif name == "turns":
            fields[name] = [_turn(turn) for turn in _typed(name, value, list)]
        else:
            raise _unknown(key)
    return fields


def read_mask(raw: str | None) -> tuple[str, ...]:
    """The paths to update. Empty or absent: all supported fields (docs/upstreams/discovery.md)."""
    if raw is None or not raw.strip():
        return UPDATABLE
    paths: list[str] = []
    for item in raw.split(","):
        path = _camel(item.strip())
        if path == "name":
            raise GoogleApiError(400, "Session.name cannot be updated.")
        if path in _OUTPUT_ONLY:
            continue  # an OUTPUT_ONLY field is ignored, as in the body
        if path not in UPDATABLE:
            raise GoogleApiError(400, f"Invalid update_mask path {item.strip()!r}.")
        paths.append(path)
    return tuple(paths)


def apply_fields(session: StoredSession, fields: dict[str, Any], paths: tuple[str, ...]) -> None:
    """Copy each masked field from the body; a masked field absent from it is reset."""
    defaults = StoredSession(name="", parent="")
    for path in paths:
        value = fields.get(path)
        if path == "displayName":
            session.display_name = value if value is not None else defaults.display_name
        elif path == "userPseudoId":
            session.user_pseudo_id = value if value is not None else defaults.user_pseudo_id
        elif path == "state":
            # IN_PROGRESS is the only open state; an unset state stays open.
            session.state = "IN_PROGRESS" if value in (None, "STATE_UNSPECIFIED") else value
        elif path == "isPinned":
            session.is_pinned = bool(value)
        elif path == "labels":
            session.labels = list(value or [])
        elif path == "turns":
            session.turns = list(value or [])

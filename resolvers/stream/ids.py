"""Call and session identifiers, validated before they reach a URL or a filter.

Stream limits `type`/`id` to 64 characters; the gateway also refuses anything
that could change a request's path or query (`/`, `..`, `?`, `#`, `%`,
whitespace, control characters) with BAD_USER_INPUT, before any upstream call.
`:` is refused in call types because a call's cid is `"<type>:<id>"`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

from resolvers.errors import bad_input
from resolvers.http import path_of

__all__ = [
    "ParticipantKey",
    "SessionKey",
    "check_segment",
    "key_text",
    "participant_key_of",
    "session_key",
    "session_key_of",
]

_MAX = 64
_UNSAFE = re.compile(r"[/?#%\s\x00-\x1f\x7f]|\.\.")


def check_segment(value: str, field: str, *, extra: str = "") -> str:
    """`value` if it is a safe path segment, else BAD_USER_INPUT naming `field`."""
    if not value:
        raise bad_input(f"`{field}` must not be empty", field=field)
    if len(value) > _MAX:
        raise bad_input(f"`{field}` must be at most {_MAX} characters", field=field)
    if value == "." or _UNSAFE.search(value) or any(ch in value for ch in extra):
        raise bad_input(
            f"`{field}` must not be '.' nor contain '/', '..', '?', '#', '%', whitespace"
            + (f" or {extra!r}" if extra else ""),
            field=field,
        )
    return value


@dataclass(frozen=True, order=True)
class SessionKey:
    """One call session: (call type, call id, call session id)."""

    call_type: str
    call_id: str
    session_id: str

    @property
    def cid(self) -> str:
        return f"{self.call_type}:{self.call_id}"

    def path(self, *rest: str) -> str:
        """`/call/{type}/{id}/session/{session}/…`, every segment percent-encoded."""
        return path_of("call", self.call_type, self.call_id, "session", self.session_id, *rest)


@dataclass(frozen=True)
class ParticipantKey:
    """One participant session: its call session, user and user session."""

    session: SessionKey
    user_id: str
    user_session_id: str


def session_key(call_type: str, call_id: str, session_id: str) -> SessionKey:
    return SessionKey(
        check_segment(call_type, "callType", extra=":"),
        check_segment(call_id, "callId"),
        check_segment(session_id, "sessionId"),
    )


def key_text(key: SessionKey | ParticipantKey) -> str:
    """The key inside a global id: a JSON array, so no separator can be ambiguous."""
    if isinstance(key, SessionKey):
        parts = [key.call_type, key.call_id, key.session_id]
    else:
        s = key.session
        parts = [s.call_type, s.call_id, s.session_id, key.user_id, key.user_session_id]
    return orjson.dumps(parts).decode()


def parse_key_text(text: str, size: int) -> list[str]:
    """The parts of a `key_text` with `size` parts, or BAD_USER_INPUT."""
    invalid = bad_input("`id` is not a valid sessiongraph id", field="id")
    try:
        parts = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise invalid from exc
    if not isinstance(parts, list) or len(parts) != size:
        raise invalid
    if not all(isinstance(p, str) and p for p in parts):
        raise invalid
    return parts


def session_key_of(text: str) -> SessionKey:
    return session_key(*parse_key_text(text, 3))


def participant_key_of(text: str) -> ParticipantKey:
    call_type, call_id, session_id, user_id, user_session_id = parse_key_text(text, 5)
    return ParticipantKey(session_key(call_type, call_id, session_id), user_id, user_session_id)

"""Validation of Meet resource names before anything reaches the upstream.

Meet ids are opaque, but every id the service issues is URL-safe. Anything else
in a name — `/` that adds a segment, `..`, `?`, `#`, `%`, spaces — is refused
here with BAD_USER_INPUT, so a client can never steer a request to another path.
"""

from __future__ import annotations

import re

from resolvers.errors import bad_input

__all__ = ["check_name", "meeting_code_or_space", "segments"]

_ID = r"[A-Za-z0-9_-]{1,128}"
_PATTERNS = {
    "conference record": re.compile(rf"conferenceRecords/{_ID}"),
    "participant": re.compile(rf"conferenceRecords/{_ID}/participants/{_ID}"),
    "participant session": re.compile(
        rf"conferenceRecords/{_ID}/participants/{_ID}/participantSessions/{_ID}"
    ),
    "recording": re.compile(rf"conferenceRecords/{_ID}/recordings/{_ID}"),
    "transcript": re.compile(rf"conferenceRecords/{_ID}/transcripts/{_ID}"),
    "transcript entry": re.compile(rf"conferenceRecords/{_ID}/transcripts/{_ID}/entries/{_ID}"),
    "space": re.compile(rf"spaces/{_ID}"),
}
_MEETING_CODE = re.compile(r"[A-Za-z]+-[A-Za-z]+-[A-Za-z]+")
_EXAMPLES = {
    "conference record": "conferenceRecords/{id}",
    "participant": "conferenceRecords/{id}/participants/{id}",
    "participant session": "conferenceRecords/{id}/participants/{id}/participantSessions/{id}",
    "recording": "conferenceRecords/{id}/recordings/{id}",
    "transcript": "conferenceRecords/{id}/transcripts/{id}",
    "transcript entry": "conferenceRecords/{id}/transcripts/{id}/entries/{id}",
    "space": "spaces/{id}",
}


def check_name(kind: str, name: str, *, field: str = "name") -> str:
    """`name` if it is a well-formed resource name of `kind`, else BAD_USER_INPUT."""
    if len(name) <= 1024 and _PATTERNS[kind].fullmatch(name):
        return name
    raise bad_input(
        f"`{field}` must be a Meet {kind} name like {_EXAMPLES[kind]} "
        "(ids use letters, digits, '-' and '_')",
        field=field,
    )


def meeting_code_or_space(value: str, *, field: str = "name") -> str:
    """A space name, or a meeting code turned into the `spaces/{meetingCode}` alias."""
    if value.startswith("spaces/"):
        rest = value.removeprefix("spaces/")
        if _MEETING_CODE.fullmatch(rest) and len(rest) <= 128:
            return value
        return check_name("space", value, field=field)
    if _MEETING_CODE.fullmatch(value) and len(value) <= 128:
        return f"spaces/{value}"
    raise bad_input(
        f"`{field}` must be a space name (spaces/{{id}}) or a meeting code like abc-mnop-xyz",
        field=field,
    )


def check_meeting_code(value: str, *, field: str) -> str:
    if _MEETING_CODE.fullmatch(value) and len(value) <= 128:
        return value
    raise bad_input(f"`{field}` must be a meeting code like abc-mnop-xyz", field=field)


def segments(name: str) -> list[str]:
    """The path segments of a validated name (each is percent-encoded by `path_of`)."""
    return name.split("/")


__all__ += ["check_meeting_code"]

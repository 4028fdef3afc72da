"""The Meet read methods the emulator serves: ids, scopes, query parameters, fields.

`bind_params` binds a request's query parameters the way Google does: by JSON or
proto name, refusing unknown and repeated ones with 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import Request

from app.emulators.google import SYSTEM_PARAMS, GoogleApiError, cannot_bind
from app.emulators.meet.auth import RECORD_SCOPES, SPACE_GET_SCOPES
from app.emulators.meet.filters import FieldSpec
from app.emulators.meet.resources import ConferenceRecord, Participant, ParticipantSession

__all__ = [
    "GET_ENTRY",
    "GET_PARTICIPANT",
    "GET_RECORD",
    "GET_RECORDING",
    "GET_SESSION",
    "GET_SPACE",
    "GET_TRANSCRIPT",
    "LIST_ENTRIES",
    "LIST_PARTICIPANTS",
    "LIST_RECORDINGS",
    "LIST_RECORDS",
    "LIST_SESSIONS",
    "LIST_TRANSCRIPTS",
    "PARTICIPANT_FIELDS",
    "RECORD_FIELDS",
    "SESSION_FIELDS",
    "Call",
    "Method",
    "bind_params",
]

# Google binds query parameters by JSON name or proto field name.
_ALIASES = {"page_size": "pageSize", "page_token": "pageToken"}
_PAGING = frozenset({"pageSize", "pageToken"})
_FILTERED = _PAGING | {"filter"}

RECORD_FIELDS: dict[str, FieldSpec[ConferenceRecord]] = {
    "space.meeting_code": FieldSpec(
        "string", lambda r: r.space.meeting_code, case_insensitive=True
    ),
    "space.name": FieldSpec("string", lambda r: r.space.name),
    "start_time": FieldSpec("timestamp", lambda r: r.start_time),
    "end_time": FieldSpec("timestamp", lambda r: r.end_time),
}
PARTICIPANT_FIELDS: dict[str, FieldSpec[Participant]] = {
    "earliest_start_time": FieldSpec("timestamp", lambda p: p.earliest_start_time),
    "latest_end_time": FieldSpec("timestamp", lambda p: p.latest_end_time),
}
SESSION_FIELDS: dict[str, FieldSpec[ParticipantSession]] = {
    "start_time": FieldSpec("timestamp", lambda s: s.start_time),
    "end_time": FieldSpec("timestamp", lambda s: s.end_time),
}


@dataclass(frozen=True)
class Method:
    """What the wrapper needs to know about one API method."""

    id: str
    scopes: frozenset[str]
    params: frozenset[str]
    response_fields: frozenset[str]
    # Returned only when a field mask asks for them (totalSize on participants.list).
    hidden_by_default: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Call:
    """One admitted request: its path parameters and bound query parameters."""

    path: Mapping[str, str]
    params: Mapping[str, str]


def _list_method(method_id: str, field: str, *, filtered: bool, total: bool = False) -> Method:
    fields = {field, "nextPageToken"} | ({"totalSize"} if total else set())
    return Method(
        method_id,
        RECORD_SCOPES,
        _FILTERED if filtered else _PAGING,
        frozenset(fields),
        frozenset({"totalSize"}) if total else frozenset(),
    )


def _get_method(method_id: str, fields: set[str], scopes: frozenset[str] = RECORD_SCOPES) -> Method:
    return Method(method_id, scopes, frozenset(), frozenset(fields))


_TIMES = {"startTime", "endTime"}
LIST_RECORDS = _list_method("conferenceRecords.list", "conferenceRecords", filtered=True)
LIST_PARTICIPANTS = _list_method(
    "conferenceRecords.participants.list", "participants", filtered=True, total=True
)
LIST_SESSIONS = _list_method(
    "conferenceRecords.participants.participantSessions.list",
    "participantSessions",
    filtered=True,
)
LIST_RECORDINGS = _list_method("conferenceRecords.recordings.list", "recordings", filtered=False)
LIST_TRANSCRIPTS = _list_method("conferenceRecords.transcripts.list", "transcripts", filtered=False)
LIST_ENTRIES = _list_method(
    "conferenceRecords.transcripts.entries.list", "transcriptEntries", filtered=False
)
GET_RECORD = _get_method("conferenceRecords.get", {"name", "space", "expireTime"} | _TIMES)
GET_PARTICIPANT = _get_method(
    "conferenceRecords.participants.get",
    {"name", "signedinUser", "anonymousUser", "phoneUser", "earliestStartTime", "latestEndTime"},
)
GET_SESSION = _get_method(
    "conferenceRecords.participants.participantSessions.get", {"name"} | _TIMES
)
GET_RECORDING = _get_method(
    "conferenceRecords.recordings.get", {"name", "state", "driveDestination"} | _TIMES
)
GET_TRANSCRIPT = _get_method(
    "conferenceRecords.transcripts.get", {"name", "state", "docsDestination"} | _TIMES
)
GET_ENTRY = _get_method(
    "conferenceRecords.transcripts.entries.get",
    {"name", "participant", "text", "languageCode"} | _TIMES,
)
GET_SPACE = _get_method(
    "spaces.get",
    {
        "name",
        "meetingUri",
        "meetingCode",
        "config",
        "activeConference",
        "phoneAccess",
        "gatewaySipAccess",
    },
    SPACE_GET_SCOPES,
)


def bind_params(request: Request, method: Method) -> dict[str, str]:
    """Query parameters by canonical name; 400 for unknown, repeated or unsupported ones."""
    bound: dict[str, str] = {}
    for raw, value in request.query_params.multi_items():
        name = _ALIASES.get(raw, raw)
        if name not in method.params and name not in SYSTEM_PARAMS:
            raise cannot_bind(raw)
        if name in bound:
            raise GoogleApiError(
                400, f'Invalid JSON payload received. Repeated value for field "{raw}".'
            )
        bound[name] = value
    if bound.get("alt", "json") != "json":
        raise GoogleApiError(400, "The emulator serves only alt=json.")
    if "callback" in bound:
        raise GoogleApiError(400, "JSONP callbacks are not supported.")
    if bound.get("$.xgafv", "2") not in ("1", "2"):
        raise GoogleApiError(400, "Invalid value for $.xgafv: expected 1 or 2.")
    return bound

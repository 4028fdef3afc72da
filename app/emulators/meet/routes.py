"""The Meet REST v2 read surface (docs/upstreams/meet.md) as a routes table.

Every endpoint goes through `MeetApi._endpoint`, which applies, in order:
bearer auth (401) → scopes (403) → per-minute quota (429) → empty GET body
(400) → query-parameter binding (unknown or repeated names 400, like Google's
"Cannot bind query parameter") → the handler → the `fields` partial response.
Unknown paths and methods are a Google-shaped 404. Write methods of the real
API (`spaces.create`, `spaces.patch`, `:endActiveConference`) answer 501: the
gateway only reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.emulators.framework import Knobs, RouteMatch, RouteTable
from app.emulators.google import (
    GoogleApiError,
    decode_page_token,
    encode_page_token,
    google_error,
    page_size,
)
from app.emulators.meet.auth import (
    authenticate,
    check_scopes,
)
from app.emulators.meet.dataset import MeetDataset
from app.emulators.meet.fieldmask import apply_selection, parse_selection
from app.emulators.meet.filters import FieldSpec, FilterError, compile_filter
from app.emulators.meet.methods import (
    GET_ENTRY,
    GET_PARTICIPANT,
    GET_RECORD,
    GET_RECORDING,
    GET_SESSION,
    GET_SPACE,
    GET_TRANSCRIPT,
    LIST_ENTRIES,
    LIST_PARTICIPANTS,
    LIST_RECORDINGS,
    LIST_RECORDS,
    LIST_SESSIONS,
    LIST_TRANSCRIPTS,
    PARTICIPANT_FIELDS,
    RECORD_FIELDS,
    SESSION_FIELDS,
    Call,
    Method,
    bind_params,
)
from app.emulators.meet.quota import ReadQuota
from app.emulators.meet.resources import (
    ConferenceRecord,
    MeetResource,
    Participant,
    ParticipantSession,
    Recording,
    Transcript,
    TranscriptEntry,
)

__all__ = ["Endpoint", "MeetApi"]

T = TypeVar("T")

_NOT_FOUND = "Requested entity was not found."

Handler = Callable[[Call], dict[str, Any]]
Endpoint = Callable[[Request], Awaitable[Response]]


class MeetApi:
    """Serves `dataset` to the holders of `tokens`; `knobs()` reads the emulator's current knobs."""

    def __init__(
        self,
        dataset: MeetDataset,
        tokens: Mapping[str, frozenset[str]],
        quota: ReadQuota,
        knobs: Callable[[], Knobs],
    ) -> None:
        self.dataset = dataset
        self.tokens = dict(tokens)
        self.quota = quota
        self.knobs = knobs

    # --- app ----------------------------------------------------------------------------

    def routes(self) -> RouteTable[Endpoint]:
        """The read methods, plus the write methods of the real API answering 501."""
        rec = "/v2/conferenceRecords/{record}"
        part = rec + "/participants/{participant}"
        trans = rec + "/transcripts/{transcript}"
        reads = [
            ("/v2/conferenceRecords", LIST_RECORDS, self._list_records),
            (rec, GET_RECORD, self._get_record),
            (rec + "/participants", LIST_PARTICIPANTS, self._list_participants),
            (part, GET_PARTICIPANT, self._get_participant),
            (part + "/participantSessions", LIST_SESSIONS, self._list_sessions),
            (part + "/participantSessions/{session}", GET_SESSION, self._get_session),
            (rec + "/recordings", LIST_RECORDINGS, self._list_recordings),
            (rec + "/recordings/{recording}", GET_RECORDING, self._get_recording),
            (rec + "/transcripts", LIST_TRANSCRIPTS, self._list_transcripts),
            (trans, GET_TRANSCRIPT, self._get_transcript),
            (trans + "/entries", LIST_ENTRIES, self._list_entries),
            (trans + "/entries/{entry}", GET_ENTRY, self._get_entry),
            ("/v2/spaces/{space}", GET_SPACE, self._get_space),
        ]
        rows: list[tuple[str, str, Endpoint]] = [
            ("GET", path, self._endpoint(method, handler)) for path, method, handler in reads
        ]
        rows += [
            ("POST", "/v2/spaces", _unimplemented),
            ("PATCH", "/v2/spaces/{space}", _unimplemented),
            ("POST", "/v2/spaces/{space}", _unimplemented),
        ]
        return RouteTable(rows)

    async def dispatch(self, request: Request, route: RouteMatch[Endpoint]) -> Response:
        """Unknown paths and methods alike are Google's 404: no such method at this path."""
        if route.target is None:
            return _unknown_path(request)
        return await route.target(request)

    def _endpoint(self, method: Method, handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            try:
                token = authenticate(request, self.tokens)
                check_scopes(self.tokens[token], method.scopes)
                self.quota.admit(token, self.knobs().options)
                if await request.body():
                    raise GoogleApiError(400, "The request body must be empty for this method.")
                params = bind_params(request, method)
                mask = params.get("fields") or request.headers.get("x-goog-fieldmask")
                selection = parse_selection(mask, method.response_fields) if mask else None
                body = handler(Call(request.path_params, params))
            except GoogleApiError as err:
                return err.response()
            if selection is not None:
                body = apply_selection(body, selection)
            else:
                body = {k: v for k, v in body.items() if k not in method.hidden_by_default}
            return JSONResponse(body)

        return endpoint

    # --- paging ---------------------------------------------------------------------------

    def _page(
        self,
        call: Call,
        method: Method,
        parent: str,
        items: list[T],
        *,
        default: int,
        maximum: int,
        fields: Mapping[str, FieldSpec[T]] | None = None,
    ) -> tuple[list[T], str | None, int]:
        """One page of `items` (already in list order), its next token, and the filtered total.

        The token is an offset bound to (method, parent, raw filter text): reusing it
        with any other filter, even one differing only in spacing, is 400.
        """
        size = page_size(call.params.get("pageSize"), default=default, maximum=maximum)
        filter_text = call.params.get("filter", "")
        binding = f"{method.id}\n{parent}\n{filter_text}"
        offset = decode_page_token(call.params.get("pageToken"), binding)
        if fields is not None and filter_text:
            try:
                predicate = compile_filter(filter_text, fields)
            except FilterError as exc:
                raise GoogleApiError(400, f"Invalid filter: {exc}") from exc
            items = [item for item in items if predicate(item)]
        # Short pages serve fewer items but the token still points right after them.
        served = items[offset : offset + self.knobs().short_page_size(size)]
        end = offset + len(served)
        trailing = self.knobs().trailing_empty_page and bool(served) and end == len(items)
        token = encode_page_token(end, binding) if end < len(items) or trailing else None
        return served, token, len(items)

    def _found(self, name: str, kind: type[T]) -> T:
        found: MeetResource | None = self.dataset.lookup(name)
        if not isinstance(found, kind):
            raise GoogleApiError(404, _NOT_FOUND)
        return found

    # --- handlers ------------------------------------------------------------------------

    def _list_records(self, call: Call) -> dict[str, Any]:
        page, token, _ = self._page(
            call,
            LIST_RECORDS,
            "",
            self.dataset.conference_records(),
            default=25,
            maximum=100,
            fields=RECORD_FIELDS,
        )
        return _envelope("conferenceRecords", page, token)

    def _get_record(self, call: Call) -> dict[str, Any]:
        return self._found(_record_name(call), ConferenceRecord).to_json()

    def _list_participants(self, call: Call) -> dict[str, Any]:
        record = self._found(_record_name(call), ConferenceRecord)
        page, token, total = self._page(
            call,
            LIST_PARTICIPANTS,
            record.name,
            record.participants,
            default=100,
            maximum=250,
            fields=PARTICIPANT_FIELDS,
        )
        body = _envelope("participants", page, token)
        if total:
            body["totalSize"] = total
        return body

    def _get_participant(self, call: Call) -> dict[str, Any]:
        return self._found(_participant_name(call), Participant).to_json()

    def _list_sessions(self, call: Call) -> dict[str, Any]:
        participant = self._found(_participant_name(call), Participant)
        page, token, _ = self._page(
            call,
            LIST_SESSIONS,
            participant.name,
            participant.sessions,
            default=100,
            maximum=250,
            fields=SESSION_FIELDS,
        )
        return _envelope("participantSessions", page, token)

    def _get_session(self, call: Call) -> dict[str, Any]:
        name = f"{_participant_name(call)}/participantSessions/{call.path['session']}"
        return self._found(name, ParticipantSession).to_json()

    def _list_recordings(self, call: Call) -> dict[str, Any]:
        record = self._found(_record_name(call), ConferenceRecord)
        page, token, _ = self._page(
            call, LIST_RECORDINGS, record.name, record.recordings, default=10, maximum=100
        )
        return _envelope("recordings", page, token)

    def _get_recording(self, call: Call) -> dict[str, Any]:
        name = f"{_record_name(call)}/recordings/{call.path['recording']}"
        return self._found(name, Recording).to_json()

    def _list_transcripts(self, call: Call) -> dict[str, Any]:
        record = self._found(_record_name(call), ConferenceRecord)
        page, token, _ = self._page(
            call, LIST_TRANSCRIPTS, record.name, record.transcripts, default=10, maximum=100
        )
        return _envelope("transcripts", page, token)

    def _get_transcript(self, call: Call) -> dict[str, Any]:
        return self._found(_transcript_name(call), Transcript).to_json()

    def _list_entries(self, call: Call) -> dict[str, Any]:
        transcript = self._found(_transcript_name(call), Transcript)
        page, token, _ = self._page(
            call, LIST_ENTRIES, transcript.name, transcript.entries, default=10, maximum=100
        )
        return _envelope("transcriptEntries", page, token)

    def _get_entry(self, call: Call) -> dict[str, Any]:
        name = f"{_transcript_name(call)}/entries/{call.path['entry']}"
        return self._found(name, TranscriptEntry).to_json()

    def _get_space(self, call: Call) -> dict[str, Any]:
        space = self.dataset.space(call.path["space"])
        if space is None:
            raise GoogleApiError(404, _NOT_FOUND)
        return space.to_json()


def _record_name(call: Call) -> str:
    return f"conferenceRecords/{call.path['record']}"


def _participant_name(call: Call) -> str:
    return f"{_record_name(call)}/participants/{call.path['participant']}"


def _transcript_name(call: Call) -> str:
    return f"{_record_name(call)}/transcripts/{call.path['transcript']}"


def _envelope(field: str, page: list[Any], token: str | None) -> dict[str, Any]:
    """A list response with ProtoJSON omission: no empty list, no empty token."""
    body: dict[str, Any] = {}
    if page:
        body[field] = [item.to_json() for item in page]
    if token:
        body["nextPageToken"] = token
    return body


def _unknown_path(request: Request) -> Response:
    return google_error(404, f"The requested URL {request.url.path} was not found on this server.")


async def _unimplemented(request: Request) -> Response:
    path = request.url.path
    if (
        request.method == "POST"
        and path != "/v2/spaces"
        and not path.endswith(":endActiveConference")
    ):
        return _unknown_path(request)
    return google_error(
        501, f"{request.method} {request.url.path} is not implemented by the Meet emulator."
    )

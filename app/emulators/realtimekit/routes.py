"""The RealtimeKit endpoints (docs/upstreams/realtimekit.md), relative to the account/app prefix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from app.emulators.framework import Knobs
from app.emulators.realtimekit.dataset import Dataset
from app.emulators.realtimekit.envelopes import AppError, Params, ok, paging_of
from app.emulators.realtimekit.records import ParticipantRecord, SessionRecord
from app.emulators.timeformat import rfc3339_millis

__all__ = ["Handlers"]

_LINK_TTL_MS = 3_600_000


@dataclass
class Handlers:
    """One method per endpoint; `knobs()` reads the emulator's current switches."""

    data: Dataset
    now_ms: int
    knobs: Callable[[], Knobs]

    def session(self, session_id: str) -> SessionRecord:
        found = self.data.sessions_by_id.get(session_id)
        if found is None:
            raise AppError(404, f"No session found with id {session_id}")
        return found

    async def list_sessions(self, request: Request, prefix: str) -> Response:
        params = Params(request.query_params)
        sort_by = params.choice("sort_by", ("minutesConsumed", "createdAt"), "createdAt")
        descending = params.choice("sort_order", ("ASC", "DESC"), "DESC") == "DESC"
        status = params.choice("status", ("LIVE", "ENDED"), None)
        start, end = params.time_ms("start_time"), params.time_ms("end_time")
        search = (params.text("search") or "").lower()
        meeting = params.text("associated_id")
        counts = _range(params.text("participants"))
        rows = [
            s
            for s in self.data.sessions
            if (status is None or s.status == status)
            and (start is None or s.started_ms >= start)
            and (end is None or s.started_ms <= end)
            and (meeting is None or s.meeting.id == meeting)
            and (counts is None or counts[0] <= s.max_concurrent <= counts[1])
            and (
                not search
                or any(search in v.lower() for v in (s.meeting.title, s.meeting.id, s.id))
            )
        ]
        key: Callable[[SessionRecord], Any] = (
            (lambda s: (s.minutes_consumed, s.id))
            if sort_by == "minutesConsumed"
            else (lambda s: (s.started_ms, s.id))
        )
        rows.sort(key=key, reverse=descending)
        _, per_page, first = params.page(len(rows))
        page = rows[first : first + per_page]
        return ok({"sessions": [s.to_json() for s in page]}, paging_of(len(rows), first, len(page)))

    async def session_details(self, request: Request, session_id: str) -> Response:
        breakout = Params(request.query_params).flag("include_breakout_rooms")
        body = self.session(session_id).to_json(breakout_rooms=breakout)
        # Both documented shapes: flat `data` (current spec) or `data.session`.
        nested = self.knobs().options.get("session_details_shape", "flat") == "nested"
        return ok({"session": body} if nested else body)

    async def list_participants(self, request: Request, session_id: str) -> Response:
        session = self.session(session_id)
        params = Params(request.query_params)
        sort_by = params.choice("sort_by", ("joinedAt", "duration"), "joinedAt")
        descending = params.choice("sort_order", ("ASC", "DESC"), "ASC") == "DESC"
        events = params.flag("include_peer_events")
        params.choice("view", ("raw", "consolidated"), "raw")  # no breakout rooms: same result
        search = (params.text("search") or "").lower()
        rows = [
            p
            for p in session.participants
            if not search
            or any(search in v.lower() for v in (p.id, p.custom_participant_id, p.display_name))
        ]
        key: Callable[[ParticipantRecord], Any] = (
            (lambda p: (p.duration_min, p.id))
            if sort_by == "duration"
            else (lambda p: (p.joined_ms, p.id))
        )
        rows.sort(key=key, reverse=descending)
        _, per_page, first = params.page(len(rows))
        page = rows[first : first + per_page]
        data: dict[str, Any] = {"participants": [p.to_json(peer_events=events) for p in page]}
        paging = paging_of(len(rows), first, len(page))
        # Where paging sits is undocumented: in `data` by default, switchable.
        placement = self.knobs().options.get("participants_paging", "data")
        if placement == "data":
            data["paging"] = paging
        return ok(data, paging if placement == "top" else None)

    async def participant_details(self, request: Request, session_id: str, peer: str) -> Response:
        events = Params(request.query_params).flag("include_peer_events")
        return ok({"participant": self._participant(session_id, peer).to_json(peer_events=events)})

    def _participant(self, session_id: str, peer: str) -> ParticipantRecord:
        found = self.data.participants_by_id.get(peer)
        if found is None or found.session_id != self.session(session_id).id:
            raise AppError(404, f"No participant found with id {peer}")
        return found

    async def peer_report(self, request: Request, peer: str) -> Response:
        params = Params(request.query_params)
        params.flag("include_peer_events")
        _check_filters(params.text("filters"))
        found = self.data.participants_by_id.get(peer)
        if found is None:
            raise AppError(404, f"No participant found with peer id {peer}")
        return ok({"participant": _peer_report(found)})

    def _link(self, prefix: str, session_id: str, what: str) -> tuple[str, str]:
        url = f"{prefix}/_downloads/{session_id}/{what}"
        return url, rfc3339_millis(self.now_ms + _LINK_TTL_MS)

    async def chat(self, request: Request, prefix: str, session_id: str) -> Response:
        if not self.session(session_id).has_chat:
            raise AppError(404, f"No chat found for session {session_id}")
        url, expiry = self._link(prefix, session_id, "chat.csv")
        return ok({"chat_download_url": url, "chat_download_url_expiry": expiry})

    async def transcript(self, request: Request, prefix: str, session_id: str) -> Response:
        fmt = Params(request.query_params).choice("format", ("SRT", "VTT", "JSON", "CSV"), "CSV")
        if not self.session(session_id).has_transcript:
            raise AppError(404, f"No transcript found for session {session_id}")
        url, expiry = self._link(prefix, session_id, f"transcript.{(fmt or 'CSV').lower()}")
        # Mixed casing, as documented.
        return ok(
            {
                "sessionId": session_id,
                "transcript_download_url": url,
                "transcript_download_url_expiry": expiry,
            }
        )

    async def summary(self, request: Request, prefix: str, session_id: str) -> Response:
        if not self.session(session_id).has_summary:
            raise AppError(404, f"No summary found for session {session_id}")
        url, expiry = self._link(prefix, session_id, "summary.txt")
        return ok(
            {"sessionId": session_id, "summaryDownloadUrl": url, "summaryDownloadUrlExpiry": expiry}
        )

    async def generate_summary(self, request: Request, session_id: str) -> Response:
        session = self.session(session_id)
        if not session.has_transcript:
            raise AppError(404, f"No transcript found for session {session_id}")
        session.has_summary = True
        # "queued" is an emulator placeholder; the status values are undocumented.
        return ok({"session_id": session_id, "status": "queued"})

    async def active_session(self, request: Request, meeting_id: str) -> Response:
        for session in self.data.sessions:
            if session.meeting.id == meeting_id and session.ended_ms is None:
                return ok(session.to_json())
        raise AppError(404, f"No active session found for meeting_id {meeting_id}")

    async def download(self, request: Request, session_id: str, what: str) -> Response:
        session = self.session(session_id)
        lines = [f"{p.display_name}: hello from {p.id}" for p in session.participants[:5]]
        return PlainTextResponse("\n".join([f"{what} of {session.meeting.title}", *lines]))


def _range(raw: str | None) -> tuple[int, int] | None:
    if raw is None:
        return None
    low, sep, high = raw.partition(":")
    if not sep or not low.isdigit() or not high.isdigit():
        raise AppError(400, "participants must look like min:max, e.g. 1:10")
    return int(low), int(high)


_FILTERS = (
    "device_info",
    "ip_information",
    "precall_network_information",
    "events",
    "quality_stats",
)


def _check_filters(raw: str | None) -> None:
    # Comma-separated, no spaces (Dyte v2); a single value is the one-element case.
    for name in (raw or "").split(",") if raw else []:
        if name not in _FILTERS:
            raise AppError(400, f"filters must be a comma-separated list of {', '.join(_FILTERS)}")


def _peer_report(p: ParticipantRecord) -> dict[str, Any]:
    body = p.to_json(peer_events=True)
    body["role"] = body.pop("preset_name")
    body["session_id"] = p.session_id
    body["peer_report"] = {
        "metadata": {
            "device_info": {"cpus": 8, "is_mobile": False, "os": "macOS", "os_version": "15.1"},
            "ip_information": {"city": "Lisbon", "country": "PT", "timezone": "Europe/Lisbon"},
            "sdk_name": "web-core",
            "sdk_version": "1.2.0",
        },
        "quality": {"audio_consumer_cumulative": {"packet_loss": {"avg": 0.4}, "rtt": {"avg": 41}}},
    }
    return body

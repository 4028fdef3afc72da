"""The Stream Video emulator's HTTP surface: three operations on both path prefixes.

Every request passes the same gate (the endpoint's rate-limit window is
counted, then auth, then the limit itself) and every answer, errors included,
carries `X-RateLimit-*` headers.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from app.emulators.config import EmulatorConfig
from app.emulators.framework import Knobs, RateLimiter, RouteMatch, RouteTable
from app.emulators.stream import ratelimit
from app.emulators.stream.auth import check_auth
from app.emulators.stream.dataset import CallSessionRow, ParticipantRow, StreamDataset
from app.emulators.stream.filters import (
    CALL_STATS_FIELDS,
    PARTICIPANT_FIELDS,
    Condition,
    parse_conditions,
    parse_query_conditions,
    parse_sort,
)
from app.emulators.stream.render import (
    call_response,
    call_session_response,
    participant_details,
    stats_item,
)
from app.emulators.stream.wire import (
    STATUS_CODES,
    StreamApiError,
    api_error_response,
    bad_request,
    fingerprint,
    json_response,
    page_bounds,
    page_links,
    parse_limit,
)

__all__ = ["PREFIXES", "Operation", "StreamApi"]

PREFIXES = ("/video/", "/api/v2/video/")
_MAX_SEGMENT = 64
Handler = Callable[[Request, bool], Awaitable[tuple[Any, int]]]


@dataclass(frozen=True)
class Operation:
    """A routes-table target: Stream's operation id (the rate-limit key) and its handler."""

    id: str
    handler: Handler


class StreamApi:
    """The three operations over a dataset; reads the emulator's current knobs per request."""

    def __init__(
        self,
        data: StreamDataset,
        config: EmulatorConfig,
        limiter: RateLimiter,
        knobs: Callable[[], Knobs],
    ) -> None:
        self.data = data
        self._config = config
        self._knobs = knobs
        self._limiter = limiter

    def routes(self) -> RouteTable[Operation]:
        rows: list[tuple[str, str, Operation]] = []
        for base in ("/video", "/api/v2/video"):
            sessions = base + "/call/{type}/{id}/session/{session}/participant_sessions"
            rows += [
                ("GET", sessions, Operation("QueryCallParticipantSessions", self.participants)),
                ("POST", base + "/call_stats", Operation("QueryCallSessionStats", self.call_stats)),
                ("GET", base + "/call/{type}/{id}", Operation("GetCall", self.get_call)),
            ]
        return RouteTable(rows)

    def render_fault(self, status: int, retry_after: int | None) -> Response:
        """Injected faults look like Stream's own: `APIError` and rate-limit headers."""
        state = ratelimit.fault_state(self._limiter, retry_after)
        headers = state.headers()
        if status != 429:
            headers["X-RateLimit-Remaining"] = str(state.limit - 1)
        code = STATUS_CODES.get(status, -1)
        return api_error_response(status, code, f"injected fault (HTTP {status})", headers)

    async def dispatch(self, request: Request, route: RouteMatch[Operation]) -> Response:
        """Every request is counted against its endpoint's window, then authenticated."""
        operation = route.target
        if operation is None:
            # Any path or method Stream does not serve, counted as one "unknown" endpoint.
            headers = ratelimit.hit(self._limiter, self._knobs(), "unknown").headers()
            return api_error_response(404, 16, "unknown endpoint", headers)
        started = time.perf_counter()
        v2 = request.url.path.startswith("/api/v2/")
        state = ratelimit.hit(self._limiter, self._knobs(), operation.id)
        headers = state.headers()
        try:
            check_auth(request, self._config.credentials)
            if state.exceeded:
                raise StreamApiError(429, 9, "Too many requests, check response headers")
            body, status = await operation.handler(request, v2)
        except StreamApiError as exc:
            return api_error_response(exc.status, exc.code, exc.message, headers)
        if isinstance(body, dict) and "duration" not in body:
            body["duration"] = f"{(time.perf_counter() - started) * 1000:.2f}ms"
        return json_response(body, status, headers)

    def _session(self, request: Request) -> CallSessionRow:
        call_type = request.path_params["type"]
        call_id = request.path_params["id"]
        if len(call_type) > _MAX_SEGMENT or len(call_id) > _MAX_SEGMENT:
            raise bad_request("type and id must be at most 64 characters")
        key = (call_type, call_id, request.path_params["session"])
        session = self.data.sessions.get(key)
        if session is None:
            raise StreamApiError(404, 16, "call session does not exist")
        return session

    async def participants(self, request: Request, v2: bool) -> tuple[Any, int]:
        """QueryCallParticipantSessions: filters narrow the list, never the totals."""
        started = time.perf_counter()
        session = self._session(request)
        params = request.query_params
        limit = self._knobs().short_page_size(parse_limit(params.get("limit")))
        raw_filter = params.get("filter_conditions")
        conditions = parse_query_conditions(raw_filter, PARTICIPANT_FIELDS)
        rows = [] if self.data.expired(session) else session.participants
        rows = [r for r in rows if all(_participant_matches(c, r) for c in conditions)]
        listing = fingerprint(request.url.path, [(c.field, c.op, c.value) for c in conditions])
        start, end = page_bounds(len(rows), limit, params.get("next"), params.get("prev"), listing)
        body = {
            "call_type": session.call_type,
            "call_id": session.call_id,
            "call_session_id": session.session_id,
            "total_participant_sessions": len(session.participants),
            "total_participant_duration": sum(
                self.data.duration_of(p) for p in session.participants
            ),
            "participants_sessions": [
                participant_details(self.data, r, v2=v2) for r in rows[start:end]
            ],
            "session": call_session_response(self.data, session, v2=v2),
            **page_links(
                len(rows), start, end, listing, trailing=self._knobs().trailing_empty_page
            ),
            # This endpoint alone declares `duration` as integer milliseconds.
            "duration": int((time.perf_counter() - started) * 1000),
        }
        return body, 200

    async def call_stats(self, request: Request, v2: bool) -> tuple[Any, int]:
        """QueryCallSessionStats: call sessions, filtered and sorted, 201 as declared."""
        try:
            body = orjson.loads(await request.body() or b"{}")
        except orjson.JSONDecodeError as exc:
            raise bad_request("request body must be JSON") from exc
        if not isinstance(body, dict):
            raise bad_request("request body must be a JSON object")
        conditions = parse_conditions(body.get("filter_conditions"), CALL_STATS_FIELDS)
        sort = parse_sort(body.get("sort"))
        limit = self._knobs().short_page_size(parse_limit(body.get("limit")))
        rows = [
            s
            for s in self.data.sessions.values()
            if all(c.matches(_stats_value(self.data, s, c.field)) for c in conditions)
        ]
        for name, direction in reversed([*sort, ("call_session_id", 1)]):
            rows.sort(key=_sort_key(self.data, name), reverse=direction < 0)
        listing = fingerprint(
            "call_stats", [(c.field, c.op, str(c.value)) for c in conditions], sort
        )
        start, end = page_bounds(len(rows), limit, body.get("next"), body.get("prev"), listing)
        answer = {
            "call_stats": [stats_item(self.data, s, v2=v2) for s in rows[start:end]],
            **page_links(
                len(rows), start, end, listing, trailing=self._knobs().trailing_empty_page
            ),
        }
        return answer, 201

    async def get_call(self, request: Request, v2: bool) -> tuple[Any, int]:
        call_type, call_id = request.path_params["type"], request.path_params["id"]
        if len(call_type) > _MAX_SEGMENT or len(call_id) > _MAX_SEGMENT:
            raise bad_request("type and id must be at most 64 characters")
        members_limit = request.query_params.get("members_limit")
        if members_limit is not None:
            parse_limit(members_limit)
        call = self.data.calls.get((call_type, call_id))
        if call is None:
            raise StreamApiError(404, 16, "call does not exist")
        body = {
            "call": call_response(self.data, call, v2=v2),
            "members": [],
            "own_capabilities": [],
        }
        return body, 200


def _participant_matches(condition: Condition, row: ParticipantRow) -> bool:
    values: dict[str, Any] = {
        "user_id": row.user_id,
        "session_id": row.user_session_id,
        "publisher_type": row.publisher_type,
        "published_tracks": row.published_tracks,
        "is_live": row.left_at is None,
        "is_tech_user": row.is_tech_user,
    }
    return condition.matches(values[condition.field])


def _stats_value(data: StreamDataset, session: CallSessionRow, name: str) -> Any:
    values: dict[str, Callable[[], Any]] = {
        "call_cid": lambda: session.cid,
        "call_session_id": lambda: session.session_id,
        "is_active": lambda: session.ended_at is None,
        "session_started_at": lambda: session.started_at,
        "session_ended_at": lambda: session.ended_at,
        "generated_at": lambda: session.ended_at or data.now,
        "updated_at": lambda: session.ended_at or data.now,
    }
    # The counts.* scores are not modelled: conditions on them match nothing.
    getter = values.get(name)
    return getter() if getter else None


def _sort_key(data: StreamDataset, name: str) -> Callable[[CallSessionRow], Any]:
    def key(session: CallSessionRow) -> Any:
        value = _stats_value(data, session, name)
        # Sessions without the value (live ones have no end) sort as the oldest.
        return (value is not None, value if value is not None else 0)

    return key

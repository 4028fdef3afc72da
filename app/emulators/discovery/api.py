"""The five session methods under the three parent forms, as a routes table.

Paths carry no `:` custom verbs (sessions have none), so plain routes serve
them; the parent and name are taken from the decoded path. Every handler checks
the bearer token first, then rejects query parameters the method does not bind
(Google answers those with 400 "Cannot bind query parameter").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.emulators.discovery.bodies import (
    SESSION_ID,
    UPDATABLE,
    apply_fields,
    read_mask,
    read_session,
)
from app.emulators.discovery.filtering import parse_filter
from app.emulators.discovery.ordering import parse_order, sort_sessions
from app.emulators.discovery.store import SessionStore, StoredSession
from app.emulators.framework import Knobs, RouteMatch, RouteTable
from app.emulators.google import (
    SYSTEM_PARAMS,
    GoogleApiError,
    cannot_bind,
    decode_page_token,
    encode_page_token,
    google_error,
    page_size,
    require_bearer,
)

__all__ = ["Handler", "SessionsApi", "dispatch", "routes"]

_PARENTS = (
    "/v1/projects/{project}/locations/{location}/dataStores/{data_store}",
    "/v1/projects/{project}/locations/{location}/collections/{collection}/dataStores/{data_store}",
    "/v1/projects/{project}/locations/{location}/collections/{collection}/engines/{engine}",
)
Handler = Callable[[Request], Awaitable[Response]]


class SessionsApi:
    """The five session methods over `store`; `knobs()` reads the emulator's current knobs."""

    def __init__(
        self, store: SessionStore, tokens: frozenset[str], knobs: Callable[[], Knobs]
    ) -> None:
        self.store = store
        self._tokens = tokens
        self._knobs = knobs

    def _begin(self, request: Request, *allowed: str) -> None:
        token = require_bearer(request, self._tokens)
        if token in self._knobs().options.get("denied_tokens", ()):
            raise GoogleApiError(403, "The caller does not have permission")
        for key in request.query_params:
            if key not in allowed and key not in SYSTEM_PARAMS:
                raise cannot_bind(key)

    async def create(self, request: Request) -> Response:
        self._begin(request, "sessionId")
        session_id = request.query_params.get("sessionId")
        if session_id is not None and not SESSION_ID.fullmatch(session_id):
            raise GoogleApiError(400, f"Invalid session_id {session_id!r}.")
        fields = read_session(await _json(request))
        parent = _parent(request)
        now = self.store.tick()
        session = StoredSession(
            name=f"{parent}/sessions/{session_id or self.store.new_id()}",
            parent=parent,
            create_time=now,
            update_time=now,
        )
        apply_fields(session, fields, UPDATABLE)
        self._number_turns(session)
        self.store.add(session)
        return JSONResponse(session.to_json())

    async def get(self, request: Request) -> Response:
        self._begin(request, "includeAnswerDetails")
        details = request.query_params.get("includeAnswerDetails", "false")
        if details not in {"true", "false"}:
            raise GoogleApiError(400, f"Invalid value for include_answer_details: {details!r}.")
        session = self.store.get(_name(request))
        return JSONResponse(session.to_json(details=details == "true"))

    async def list(self, request: Request) -> Response:
        self._begin(request, "pageSize", "pageToken", "filter", "orderBy")
        params = request.query_params
        size = page_size(params.get("pageSize"), default=50, maximum=1000)
        size = self._knobs().short_page_size(size)
        raw_filter, raw_order = params.get("filter", ""), params.get("orderBy", "")
        predicate, order = parse_filter(raw_filter), parse_order(raw_order)
        parent = _parent(request)
        binding = f"{parent}\n{raw_filter}\n{raw_order}"
        offset = decode_page_token(params.get("pageToken"), binding)
        matched = sort_sessions([s for s in self.store.under(parent) if predicate(s)], order)
        body: dict[str, Any] = {}
        if page := matched[offset : offset + size]:
            body["sessions"] = [session.to_json() for session in page]
        trailing = self._knobs().trailing_empty_page and bool(page)
        if offset + size < len(matched) or trailing:
            body["nextPageToken"] = encode_page_token(min(offset + size, len(matched)), binding)
        return JSONResponse(body)

    async def patch(self, request: Request) -> Response:
        self._begin(request, "updateMask")
        paths = read_mask(request.query_params.get("updateMask"))
        fields = read_session(await _json(request))
        session = self.store.get(_name(request))
        apply_fields(session, fields, paths)
        self._number_turns(session)
        session.update_time = self.store.tick()
        return JSONResponse(session.to_json())

    async def delete(self, request: Request) -> Response:
        self._begin(request)
        self.store.delete(_name(request))
        return JSONResponse({})

    def _number_turns(self, session: StoredSession) -> None:
        # queryId is OUTPUT_ONLY: the server assigns one to every new turn.
        for turn in session.turns:
            if turn.query_id is None:
                turn.query_id = self.store.new_id()


def _parent(request: Request) -> str:
    path: str = request.scope["path"]
    return path.removeprefix("/v1/").removesuffix("/sessions")


def _name(request: Request) -> str:
    path: str = request.scope["path"]
    return path.removeprefix("/v1/")


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise GoogleApiError(400, "Invalid JSON payload received.") from exc


def routes(api: SessionsApi) -> RouteTable[Handler]:
    """The five methods under each of the three parent forms."""
    rows: list[tuple[str, str, Handler]] = []
    for parent in _PARENTS:
        item = f"{parent}/sessions/{{session}}"
        rows += [
            ("GET", f"{parent}/sessions", api.list),
            ("POST", f"{parent}/sessions", api.create),
            ("GET", item, api.get),
            ("PATCH", item, api.patch),
            ("DELETE", item, api.delete),
        ]
    return RouteTable(rows)


async def dispatch(request: Request, route: RouteMatch[Handler]) -> Response:
    """The handler, or Google's 405 (known path, other method) or 404."""
    if route.target is not None:
        return await route.target(request)
    if route.allowed:
        return google_error(405, "Method not allowed.")
    return google_error(404, "Requested entity was not found.")

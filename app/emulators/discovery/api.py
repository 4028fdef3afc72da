"""The five session methods under the three parent forms, as a Starlette app.

Paths carry no `:` custom verbs (sessions have none), so plain Starlette routes
serve them; the parent and name are taken from the decoded path. Every handler
checks the bearer token first, then rejects query parameters the method does
not bind (Google answers those with 400 "Cannot bind query parameter").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

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
from app.emulators.framework import Knobs
from app.emulators.google_common import (
    GoogleApiError,
    decode_page_token,
    encode_page_token,
    google_error,
    page_size,
    require_bearer,
)

__all__ = ["build_app"]

_PARENTS = (
    "/v1/projects/{project}/locations/{location}/dataStores/{data_store}",
    "/v1/projects/{project}/locations/{location}/collections/{collection}/dataStores/{data_store}",
    "/v1/projects/{project}/locations/{location}/collections/{collection}/engines/{engine}",
)
_SYSTEM_PARAMS = {
    "$.xgafv",
    "access_token",
    "alt",
    "callback",
    "fields",
    "key",
    "oauth_token",
    "prettyPrint",
    "quotaUser",
    "uploadType",
    "upload_protocol",
}

Handler = Callable[[Request], Awaitable[Response]]


class _Api:
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
            if key not in allowed and key not in _SYSTEM_PARAMS:
                raise GoogleApiError(
                    400,
                    f'Invalid JSON payload received. Unknown name "{key}": '
                    "Cannot bind query parameter.",
                )

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
        if offset + size < len(matched):
            body["nextPageToken"] = encode_page_token(offset + size, binding)
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


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GoogleApiError)  # noqa: S101 - registered for this type only
    return google_error(exc.http_status, exc.message, status=exc.status, reason=exc.reason)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    messages = {404: "Requested entity was not found.", 405: "Method not allowed."}
    return google_error(status, messages.get(status, "Request failed."))


def build_app(store: SessionStore, tokens: frozenset[str], knobs: Callable[[], Knobs]) -> Starlette:
    """The emulator's ASGI app over `store`, accepting bearer `tokens`."""
    api = _Api(store, tokens, knobs)
    routes: list[Route] = []
    for parent in _PARENTS:
        routes.append(Route(f"{parent}/sessions", api.list, methods=["GET"]))
        routes.append(Route(f"{parent}/sessions", api.create, methods=["POST"]))
        item = f"{parent}/sessions/{{session}}"
        routes.append(Route(item, api.get, methods=["GET"]))
        routes.append(Route(item, api.patch, methods=["PATCH"]))
        routes.append(Route(item, api.delete, methods=["DELETE"]))
    return Starlette(
        routes=routes,
        exception_handlers={GoogleApiError: _api_error, HTTPException: _http_error},
    )

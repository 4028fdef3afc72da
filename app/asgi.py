"""The ASGI app: `/graphql`, `/healthz`, `/readyz`, and the lifespan that owns the runtime."""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL

from app.graphiql import graphiql_response, graphiql_routes
from app.http_errors import GraphQLHttpErrors
from app.runtime import Runtime, schema_for
from app.settings import Settings
from schema.context import Context

if TYPE_CHECKING:
    from app.emulators import EmulatorHub

__all__ = ["create_app"]


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with our per-request context, made from the lifespan's runtime."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        self._settings = settings
        super().__init__(schema_for(settings), **kwargs)

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        runtime: Runtime = request.app.state.runtime
        return runtime.context_for(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our offline GraphiQL (assets served by the gateway), not Strawberry's CDN page."""
        required = bool(self._settings.api_key_set())
        return graphiql_response(request, api_key_required=required)


class ApiKeyGuard:
    """Requires a configured key in `X-API-Key` for every GraphQL request.

    The GraphiQL page itself (a browser GET asking for HTML) is let through: it
    holds no data, and its headers editor is where the key is entered.
    """

    def __init__(self, app: ASGIApp, keys: frozenset[str]) -> None:
        self._app = app
        self._keys = tuple(k.encode() for k in keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._keys or _wants_ide(scope):
            await self._app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(b"x-api-key", b"")
        if any(hmac.compare_digest(sent, key) for key in self._keys):
            await self._app(scope, receive, send)
            return
        body = {
            "data": None,
            "errors": [
                {
                    "message": "A valid API key is required in the X-API-Key header",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ],
        }
        await JSONResponse(body, status_code=401)(scope, receive, send)


def _wants_ide(scope: Scope) -> bool:
    if scope["method"] != "GET" or scope.get("query_string"):
        return False
    accept = dict(scope["headers"]).get(b"accept", b"")
    return b"text/html" in accept


def create_app(settings: Settings | None = None, *, hub: EmulatorHub | None = None) -> Starlette:
    """The gateway. With `hub`, upstreams without a URL run on those emulators."""
    settings = settings or Settings()
    # httpx logs each request URL at INFO, and Stream's api_key travels in the query
    # string: keep those lines out of any log an operator turns on.
    logging.getLogger("httpx").setLevel(logging.WARNING)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The runtime owns the pooled httpx clients: opened here, closed here.
        runtime = Runtime.create(settings, hub)
        app.state.runtime = runtime
        app.state.hub = runtime.hub
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            await runtime.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        if not getattr(request.app.state, "ready", False):
            return JSONResponse({"status": "starting"}, status_code=503)
        runtime: Runtime = request.app.state.runtime
        return JSONResponse({"status": "ready", "upstreams": runtime.upstream_modes()})

    view = GraphQLView(settings, graphql_ide="graphiql", allow_queries_via_get=True)
    guarded = ApiKeyGuard(view, settings.api_key_set())
    app = Starlette(
        routes=[
            Route("/graphql", guarded, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *graphiql_routes(),
        ],
        middleware=[Middleware(GraphQLHttpErrors)],
        lifespan=lifespan,
    )
    app.state.hub = hub
    app.state.ready = False
    return app

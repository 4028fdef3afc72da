"""The ASGI app: `/graphql`, `/healthz`, `/readyz` (app/readiness.py), `/metrics`, lifespan."""

from __future__ import annotations

import gc
import hmac
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import orjson
from opentelemetry.sdk.trace import TracerProvider
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from app.graphiql import graphiql_response, graphiql_routes
from app.graphql_http import GraphQLOverHttp
from app.http_errors import GraphQLHttpErrors
from app.live_transport import PROTOCOLS, LiveTransportWSHandler, key_accepted
from app.observability import Observability, RequestObserver, observed_schema
from app.observability.endpoint import metrics_route
from app.observability.operations import record_refused
from app.persisted import PersistedOperations, load_manifest, raw_payload
from app.readiness import Readiness
from app.result_cache import with_result_cache
from app.runtime import Runtime, schema_for
from app.settings import Settings
from app.webhooks import LiveEvents, webhook_routes
from resolvers import deadline
from resolvers.timestamps import Instant
from schema.context import Context

if TYPE_CHECKING:
    from app.emulators import EmulatorHub
    from app.emulators.live.activity import LiveActivity

__all__ = ["create_app", "freeze_startup"]


class GraphQLView(GraphQLOverHttp, GraphQL[Context, None]):
    """Strawberry's ASGI view with our per-request context, made from the lifespan's runtime."""

    graphql_transport_ws_handler_class = LiveTransportWSHandler

    def __init__(
        self,
        settings: Settings,
        persisted: PersistedOperations,
        observability: Observability,
        **kwargs: Any,
    ) -> None:
        self._settings = settings
        self._persisted = persisted
        self._metrics = observability.metrics
        schema = observed_schema(schema_for(settings), observability.extension())
        # Whole answers of queries (on when the runtime has a result cache): a hit
        # skips execution, everything around it still happens.
        schema = with_result_cache(schema, observability.metrics)
        super().__init__(schema, **kwargs)

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        runtime: Runtime = request.app.state.runtime
        if request.scope["type"] == "http":
            # The operation's deadline runs from the request's arrival (resolvers/deadline.py).
            deadline.begin(runtime.settings.operation_timeout)
        return runtime.context_for(request)

    async def on_ws_connect(self, context: Context) -> None:
        """Subscribers over WebSocket need an API key as queries do (header or init payload)."""
        keys = self._settings.api_key_set()
        headers = context.request.headers if context.request is not None else {}
        if not key_accepted(keys, headers, context.connection_params):
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})

    def encode_json(self, data: object) -> str:
        """orjson instead of the standard library's encoder: a 100-item page encodes ~10x faster.

        Text, not bytes: the WebSocket transports send what this returns as it is, and a
        graphql-ws client reads only text frames."""
        return orjson.dumps(data).decode()

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our offline GraphiQL (assets served by the gateway), not Strawberry's CDN page."""
        required = bool(self._settings.api_key_set())
        return graphiql_response(request, api_key_required=required)

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET that names a persisted document has no `query` but is not a page view.
        params = request.query_params
        named = any(k in params for k in ("extensions", "doc_id", "documentId"))
        return not named and super().should_render_graphql_ide(request)

    async def execute_single(  # type: ignore[override]
        self, request: Request, request_adapter: Any, request_data: GraphQLRequestData, **kw: Any
    ) -> ExecutionResult:
        """Fills in persisted documents (APQ hash, Relay `doc_id`) before running them."""
        raw = await raw_payload(request) if request_data.query is None else None
        resolved = self._persisted.resolve(request_data, raw)
        if not isinstance(resolved, GraphQLRequestData):
            record_refused(self._metrics)
            return ExecutionResult(data=None, errors=[resolved])
        return await super().execute_single(
            request=request, request_adapter=request_adapter, request_data=resolved, **kw
        )


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


def _activity(runtime: Runtime) -> LiveActivity | None:
    """The emulators' live activity, pointed at this gateway when it runs on them."""
    if runtime.hub is None:
        return None
    from app.emulators.live import live_activity, wire_live_demo  # noqa: PLC0415

    settings = runtime.settings
    wire_live_demo(runtime.hub, settings.emulator_webhook_url, settings.emulator_live_interval)
    return live_activity(runtime.hub)


def _count_subscriptions(live: LiveEvents, observability: Observability) -> None:
    """`sessiongraph_subscriptions_active` follows this replica's fan-out."""
    metrics = observability.metrics
    if metrics is not None:
        gauge = metrics.subscriptions
        live.broker.fanout.observe(gauge.set)


def _live(request: Request) -> LiveEvents:
    runtime: Runtime = request.app.state.runtime
    assert runtime.live is not None  # noqa: S101 - Runtime.create always builds it
    return runtime.live


def _now() -> Instant:
    return Instant(time.time_ns())


# A request's objects are freed by reference counting when it ends (tests/
# test_gc_cycles.py checks that an operation leaves no cyclic garbage), so the
# cyclic collector finds next to nothing, yet it passes over every live object of
# the operations in flight each time the tracked objects grow by the threshold. At
# CPython's default (700) that was 0.32 ms of collector time per attendance page under
# 16 concurrent requests; at 10,000 still ~12 ms of a Meet dashboard's ~120 ms (it
# grows the tracked objects by tens of thousands: ~3 young passes an operation, finding
# 6 objects each; gc.callbacks timings). At 100,000 a dashboard triggers none, and
# cyclic garbage (rare, see above) waits for at most that many net allocations,
# a few MB.
_YOUNG_GC_THRESHOLD = 100_000


def freeze_startup() -> None:
    """What a server process does once started (`freeze_startup_objects`): everything
    alive now exempted from collection, the young threshold raised (see above)."""
    gc.freeze()
    gc.set_threshold(_YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def create_app(
    settings: Settings | None = None,
    *,
    hub: EmulatorHub | None = None,
    tracer_provider: TracerProvider | None = None,
    freeze_startup_objects: bool = False,
) -> Starlette:
    """The gateway. With `hub`, upstreams without a URL run on those emulators.

    Traces go to `tracer_provider` if given, else as the `OTEL_*` variables say.
    `freeze_startup_objects` (for a server process, not for tests that build many
    apps) exempts everything built at startup from garbage collection and sets the
    process's collection threshold (`_YOUNG_GC_THRESHOLD`).
    """
    settings = settings or Settings()
    # httpx logs each request URL at INFO, and Stream's api_key travels in the query
    # string: keep those lines out of any log an operator turns on.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    persisted = _persisted(settings)
    observability = Observability.create(
        metrics=settings.metrics_enabled, tracer_provider=tracer_provider
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The runtime owns the pooled httpx clients: opened here, closed here.
        runtime = Runtime.create(settings, hub, observer=observability.upstream_observer())
        app.state.runtime = runtime
        app.state.hub = runtime.hub
        if observability.metrics is not None:
            observability.metrics.watch_cache_backend(runtime.traffic.cache.backend)
        app.state.readiness = Readiness(
            runtime.upstreams,
            runtime.upstream_modes(),
            interval=settings.readiness_interval,
            timeout=settings.readiness_timeout,
        )
        if runtime.live is not None:
            _count_subscriptions(runtime.live, observability)
            await runtime.live.start()
        activity = _activity(runtime)
        if activity is not None:
            activity.start()
        if freeze_startup_objects:
            # Schema, clients and emulator datasets live as long as the process: moved
            # out of the collector's generations, they are no longer rescanned by every
            # full collection (measured: attendance page CPU per request 10.2 -> 8.2 ms).
            freeze_startup()
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            if activity is not None:
                await activity.stop()
            await runtime.close()
            observability.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        if not getattr(request.app.state, "ready", False):
            return JSONResponse({"status": "starting"}, status_code=503)
        report = await request.app.state.readiness.report()
        return JSONResponse(report.body(), status_code=200 if report.ready else 503)

    view = GraphQLView(
        settings,
        persisted,
        observability,
        graphql_ide="graphiql",
        allow_queries_via_get=True,
        subscription_protocols=PROTOCOLS,
    )
    guarded = ApiKeyGuard(view, settings.api_key_set())
    app = Starlette(
        routes=[
            Route("/graphql", guarded, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            *webhook_routes(_live, _now),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *metrics_route(observability.metrics),
            *graphiql_routes(),
        ],
        middleware=_middleware(settings, observability),
        lifespan=lifespan,
    )
    app.state.observability = observability
    app.state.hub = hub
    app.state.ready = False
    return app


def _persisted(settings: Settings) -> PersistedOperations:
    # Read before anything else is built, so a bad manifest stops the start at once.
    path = settings.persisted_documents
    return PersistedOperations(
        load_manifest(path) if path else {},
        persisted_only=settings.persisted_only,
        apq_size=settings.apq_cache_size,
    )


def _middleware(settings: Settings, observability: Observability) -> list[Middleware]:
    """Outermost first: the request id and trace wrap everything, CORS answers preflights."""
    middleware = [Middleware(RequestObserver, tracing=observability.tracing)]
    if origins := settings.cors_origin_list():
        middleware.append(_cors(origins))
    return [*middleware, Middleware(GraphQLHttpErrors, max_body_bytes=settings.max_body_bytes)]


def _cors(origins: list[str]) -> Middleware:
    # Browsers send X-API-Key and Authorization on cross-origin calls; expose the
    # request id so a frontend can quote it in a bug report.
    return Middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["content-type", "authorization", "x-api-key", "x-request-id", "traceparent"],
        expose_headers=["x-request-id"],
        max_age=600,
    )

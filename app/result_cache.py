"""The operation-result cache at the GraphQL view: keys, the execute hook, wiring.

`CacheOperationResult` is a schema extension whose `on_execute` runs before
the call-budget guard's (schema/budget.py): on a hit it sets the execution
result, so nothing is executed or estimated, while everything around the
operation (request id, log line, operation metrics and span, error shaping,
media-type negotiation) happens as for any other answer. The cached value is
the `data` member's JSON exactly as first sent, embedded with
`orjson.Fragment`, so the repeat is byte-identical and costs no re-encoding.

What is cached and why it stays right: resolvers/cache/results.py and
docs/caching.md ("Whole answers").
"""

from __future__ import annotations

import copy
import functools
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson
import strawberry
from graphql import ExecutionResult, FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

import resolvers
import schema as schema_package
from app.settings import Settings
from app.traffic import Traffic
from resolvers.cache import IdentityKey, MemoryBackend, dependencies
from resolvers.cache.redis_backend import RedisBackend
from resolvers.cache.result_stores import MemoryResults, RedisResults
from resolvers.cache.results import UNAVAILABLE, ResultCache, ResultStore, result_key
from resolvers.cursors import CursorCodec
from resolvers.registry import SPECS
from resolvers.spec import CredentialMode
from resolvers.upstreams import UpstreamCredentials

if TYPE_CHECKING:
    from app.observability import GatewayMetrics
    from app.runtime import Runtime

__all__ = ["METRIC_PROVIDER", "OperationResults", "build_results", "with_result_cache"]

# The `provider` label of `sessiongraph_upstream_cache_requests_total` for this layer.
METRIC_PROVIDER = "OPERATION_RESULT"
# Settings that change an answer for the same document, variables and caller.
_SHAPING = (
    "discovery_parent",
    "max_page_size",
    "default_page_size",
    "max_ids",
    "max_upstream_calls",
    "emulator_seed",
    *(f"{spec.name}_url" for spec in SPECS),
)


@dataclass
class OperationResults:
    """The process's result cache and what its keys are made of."""

    cache: ResultCache
    identities: IdentityKey
    # The gateway's code, dependency versions, cursor key and answer-shaping settings.
    fingerprint: str

    def key(self, context: ExecutionContext, credentials: UpstreamCredentials) -> str | None:
        """The entry of this operation, or None when it is not a query worth caching."""
        document = context.graphql_document
        if document is None or context.pre_execution_errors or context.result is not None:
            return None
        if context.operation_type is not OperationType.QUERY:
            return None
        named = getattr(context, "_provided_operation_name", None)
        if _introspection_only(document.definitions, named):
            return None  # nothing upstream to derive its validity from; cheap anyway
        try:
            variables = orjson.dumps(context.variables or {}, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            return None
        authorization = getattr(context.context, "authorization", None)
        return result_key(
            self.fingerprint,
            context.query,
            named,
            variables.decode(),
            self._identities(credentials, authorization),
        )

    def _identities(self, credentials: UpstreamCredentials, authorization: str | None) -> list[str]:
        """Whose credential each upstream's calls would carry, as the upstream cache keys it."""
        server = self.identities.of(
            "\0".join(
                (
                    credentials.stream_api_key,
                    credentials.stream_api_secret,
                    credentials.realtimekit_account_id,
                    credentials.realtimekit_app_id,
                    credentials.realtimekit_api_token,
                )
            )
        )
        forwarded = authorization if _is_bearer(authorization) else None
        found: list[str] = []
        for spec in SPECS:
            if spec.credential_mode is CredentialMode.SERVER:
                found.append(server)
                continue
            # Google upstreams: the static token (`meet_token`, `discovery_token`) when
            # configured, else the caller's own bearer token, as resolvers/google.py sends.
            static = getattr(credentials, f"{spec.name}_token", None)
            sent = f"Bearer {static}" if static else forwarded
            found.append(self.identities.of(sent) if sent else "-")
        return found


def _is_bearer(authorization: str | None) -> bool:
    return bool(authorization) and str(authorization).lower().startswith("bearer ")


def _introspection_only(definitions: Any, named: str | None) -> bool:
    for definition in definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if named is not None and (definition.name is None or definition.name.value != named):
            continue
        selections = definition.selection_set.selections
        return all(isinstance(s, FieldNode) and s.name.value.startswith("__") for s in selections)
    return False


def build_results(
    settings: Settings, traffic: Traffic, codec: CursorCodec
) -> OperationResults | None:
    """The result cache these settings ask for (None: off)."""
    enabled = settings.response_cache
    if enabled is None:  # on whenever the upstream cache keeps anything
        enabled = settings.cache_ended_ttl > 0 or settings.cache_live_ttl > 0
    if not enabled:
        return None
    backend = traffic.cache.backend
    store: ResultStore
    if isinstance(backend, RedisBackend):
        store = RedisResults(backend)
    elif isinstance(backend, MemoryBackend):
        store = MemoryResults(
            backend, settings.response_cache_max_entries, settings.response_cache_max_bytes
        )
    else:
        return None
    shaping = {name: getattr(settings, name) for name in _SHAPING}
    fingerprint = hashlib.sha256(
        orjson.dumps([_code_fingerprint(), codec.fingerprint, shaping])
    ).hexdigest()[:32]
    return OperationResults(
        ResultCache(store, traffic.cache), traffic.cache.identities, fingerprint
    )


@functools.cache
def _code_fingerprint() -> str:
    """The resolvers' and schema's source and the versions that shape the JSON: a deploy
    that changes any of them starts on fresh keys (old answers are never served by new code)."""
    digest = hashlib.sha256()
    for package in (resolvers, schema_package):
        root = Path(package.__file__ or "").parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    for distribution in ("sessiongraph", "strawberry-graphql", "graphql-core", "orjson"):
        try:
            digest.update(metadata.version(distribution).encode() + b"\0")
        except metadata.PackageNotFoundError:
            digest.update(b"-\0")
    return digest.hexdigest()


def result_cache_extension(metrics: GatewayMetrics | None) -> type[SchemaExtension]:
    """The extension class, counting lookups in `metrics` (if on)."""
    counted: dict[str, Callable[[], None]] = {}
    if metrics is not None:
        counter = metrics.cache_requests
        for outcome in ("hit", "miss", "unavailable"):
            counted[outcome] = counter.labels(provider=METRIC_PROVIDER, result=outcome).inc

    def count(outcome: str) -> None:
        if outcome in counted:
            counted[outcome]()

    class CacheOperationResult(SchemaExtension):
        async def on_execute(self) -> AsyncIterator[None]:
            context = self.execution_context
            runtime = _runtime_of(context)
            results = runtime.results if runtime is not None else None
            key = None
            if results is not None and runtime is not None:
                key = results.key(context, runtime.upstreams.credentials)
            if results is None or key is None:
                yield
                return
            found = await results.cache.lookup(key)
            if isinstance(found, bytes):
                count("hit")
                data = cast("dict[str, Any]", orjson.Fragment(found))
                context.result = ExecutionResult(data=data)
                yield
                return
            count("unavailable" if found is UNAVAILABLE else "miss")
            with dependencies.recording() as record:
                yield
            payload = _complete_answer(context)
            if payload is not None:
                await results.cache.keep(key, payload, record)

    return CacheOperationResult


def _runtime_of(context: ExecutionContext) -> Runtime | None:
    request = getattr(context.context, "request", None)
    if request is None or request.scope.get("type") != "http":
        return None  # queries over a WebSocket are left alone
    return getattr(request.app.state, "runtime", None)


def _complete_answer(context: ExecutionContext) -> bytes | None:
    """The `data` JSON of an answer with no error at all, else None."""
    result = context.result
    if not isinstance(result, ExecutionResult) or result.errors or result.data is None:
        return None
    if getattr(context.context, "partial_errors", None):
        return None
    try:
        return orjson.dumps(result.data)
    except orjson.JSONEncodeError:
        return None


def with_result_cache(
    schema: strawberry.federation.Schema, metrics: GatewayMetrics | None
) -> strawberry.federation.Schema:
    """A shallow copy of `schema` that also runs the result cache, first among the
    execute hooks (so a hit skips the budget estimate); the shared schema is not changed."""
    clone = copy.copy(schema)
    clone.extensions = (result_cache_extension(metrics), *schema.extensions)
    return clone

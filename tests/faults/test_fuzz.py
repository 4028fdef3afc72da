"""A bounded GraphQL fuzz run: generated operations never get a 500, INTERNAL, or a code-less error.

Operations come from hypothesis-graphql (the generator schemathesis uses for
GraphQL), built from the gateway's schema: valid ones (positive mode) and ones
that break the schema's rules (negative mode), with adversarial values for
the custom scalars (dates from year 1 to 9999 and malformed ones, federation
representations of every shape). They run against the real app on a fresh
emulator hub (mutations write to it).
`SESSIONGRAPH_FUZZ_CASES` sets how many (`./dev fuzz` runs many more).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema
from hypothesis_graphql import nodes as gql

from app.asgi import create_app
from app.emulators import EmulatorConfig, build_hub
from app.settings import Settings
from schema import build_schema

CASES = int(os.environ.get("SESSIONGRAPH_FUZZ_CASES", "1000"))
GOOGLE = {"authorization": "Bearer sessiongraph-demo-google-token"}
TYPE_NAMES = ["ConferenceRecord", "CallSession", "RealtimeSession", "Conversation", "PageInfo", "x"]

_texts = st.text(max_size=40)
_dates = st.one_of(
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(
        ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00+01:00"]
    ),
    _texts,
)
_json_leaf = st.one_of(
    _texts.map(gql.String), st.integers().map(gql.Int), st.booleans().map(gql.Boolean)
)
_key_value = st.one_of(
    _texts.map(gql.String),
    st.sampled_from([".", "..", "a/b", "%2F", ""]).map(gql.String),
    st.just(gql.Object([])),
    st.integers().map(gql.Int),
)
_representation = st.tuples(
    st.sampled_from(TYPE_NAMES),
    st.lists(
        st.tuples(st.sampled_from(["id", "name", "callId", "sessionId"]), _key_value), max_size=3
    ),
).map(
    lambda rep: gql.Object(
        [_field("__typename", gql.String(rep[0])), *(_field(k, v) for k, v in dict(rep[1]).items())]
    )
)
SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "DateTime": _dates.map(gql.String),
    "JSON": _json_leaf,
    "_Any": st.one_of(_representation, _json_leaf),
}


def _field(name: str, value: graphql.ValueNode) -> graphql.ObjectFieldNode:
    return graphql.ObjectFieldNode(name=graphql.NameNode(value=name), value=value)


Post = Callable[[str], httpx.Response]


@pytest.fixture(scope="module")
def fuzz_post() -> Iterator[Post]:
    """POST one operation to the real app, synchronously (Hypothesis tests are sync)."""
    configured = Settings(
        _env_file=None,  # type: ignore[call-arg]
        retry_base_delay=0.0,
        retry_max_delay=0.0,
        operation_timeout=2.0,
        # Small pages and budget keep each case cheap; the error paths are what is fuzzed.
        default_page_size=3,
        max_upstream_calls=60,
    )
    app = create_app(configured, hub=build_hub(EmulatorConfig()))
    loop = asyncio.new_event_loop()
    stack = AsyncExitStack()
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://gateway", headers=GOOGLE)
    loop.run_until_complete(stack.enter_async_context(app.router.lifespan_context(app)))
    loop.run_until_complete(stack.enter_async_context(client))

    def post(operation: str) -> httpx.Response:
        return loop.run_until_complete(client.post("/graphql", json={"query": operation}))

    try:
        yield post
    finally:
        loop.run_until_complete(stack.aclose())
        loop.close()


def _check(response: Any) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    assert "errors" in body or "data" in body, body
    for error in body.get("errors", []):
        code = error.get("extensions", {}).get("code")
        assert code, error
        assert code != "INTERNAL", error
        assert "Traceback" not in error["message"]


_SCHEMA = build_schema()._schema  # graphql-core's, with the federation fields
_ROOTS = [
    *(_SCHEMA.query_type.fields if _SCHEMA.query_type else {}),
    *(_SCHEMA.mutation_type.fields if _SCHEMA.mutation_type else {}),
]
# Valid operations one root field at a time (small documents generate much faster
# than ones over the whole schema), and operations that break the schema's rules.
_OPERATIONS = st.one_of(
    *(from_schema(_SCHEMA, fields=[root], custom_scalars=SCALARS) for root in _ROOTS),
    from_schema(_SCHEMA, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
)


@settings(
    max_examples=CASES,
    deadline=None,
    database=None,
    derandomize=CASES <= 1000,  # the suite's run is the same every time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(operation=_OPERATIONS)
def test_generated_operations_get_coded_errors_never_internal(
    fuzz_post: Post, operation: str
) -> None:
    _check(fuzz_post(operation))

"""The GraphQL framework's share: the attendance document on graphql-core and Strawberry.

Both execute the same document over the same 100 rows already in memory (no
upstream, no HTTP), each with a schema of the attendance page's shape and no
resolver work beyond reading attributes: what is left is the engine. graphql-core
is what Strawberry runs on, so the difference is Strawberry's own layer; the
third run is Strawberry on the gateway's executor (its field shortcuts).
"""

from __future__ import annotations

import time
from typing import Any

import strawberry
from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    execute,
    parse,
    validate,
)
from strawberry.extensions import ValidationCache

from resolvers.timestamps import Instant
from schema.documents import CachedParse
from schema.execution import GatewayExecutionContext

DOCUMENT = """{ callSession(callType: "a", callId: "b", sessionId: "c") { participantSessions(first: 100) { edges { node { userId joinTime leaveTime durationSeconds } } } } }"""


def _rows(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "userId": r["user_id"],
            "joinTime": Instant.coerce(r["joined_at"]) if r.get("joined_at") else None,
            "leaveTime": Instant.coerce(r["left_at"]) if r.get("left_at") else None,
            "durationSeconds": r.get("duration_in_seconds"),
        }
        for r in raw
    ]


def _time(value: Any, _info: Any) -> str | None:
    return None if value is None else value.isoformat()


def _plain_schema(rows: list[dict[str, Any]]) -> GraphQLSchema:
    def item(name: str, kind: Any, resolve: Any = None) -> GraphQLField:
        return GraphQLField(kind, resolve=resolve or (lambda obj, _info: obj[name]))

    node = GraphQLObjectType(
        "Node",
        {
            "userId": item("userId", GraphQLString),
            "joinTime": item("joinTime", GraphQLString, lambda o, i: _time(o["joinTime"], i)),
            "leaveTime": item("leaveTime", GraphQLString, lambda o, i: _time(o["leaveTime"], i)),
            "durationSeconds": item("durationSeconds", GraphQLFloat),
        },
    )
    edge = GraphQLObjectType("Edge", {"node": GraphQLField(node, resolve=lambda o, _i: o)})
    conn = GraphQLObjectType(
        "Connection", {"edges": GraphQLField(GraphQLList(edge), resolve=lambda o, _i: o)}
    )
    session = GraphQLObjectType(
        "CallSession",
        {
            "participantSessions": GraphQLField(
                conn, {"first": GraphQLArgument(GraphQLInt)}, resolve=lambda _o, _i, first: rows
            )
        },
    )
    string = GraphQLArgument(GraphQLNonNull(GraphQLString))
    query = GraphQLObjectType(
        "Query",
        {
            "callSession": GraphQLField(
                session,
                {"callType": string, "callId": string, "sessionId": string},
                resolve=lambda *_a, **_k: {},
            )
        },
    )
    return GraphQLSchema(query)


@strawberry.type
class _Node:
    user_id: str | None
    join_time: str | None
    leave_time: str | None
    duration_seconds: float | None


@strawberry.type
class _Edge:
    node: _Node


@strawberry.type
class _Connection:
    edges: list[_Edge]


@strawberry.type
class _CallSession:
    @strawberry.field
    def participant_sessions(self, info: strawberry.Info, first: int | None = None) -> _Connection:
        rows: list[dict[str, Any]] = info.context["rows"]
        return _Connection(
            edges=[
                _Edge(
                    node=_Node(
                        user_id=r["userId"],
                        join_time=None if r["joinTime"] is None else r["joinTime"].isoformat(),
                        leave_time=None if r["leaveTime"] is None else r["leaveTime"].isoformat(),
                        duration_seconds=r["durationSeconds"],
                    )
                )
                for r in rows
            ]
        )


@strawberry.type
class _Query:
    @strawberry.field
    def call_session(self, call_type: str, call_id: str, session_id: str) -> _CallSession:
        return _CallSession()


def measure(raw_rows: list[dict[str, Any]], repeat: int) -> dict[str, float]:
    """Milliseconds per execution: graphql-core alone, and Strawberry (same document)."""
    rows = _rows(raw_rows)
    plain = _plain_schema(rows)
    document = parse(DOCUMENT)
    assert not validate(plain, document)
    straw = strawberry.Schema(_Query, extensions=[CachedParse, ValidationCache])
    ours = strawberry.Schema(
        _Query,
        extensions=[CachedParse, ValidationCache],
        execution_context_class=GatewayExecutionContext,
    )
    context = {"rows": rows}
    results: dict[str, float] = {}
    for name, run in (
        ("graphql-core", lambda: execute(plain, document)),
        ("strawberry", lambda: straw.execute_sync(DOCUMENT, context_value=context)),
        ("shortcuts", lambda: ours.execute_sync(DOCUMENT, context_value=context)),
    ):
        outcome: Any = run()
        assert not outcome.errors, outcome.errors
        started = time.process_time()
        for _ in range(repeat):
            run()
        results[name] = (time.process_time() - started) / repeat * 1000
    return results

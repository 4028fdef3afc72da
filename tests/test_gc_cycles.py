"""An operation's objects are freed when it ends, without the cyclic collector.

A request's context, loaders, executor and everything they remember (pages,
records, futures) must not form reference cycles: cyclic garbage waits for the
collector's passes, and full passes over a heap of such garbage once cost the
attendance page about half a millisecond a request. The server process relies on
this when it raises the collection threshold (app/asgi.py). Here the collector is
switched off while real operations run through the app against the emulators,
then one collection with DEBUG_SAVEALL shows what only it could have freed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.conftest import GraphQL

# The gateway's own code: its request path must leave nothing for the collector.
_GATEWAY_MODULES = ("app.", "schema.", "resolvers.", "graphql.execution", "aiodataloader")
_EMULATORS = "app.emulators"

OPERATIONS = [
    """{ callSessions(first: 5) { nodes { callId totalParticipantSessions
         participantSessions(first: 10) { totalCount edges { cursor node { id userId joinTime } } } } } }""",
    """{ conferenceRecords(first: 3) { edges { node { name
         participants(first: 5) { edges { node { displayName sessions(first: 3) { edges { node { joinTime } } } } } }
         transcripts { edges { node { entries(first: 5) { edges { node { text participant { displayName } } } } } } }
       } } } }""",
    """{ realtimeSessions(first: 5) { nodes { sessionId participants(first: 5) { totalCount nodes { displayName } } } } }""",
    """{ conversations(first: 5) { nodes { name turnCount turns { query { text } } } } }""",
    """{ sessions(first: 12) { edges { cursor node { __typename id startTime isLive } } pageInfo { hasNextPage } } }""",
]


@contextmanager
def _collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _gateway_garbage() -> list[str]:
    """Type names of gateway objects that only a cyclic collection frees."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        found = []
        for obj in gc.garbage:
            module = getattr(type(obj), "__module__", "") or ""
            if module.startswith(_GATEWAY_MODULES) and not module.startswith(_EMULATORS):
                found.append(f"{module}.{type(obj).__qualname__}")
        return found
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.mark.parametrize(
    "query", OPERATIONS, ids=["calls", "meet", "realtime", "discovery", "timeline"]
)
async def test_an_operation_leaves_no_cyclic_garbage(graphql: GraphQL, query: str) -> None:
    await graphql(query)  # first run: plans, parsed documents and pools warmed up
    with _collector_off():
        for _ in range(3):
            data: dict[str, Any] = await graphql(query)
            assert data
        leftovers = _gateway_garbage()
    assert leftovers == [], sorted(set(leftovers))


async def test_a_failing_field_leaves_no_cyclic_garbage(graphql: GraphQL) -> None:
    """A located error (here a malformed global id) frees its request just the same."""
    query = '{ node(id: "not-a-global-id") { id } callSessions(first: 2) { nodes { callId } } }'
    await graphql(query, expect_errors=True)
    with _collector_off():
        body = await graphql(query, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"]
        leftovers = _gateway_garbage()
    assert leftovers == [], sorted(set(leftovers))

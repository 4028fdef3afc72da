"""The upstream-call budget: refused before any call when the estimate is over, enforced at run time."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import parse

from app.emulators import EmulatorHub
from app.settings import Settings
from bench.scenarios import SCENARIOS
from schema import build_schema
from schema.budget import BudgetLimits, CallEstimator
from tests.faults.test_isolation import ALL_FOUR

GOOGLE = {"authorization": "Bearer sessiongraph-demo-google-token"}

# Every connection at first: 100 (made 2,858 upstream calls before the budget).
EVERYTHING = """{
  conferenceRecords(first: 100) { nodes {
    participants(first: 100) { nodes { sessions(first: 100) { nodes { name } } } }
    recordings(first: 100) { nodes { name } }
    transcripts(first: 100) { nodes { entries(first: 100) { nodes { text } } } } } }
  conversations(first: 100) { nodes { name } }
  realtimeSessions(first: 100) { nodes { participants(first: 100) { nodes { id } } } }
  callSessions(first: 100) { nodes { participantSessions(first: 100) { nodes { id } } } }
  sessions(first: 100) { nodes { id } }
}"""

ALIASES = (
    "{"
    + " ".join(
        f"a{i}: conferenceRecords(first: 100) {{ nodes {{ participants(first: 100) {{ totalCount }} }} }}"
        for i in range(30)
    )
    + "}"
)

ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"


def _estimate(query: str, variables: dict[str, Any] | None = None) -> int:
    estimator = CallEstimator.for_schema(build_schema(), BudgetLimits())
    return estimator.estimate(parse(query), None, variables)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (EVERYTHING, {}),
        (ALIASES, {}),
        (
            ENTITIES,
            {"r": [{"__typename": "ConferenceRecord", "name": "conferenceRecords/x"}] * 1000},
        ),
    ],
)
async def test_over_budget_operations_are_refused_with_their_estimate_before_any_call(
    client: httpx.AsyncClient, hub: EmulatorHub, query: str, variables: dict[str, Any]
) -> None:
    body = (
        await client.post("/graphql", json={"query": query, "variables": variables}, headers=GOOGLE)
    ).json()

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["maxUpstreamCalls"] == 500
    assert error["extensions"]["estimatedUpstreamCalls"] == _estimate(query, variables) > 500
    assert len(hub.log) == 0


REPRESENTATIVE = [
    ALL_FOUR,
    "{ conferenceRecords(first: 5) { nodes { space { meetingCode } participants(first: 3) { totalCount "
    "nodes { sessions(first: 3) { nodes { participant { displayName } } } } } } } }",
    "{ realtimeSessions(first: 0) { totalCount } callSessions(first: 3) { nodes { "
    "totalParticipantSessions participantSessions(last: 2) { totalCount nodes { userId } } } } }",
    "{ conversations(first: 5) { nodes { turns { detailedAnswer } } } }",
    "{ sessions(first: 30) { nodes { ... on RealtimeSession { participants(first: 3) "
    "{ nodes { peerReport } } } ... on CallSession { totalParticipantSessions } } } }",
    *(s.query for s in SCENARIOS if s.within_default_budget and not s.needs_town_hall),
]


@pytest.mark.parametrize("query", REPRESENTATIVE)
async def test_the_estimate_bounds_the_calls_the_emulators_see(
    client: httpx.AsyncClient, hub: EmulatorHub, query: str
) -> None:
    response = await client.post("/graphql", json={"query": query}, headers=GOOGLE)

    assert "errors" not in response.json(), response.json().get("errors")
    assert 0 < len(hub.log) <= _estimate(query) <= 500


async def test_node_lookups_count_one_call_per_id(graphql: Any, hub: EmulatorHub) -> None:
    page = await graphql("{ realtimeSessions(first: 3) { nodes { id } } }")
    ids = [n["id"] for n in page["realtimeSessions"]["nodes"]]
    hub.log.clear()
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    await graphql(query, {"ids": ids})
    assert len(hub.log) <= _estimate(query, {"ids": ids}) == 3


async def test_calls_beyond_the_budget_are_not_made_at_run_time(
    settings: Settings, hub: EmulatorHub
) -> None:
    # Short pages make the gateway fetch on, past what the estimate expects of a
    # well-behaved upstream: the run-time counter is what holds then.
    from app.asgi import create_app  # noqa: PLC0415

    limited = settings.model_copy(update={"max_upstream_calls": 2})
    hub["meet"].knobs.short_pages = True
    query = "{ conferenceRecords(first: 100) { nodes { name } } }"
    assert _estimate(query) == 2
    app = create_app(limited, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            body = (await client.post("/graphql", json={"query": query}, headers=GOOGLE)).json()

    assert body["data"] == {"conferenceRecords": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["maxUpstreamCalls"] == 2
    assert len(hub.log.entries("meet")) == 2


async def test_one_document_is_estimated_for_each_requests_variables(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    """Estimates are remembered by document and variables: the same document asking
    for a bigger page is refused, the small one still runs, in either order."""
    query = "query($n: Int) { conferenceRecords(first: 5) { nodes { participants(first: $n) { nodes { sessions(first: 50) { totalCount } } } } } }"

    async def post(n: int) -> dict[str, Any]:
        body = {"query": query, "variables": {"n": n}}
        answer: dict[str, Any] = (await client.post("/graphql", json=body, headers=GOOGLE)).json()
        return answer

    for _ in range(2):
        small, big = await post(2), await post(100)
        assert "errors" not in small, small
        assert big["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert big["errors"][0]["extensions"]["estimatedUpstreamCalls"] == _estimate(
            query, {"n": 100}
        )
    assert _estimate(query, {"n": 2}) <= 500 < _estimate(query, {"n": 100})

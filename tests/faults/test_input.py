"""Nothing a client sends is answered with INTERNAL or a 500 (each case from the fault report)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from app.emulators import EmulatorHub

ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
GOOGLE = {"authorization": "Bearer sessiongraph-demo-google-token"}

VARIABLE_CASES: list[tuple[str, dict[str, Any]]] = [
    ("query($n: Int) { conferenceRecords(first: $n) { totalCount } }", {"n": "x"}),
    ("query($n: String!) { conversation(name: $n) { name } }", {}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": None}),
    (
        "query($s: RealtimeSessionStatus) { realtimeSessions(first: 1, filter: {status: $s})"
        " { totalCount } }",
        {"s": "NOPE"},
    ),
    (
        "query($d: DateTime) { conferenceRecords(first: 1, filter: {startedAfter: $d})"
        " { totalCount } }",
        {"d": "yesterday"},
    ),
    (
        "query($d: DateTime) { conversations(first: 1, filter: {createdAfter: $d})"
        " { totalCount } }",
        {"d": "0001-01-01T00:00:00+01:00"},
    ),
    (ENTITIES, {"r": [{"__typename": "Nope"}]}),
    (ENTITIES, {"r": [{"name": "conferenceRecords/x"}]}),
    (ENTITIES, {"r": [1]}),
    (ENTITIES, {"r": [{"__typename": "ConferenceRecord", "name": {"$ne": 1}}]}),
    (ENTITIES, {"r": [{"__typename": "PageInfo"}]}),
]

PATH_CASES = [
    '{ callSession(callType: "default", callId: ".", sessionId: "x") { id } }',
    '{ callSession(callType: "default", callId: "a", sessionId: ".") { id } }',
    '{ callSession(callType: "default", callId: "a%2Fb", sessionId: "x") { id } }',
    '{ callSession(callType: "", callId: "a", sessionId: "x") { id } }',
    '{ realtimeSession(id: ".") { id } }',
    '{ realtimeSession(id: "..") { id } }',
    '{ conferenceRecord(name: "conferenceRecords/.") { name } }',
    '{ conferenceRecord(name: "conferenceRecords/%2E%2E") { name } }',
    '{ space(name: "spaces/..") { name } }',
]


DEEP = "name"
for _ in range(5):
    DEEP = "space { conferenceRecords { nodes { " + DEEP + " } } }"


def _codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body["errors"]]


@pytest.mark.parametrize(("query", "variables"), VARIABLE_CASES)
async def test_bad_variables_and_representations_are_bad_user_input(
    client: httpx.AsyncClient,
    hub: EmulatorHub,
    caplog: pytest.LogCaptureFixture,
    query: str,
    variables: dict[str, Any],
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=GOOGLE
        )
    assert response.status_code == 200
    assert _codes(response.json()) == ["BAD_USER_INPUT"]
    assert not [r for r in caplog.records if r.exc_info], "no traceback for a client mistake"
    assert len(hub.log) == 0


@pytest.mark.parametrize("query", PATH_CASES)
async def test_no_id_can_change_an_upstream_path(
    client: httpx.AsyncClient, hub: EmulatorHub, query: str
) -> None:
    response = await client.post("/graphql", json={"query": query}, headers=GOOGLE)
    assert _codes(response.json()) == ["BAD_USER_INPUT"]
    assert len(hub.log) == 0


async def test_a_stream_dot_segment_entity_is_refused_before_any_call(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    rep = {"__typename": "CallSession", "callType": "default", "callId": ".", "sessionId": "."}
    body = (
        await client.post("/graphql", json={"query": ENTITIES, "variables": {"r": [rep]}})
    ).json()
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["_entities", 0]
    assert len(hub.log) == 0


async def test_good_and_bad_representations_answer_side_by_side(
    graphql: Any, client: httpx.AsyncClient
) -> None:
    page = await graphql("{ realtimeSessions(first: 1) { nodes { id } } }")
    good = {"__typename": "RealtimeSession", "id": page["realtimeSessions"]["nodes"][0]["id"]}
    variables = {"r": [{"__typename": "Nope"}, good]}
    body = (await client.post("/graphql", json={"query": ENTITIES, "variables": variables})).json()
    assert body["data"]["_entities"][0] is None
    assert body["data"]["_entities"][1] == {"__typename": "RealtimeSession"}
    assert [e["path"] for e in body["errors"]] == [["_entities", 0]]


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"\xff\xfe{}", 400),  # invalid UTF-8
        (b"[" * 2000 + b"]" * 2000, 400),  # nested deeper than any JSON parser should follow
        (b'{"query": "{ __typename }", "variables": {"a": "\\ud800"}}', 400),  # lone surrogate
        (b'{"query": "{ __typename }", "variables": {"a": "' + b"x" * (1 << 20) + b'"}}', 413),
    ],
)
async def test_malformed_bodies_get_json_errors(
    client: httpx.AsyncClient, content: bytes, status: int
) -> None:
    response = await client.post(
        "/graphql", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert _codes(response.json()) == ["BAD_USER_INPUT"]


async def test_a_chunked_body_over_the_limit_is_refused_while_read(
    client: httpx.AsyncClient,
) -> None:
    async def chunks() -> Any:
        for _ in range(40):
            yield b" " * 32768  # 1.25 MiB in all, no content-length announced

    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert _codes(response.json()) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ tokens }", "BAD_USER_INPUT"),  # an unknown field is not a limit
        ("{ nested }", "BAD_USER_INPUT"),
        ("{ " + "conferenceRecords(first: 1) { totalCount } " * 1000 + "}", "QUERY_TOO_COMPLEX"),
        ("{" + "a:__typename " * 41 + "}", "QUERY_TOO_COMPLEX"),
        (
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
            "QUERY_TOO_COMPLEX",
        ),
        ("{ conferenceRecords { nodes { " + DEEP + " } } }", "QUERY_TOO_COMPLEX"),
    ],
)
async def test_codes_follow_the_kind_of_error_not_its_words(
    client: httpx.AsyncClient, query: str, code: str
) -> None:
    body = (await client.post("/graphql", json={"query": query})).json()
    assert set(_codes(body)) == {code}


async def test_every_year_from_1_to_9999_is_written_upstream_with_four_digits(
    graphql: Any, hub: EmulatorHub
) -> None:
    query = """query($a: DateTime, $b: DateTime) {
      conferenceRecords(first: 1, filter: {startedAfter: $a, startedBefore: $b}) { totalCount }
    }"""
    await graphql(query, {"a": "0001-01-01T00:00:00Z", "b": "0999-12-31T23:59:59Z"})
    [request] = hub.log.entries("meet")
    written = request.param("filter") or ""
    assert '"0001-01-01T00:00:00Z"' in written
    assert '"0999-12-31T23:59:59Z"' in written


async def test_created_after_the_first_instant_is_no_overflow(graphql: Any) -> None:
    query = """query($d: DateTime) {
      conversations(first: 1, filter: {createdAfter: $d}) { nodes { name } }
    }"""
    data = await graphql(query, {"d": "0001-01-01T00:00:00Z"}, headers=GOOGLE)
    assert len(data["conversations"]["nodes"]) == 1

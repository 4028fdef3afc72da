"""Bad input is refused before any upstream call; upstream failures fail only their fields."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule
from app.settings import Settings
from tests.conftest import GraphQL
from tests.meet.upstream import walk

FIRST_PAGE = "query($first: Int, $after: String) { conferenceRecords(first: $first, after: $after) { pageInfo { endCursor } edges { node { name } } } }"


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def test_tampered_and_foreign_cursors_are_refused_without_upstream_calls(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    records = await walk(hub, "/v2/conferenceRecords", "conferenceRecords")
    page = await graphql(FIRST_PAGE, {"first": 2})
    cursor = page["conferenceRecords"]["pageInfo"]["endCursor"]
    participants_cursor = (
        await graphql(
            "query($n: String!) { conferenceRecord(name: $n) { participants(first: 1) { pageInfo { endCursor } } } }",
            {"n": records[0]["name"]},
        )
    )["conferenceRecord"]["participants"]["pageInfo"]["endCursor"]
    head, payload, mac = cursor.split(".")
    forged = ".".join([head, payload[:-1] + ("A" if payload[-1] != "A" else "B"), mac])
    hub.log.clear()

    for bad in [forged, participants_cursor, "v1.e30.AAAA", "not-a-cursor"]:
        body = await graphql(FIRST_PAGE, {"first": 2, "after": bad}, expect_errors=True)
        assert body["data"] == {"conferenceRecords": None}
        assert _codes(body) == ["BAD_USER_INPUT"]
        assert body["errors"][0]["path"] == ["conferenceRecords"]
    assert hub.log.entries("meet") == []


@pytest.mark.parametrize(("first", "word"), [(101, "100"), (-1, "0")])
async def test_first_out_of_range_names_the_limit(
    graphql: GraphQL, hub: EmulatorHub, first: int, word: str
) -> None:
    body = await graphql(FIRST_PAGE, {"first": first}, expect_errors=True)
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert "100" in body["errors"][0]["message"]
    assert word in body["errors"][0]["message"]
    assert hub.log.entries("meet") == []


@pytest.mark.parametrize(
    "flt",
    [
        {"meetingCode": 'abc-def-ghi" OR space.name = "spaces/x'},
        {"meetingCode": "abc-def-ghi\\"},
        {"spaceName": 'spaces/abc" OR "1" = "1'},
        {"spaceName": "spaces/../conferenceRecords"},
        {"meetingCode": "abc OR def"},
    ],
)
async def test_hostile_filter_values_never_reach_meet(
    graphql: GraphQL, hub: EmulatorHub, flt: dict[str, str]
) -> None:
    query = "query($f: ConferenceRecordFilter) { conferenceRecords(first: 5, filter: $f) { edges { node { name } } } }"
    body = await graphql(query, {"f": flt}, expect_errors=True)
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert hub.log.entries("meet") == []


async def test_filters_are_sent_quoted(graphql: GraphQL, hub: EmulatorHub) -> None:
    records = await walk(hub, "/v2/conferenceRecords", "conferenceRecords")
    space = records[0]["space"]
    query = "query($f: ConferenceRecordFilter) { conferenceRecords(first: 100, filter: $f) { edges { node { name } } } }"

    data = await graphql(
        query,
        {"f": {"spaceName": space, "startedAfter": "2000-01-01T01:00:00+01:00", "live": False}},
    )

    sent = hub.log.entries("meet")[0].param("filter")
    assert sent == (
        f'space.name = "{space}" AND start_time >= "2000-01-01T00:00:00Z" '
        'AND end_time >= "1970-01-01T00:00:00Z"'
    )
    expected = [r["name"] for r in records if r["space"] == space and r.get("endTime")]
    assert [e["node"]["name"] for e in data["conferenceRecords"]["edges"]] == expected


@pytest.mark.parametrize(
    "name",
    [
        "conferenceRecords/../spaces/abc",
        "conferenceRecords/abc?pageSize=1",
        "conferenceRecords/abc#x",
        "conferenceRecords/abc/participants",
        "conferenceRecords/a%2Fb",
        "spaces/abc",
    ],
)
async def test_malformed_resource_names_are_refused(
    graphql: GraphQL, hub: EmulatorHub, name: str
) -> None:
    body = await graphql(
        "query($n: String!) { conferenceRecord(name: $n) { name } }",
        {"n": name},
        expect_errors=True,
    )
    assert body["data"] == {"conferenceRecord": None}
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert hub.log.entries("meet") == []


async def test_unknown_conference_is_null_with_not_found(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    body = await graphql(
        '{ conferenceRecord(name: "conferenceRecords/doesNotExist") { name } }', expect_errors=True
    )
    assert body["data"] == {"conferenceRecord": None}
    assert body["errors"][0]["path"] == ["conferenceRecord"]
    assert body["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "provider": "GOOGLE_MEET",
        "upstreamStatus": 404,
    }


@pytest.fixture
async def quick_client(settings: Settings, hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"read_timeout": 0.3}), hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


@pytest.mark.parametrize(
    ("rule", "code", "status"),
    [
        (FaultRule(r"^/v2/conferenceRecords/[^/]+$", 404), "NOT_FOUND", 404),
        (FaultRule(r"^/v2/conferenceRecords/[^/]+$", 403), "FORBIDDEN", 403),
        (FaultRule(r"^/v2/conferenceRecords/[^/]+$", 429, retry_after=30), "RATE_LIMITED", 429),
        (FaultRule(r"^/v2/conferenceRecords/[^/]+$", 500), "UPSTREAM_UNAVAILABLE", 500),
        (FaultRule(r"^/v2/conferenceRecords/[^/]+$", 0, delay_s=5), "UPSTREAM_TIMEOUT", 504),
    ],
)
async def test_one_failing_field_leaves_the_rest_of_the_response(
    quick_client: httpx.AsyncClient, hub: EmulatorHub, rule: FaultRule, code: str, status: int
) -> None:
    records = await walk(hub, "/v2/conferenceRecords", "conferenceRecords")
    hub["meet"].knobs.rules = [rule]
    query = """query($n: String!) {
      broken: conferenceRecord(name: $n) { name }
      list: conferenceRecords(first: 3) { edges { node { name } } }
    }"""

    response = await quick_client.post(
        "/graphql", json={"query": query, "variables": {"n": records[5]["name"]}}
    )

    body = response.json()
    assert response.status_code == 200
    assert body["data"]["broken"] is None
    assert [e["node"]["name"] for e in body["data"]["list"]["edges"]] == [
        r["name"] for r in records[:3]
    ]
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["path"] == ["broken"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["provider"] == "GOOGLE_MEET"
    assert error["extensions"]["upstreamStatus"] == status
    if code == "RATE_LIMITED":
        # Google documents no Retry-After on 429 (the emulator sends none): the
        # gateway gives its own backoff estimate, as every RATE_LIMITED must.
        assert error["extensions"]["retryAfterSeconds"] >= 1
    else:
        assert "retryAfterSeconds" not in error["extensions"]
    assert "Traceback" not in response.text
    assert "sessiongraph-demo-google-token" not in response.text

"""Walking Meet connections: every item once, in upstream order, with exact pageInfo."""

from __future__ import annotations

from typing import Any

from app.emulators import EmulatorHub
from schema.relay import encode_global_id
from tests.conftest import GraphQL
from tests.meet.upstream import walk

RECORDS = """
query($first: Int, $after: String) {
  conferenceRecords(first: $first, after: $after) {
    edges { cursor node { id name startTime endTime isLive } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""

PARTICIPANTS = """
query($name: String!, $first: Int, $after: String) {
  conferenceRecord(name: $name) {
    participants(first: $first, after: $after) {
      totalCount
      edges { node { name displayName } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""

SESSIONS = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) {
    ... on Participant {
      sessions(first: $first, after: $after) {
        edges { node { name joinTime leaveTime } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}"""


async def _walk_connection(
    graphql: GraphQL, query: str, path: list[str], variables: dict[str, Any], first: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        data = await graphql(query, {**variables, "first": first, "after": after})
        for key in path:
            data = data[key]
        pages.append(data)
        nodes.extend(edge["node"] for edge in data["edges"])
        if not data["pageInfo"]["hasNextPage"]:
            return nodes, pages
        after = data["pageInfo"]["endCursor"]


async def test_walking_conference_records_visits_each_once_newest_first(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    expected = await walk(hub, "/v2/conferenceRecords", "conferenceRecords")
    assert len(expected) >= 300

    nodes, pages = await _walk_connection(graphql, RECORDS, ["conferenceRecords"], {}, 7)

    assert [n["name"] for n in nodes] == [r["name"] for r in expected]
    assert len({n["id"] for n in nodes}) == len(nodes)
    assert all(len(page["edges"]) == 7 for page in pages[:-1])
    assert 1 <= len(pages[-1]["edges"]) <= 7
    assert pages[0]["pageInfo"]["hasPreviousPage"] is False
    assert all(page["pageInfo"]["hasPreviousPage"] for page in pages[1:])
    starts = [n["startTime"] for n in nodes]
    assert [n["startTime"] for n in nodes] == [r["startTime"] for r in expected]
    assert starts == sorted(starts, reverse=True) or len(set(starts)) < len(starts)


async def test_walking_the_busiest_conference_participants_and_sessions(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    records = await walk(hub, "/v2/conferenceRecords", "conferenceRecords")
    busiest, expected = None, []
    for record in records:
        people = await walk(hub, f"/v2/{record['name']}/participants", "participants", size=250)
        if len(people) > len(expected):
            busiest, expected = record["name"], people
    assert busiest is not None
    assert len(expected) > 100

    nodes, pages = await _walk_connection(
        graphql, PARTICIPANTS, ["conferenceRecord", "participants"], {"name": busiest}, 30
    )

    assert [n["name"] for n in nodes] == [p["name"] for p in expected]
    assert {page["totalCount"] for page in pages} == {len(expected)}

    # The participant with the most sessions in that conference.
    counts = {}
    for person in expected:
        sessions = await walk(
            hub, f"/v2/{person['name']}/participantSessions", "participantSessions"
        )
        counts[person["name"]] = sessions
    most = max(counts, key=lambda name: len(counts[name]))
    assert len(counts[most]) >= 3
    sessions, _ = await _walk_connection(
        graphql, SESSIONS, ["node", "sessions"], {"id": encode_global_id("Participant", most)}, 2
    )
    assert [s["name"] for s in sessions] == [s["name"] for s in counts[most]]


async def test_first_n_returns_n_edges_even_when_the_upstream_serves_short_pages(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    expected = await walk(hub, "/v2/conferenceRecords", "conferenceRecords")
    hub["meet"].knobs.short_pages = True

    first = await graphql(RECORDS, {"first": 10})
    second = await graphql(
        RECORDS, {"first": 10, "after": first["conferenceRecords"]["pageInfo"]["endCursor"]}
    )

    names = [e["node"]["name"] for e in first["conferenceRecords"]["edges"]]
    names += [e["node"]["name"] for e in second["conferenceRecords"]["edges"]]
    assert names == [r["name"] for r in expected[:20]]
    sizes = [int(e.param("pageSize") or 0) for e in hub.log.entries("meet")]
    assert len(sizes) > 2  # short pages forced the gateway to fetch on
    assert max(sizes) <= 100


async def test_nanosecond_timestamps_come_out_unchanged(graphql: GraphQL, hub: EmulatorHub) -> None:
    expected = await walk(hub, "/v2/conferenceRecords", "conferenceRecords")
    nodes, _ = await _walk_connection(graphql, RECORDS, ["conferenceRecords"], {}, 100)

    by_name = {n["name"]: n for n in nodes}
    nano = [r for r in expected if len(r["startTime"].split(".")[-1]) == 10]  # 9 digits + Z
    assert nano, "the seeded data should carry nanosecond timestamps"
    for record in expected:
        assert by_name[record["name"]]["startTime"] == record["startTime"]
        assert by_name[record["name"]]["endTime"] == record.get("endTime")

"""The Apollo Federation subgraph surface: `_service` and `_entities` through the loaders."""

from __future__ import annotations

from app.emulators import EmulatorHub
from schema.relay import encode_global_id
from tests.conftest import GraphQL
from tests.meet.upstream import rounds, walk

ENTITIES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    __typename
    ... on ConferenceRecord { id name startTime }
  }
}"""


async def test_service_sdl_declares_keys_and_shareable_page_info(graphql: GraphQL) -> None:
    sdl = (await graphql("{ _service { sdl } }"))["_service"]["sdl"]
    assert (
        'type ConferenceRecord implements Session & Node @key(fields: "id") @key(fields: "name")'
        in sdl
    )
    assert "type PageInfo @shareable" in sdl
    assert '@link(url: "https://specs.apollo.dev/federation/v2.7"' in sdl


async def test_entities_resolve_by_id_or_name_in_order(graphql: GraphQL, hub: EmulatorHub) -> None:
    records = (await walk(hub, "/v2/conferenceRecords", "conferenceRecords"))[:3]
    reps = [
        {
            "__typename": "ConferenceRecord",
            "id": encode_global_id("ConferenceRecord", records[0]["name"]),
        },
        {"__typename": "ConferenceRecord", "name": records[1]["name"]},
        {"__typename": "ConferenceRecord", "name": records[0]["name"]},
        {"__typename": "ConferenceRecord", "name": records[2]["name"]},
    ]

    data = await graphql(ENTITIES, {"reps": reps})

    names = [e["name"] for e in data["_entities"]]
    assert names == [records[0]["name"], records[1]["name"], records[0]["name"], records[2]["name"]]
    assert data["_entities"][0]["id"] == encode_global_id("ConferenceRecord", records[0]["name"])
    # The same record twice costs one upstream call.
    assert len(hub.log.entries("meet")) == 3


async def test_a_hundred_entities_load_as_one_concurrent_batch(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    records = (await walk(hub, "/v2/conferenceRecords", "conferenceRecords"))[:100]
    hub["meet"].knobs.latency_ms = 30
    reps = [{"__typename": "ConferenceRecord", "name": r["name"]} for r in records]

    data = await graphql(ENTITIES, {"reps": reps})

    assert [e["name"] for e in data["_entities"]] == [r["name"] for r in records]
    calls = hub.log.entries("meet")
    assert len(calls) == 100
    assert rounds(calls) == 1

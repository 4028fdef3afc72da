"""`node(id:)` and `nodes(ids:)` resolve every Node type, through the same loaders."""

from __future__ import annotations

from typing import Any

from app.emulators import EmulatorHub
from tests.conftest import GraphQL

# One query that reaches an object of every Node type from the listings.
SAMPLE = """
{
  conferenceRecords(first: 1, filter: { live: false }) { nodes {
    id space { id }
    participants(first: 1) { nodes { id sessions(first: 1) { nodes { id } } } }
  } }
  recordings: conferenceRecords(first: 40, filter: { live: false }) { nodes {
    recordings(first: 1) { nodes { id } }
    transcripts(first: 1) { nodes { id entries(first: 1) { nodes { id } } } }
  } }
  conversations(first: 1) { nodes { id } }
  realtimeSessions(first: 1) { nodes { id participants(first: 1) { nodes { id } } } }
  callSessions(first: 1) { nodes { id participantSessions(first: 1) { nodes { id } } } }
}"""

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


def _ids(data: dict[str, Any]) -> dict[str, str]:
    record = data["conferenceRecords"]["nodes"][0]
    participant = record["participants"]["nodes"][0]
    with_recording = next(r for r in data["recordings"]["nodes"] if r["recordings"]["nodes"])
    with_entries = next(
        t
        for r in data["recordings"]["nodes"]
        for t in r["transcripts"]["nodes"]
        if t["entries"]["nodes"]
    )
    realtime = data["realtimeSessions"]["nodes"][0]
    call = data["callSessions"]["nodes"][0]
    return {
        "ConferenceRecord": record["id"],
        "Space": record["space"]["id"],
        "Participant": participant["id"],
        "ParticipantSession": participant["sessions"]["nodes"][0]["id"],
        "Recording": with_recording["recordings"]["nodes"][0]["id"],
        "Transcript": with_entries["id"],
        "TranscriptEntry": with_entries["entries"]["nodes"][0]["id"],
        "Conversation": data["conversations"]["nodes"][0]["id"],
        "RealtimeSession": realtime["id"],
        "RealtimeParticipant": realtime["participants"]["nodes"][0]["id"],
        "CallSession": call["id"],
        "CallParticipantSession": call["participantSessions"]["nodes"][0]["id"],
    }


async def test_node_resolves_every_node_type(graphql: GraphQL) -> None:
    ids = _ids(await graphql(SAMPLE))

    for type_name, node_id in ids.items():
        found = (await graphql(NODE, {"id": node_id}))["node"]
        assert found == {"__typename": type_name, "id": node_id}


async def test_nodes_resolves_a_mix_in_order_and_fails_only_unknown_ones(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    ids = _ids(await graphql(SAMPLE))
    hub.log.clear()
    wanted = [*ids.values(), "bm9wZQ"]

    body = await graphql(NODES, {"ids": wanted}, expect_errors=True)

    found = body["data"]["nodes"]
    assert [n["__typename"] for n in found[:-1]] == list(ids)
    assert [n["id"] for n in found[:-1]] == list(ids.values())
    assert found[-1] is None
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["nodes", len(wanted) - 1], "BAD_USER_INPUT")
    ]

"""`totalCount` does not depend on `first`; `durationSeconds` is null while someone is present."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GraphQL

GOOGLE = {"authorization": "Bearer sessiongraph-demo-google-token"}


@pytest.mark.parametrize(
    "connection",
    [
        "realtimeSessions({args}) {{ totalCount pageInfo {{ hasNextPage }} }}",
        "realtimeSessions(first: 1) {{ nodes {{ participants({args}) {{ totalCount }} }} }}",
        "conferenceRecords(first: 1) {{ nodes {{ participants({args}) {{ totalCount }} }} }}",
        "callSessions(first: 1) {{ nodes {{ participantSessions({args}) {{ totalCount }} }} }}",
    ],
)
async def test_total_count_is_the_same_for_every_first(graphql: GraphQL, connection: str) -> None:
    totals = []
    for first in (0, 1, 3):
        data = await graphql(
            "{ " + connection.format(args=f"first: {first}") + " }", headers=GOOGLE
        )
        totals.append(data)
    assert totals[0] == totals[1] == totals[2]
    assert "None" not in str(totals[0])


LIVE_ATTENDANCE = {
    "meet": "conferenceRecords(first: 10, filter: {live: true}) { nodes { "
    "participants(first: 20) { nodes { sessions(first: 5) { nodes { leaveTime durationSeconds } } } } } }",
    "realtimekit": "realtimeSessions(first: 10, filter: {status: LIVE}) { nodes { "
    "participants(first: 50) { nodes { leaveTime durationSeconds } } } }",
    "stream": "callSessions(first: 10, filter: {live: true}) { nodes { "
    "participantSessions(first: 50) { nodes { leaveTime durationSeconds } } } }",
}


def _attendances(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        if "durationSeconds" in value:
            return [value]
        return [a for v in value.values() for a in _attendances(v)]
    if isinstance(value, list):
        return [a for v in value for a in _attendances(v)]
    return []


@pytest.mark.parametrize("provider", list(LIVE_ATTENDANCE))
async def test_duration_is_null_while_present_for_every_provider(
    graphql: GraphQL, provider: str
) -> None:
    data = await graphql("{ " + LIVE_ATTENDANCE[provider] + " }", headers=GOOGLE)
    stays = _attendances(data)
    present = [s for s in stays if s["leaveTime"] is None]
    left = [s for s in stays if s["leaveTime"] is not None]
    assert present, "the seed has someone still present"
    assert all(s["durationSeconds"] is None for s in present)
    assert all(s["durationSeconds"] is not None for s in left)

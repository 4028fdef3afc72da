"""The attendance page costs the minimum of Stream calls: one, whatever the page size."""

from __future__ import annotations

import pytest

from app.emulators import EmulatorHub
from app.emulators.stream.dataset import CallSessionRow, StreamDataset
from app.emulators.timeformat import rfc3339
from tests.conftest import GraphQL
from tests.stream.conftest import session_vars
from tests.stream.test_gateway import participant_calls, stats_calls

ATTENDANCE = """
query($t: String!, $i: String!, $s: String!, $first: Int) {
  callSession(callType: $t, callId: $i, sessionId: $s) {
    startTime endTime totalParticipantSessions
    participantSessions(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { userId joinTime leaveTime durationSeconds } }
    }
  }
}
"""


@pytest.mark.parametrize("first", [100, 10, 1])
async def test_session_times_totals_and_first_page_come_from_one_call(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow, first: int
) -> None:
    data = (await graphql(ATTENDANCE, {**session_vars(big_session), "first": first}))["callSession"]
    assert big_session.ended_at is not None
    assert data["startTime"] == rfc3339(big_session.started_at)
    assert data["endTime"] == rfc3339(big_session.ended_at)
    assert data["totalParticipantSessions"] == len(big_session.participants)
    page = data["participantSessions"]
    assert [e["node"]["userId"] for e in page["edges"]] == [
        r.user_id for r in big_session.participants[:first]
    ]
    # More than 100 participant sessions: hasNextPage follows from the total, no peek.
    assert page["pageInfo"]["hasNextPage"] is True
    calls = participant_calls(hub)
    assert [(c.param("limit"), c.param("next")) for c in calls] == [("100", None)]
    assert stats_calls(hub) == []


async def test_a_page_holding_the_whole_session_has_no_next_page(
    graphql: GraphQL, hub: EmulatorHub, dataset: StreamDataset
) -> None:
    small = min(
        (s for s in dataset.sessions.values() if s.participants and not dataset.expired(s)),
        key=lambda s: len(s.participants),
    )
    size = len(small.participants)
    data = (await graphql(ATTENDANCE, {**session_vars(small), "first": size}))["callSession"]
    page = data["participantSessions"]
    assert len(page["edges"]) == size
    assert page["totalCount"] == size
    assert page["pageInfo"]["hasNextPage"] is False
    assert len(participant_calls(hub)) == 1
    assert stats_calls(hub) == []


async def test_short_pages_read_on_until_the_window_is_full(
    graphql: GraphQL, hub: EmulatorHub, big_session: CallSessionRow
) -> None:
    hub["stream"].knobs.short_pages = True  # 50 items where 100 are asked
    data = (await graphql(ATTENDANCE, {**session_vars(big_session), "first": 100}))["callSession"]
    page = data["participantSessions"]
    assert len(page["edges"]) == 100
    assert page["pageInfo"]["hasNextPage"] is True
    calls = participant_calls(hub)
    assert [c.param("limit") for c in calls] == ["100", "100"]
    assert stats_calls(hub) == []


async def test_a_trailing_empty_page_is_not_read_when_the_total_answers(
    graphql: GraphQL, hub: EmulatorHub, dataset: StreamDataset
) -> None:
    hub["stream"].knobs.trailing_empty_page = True
    small = next(
        s
        for s in dataset.sessions.values()
        if 3 < len(s.participants) < 100 and not dataset.expired(s)
    )
    size = len(small.participants)
    data = (await graphql(ATTENDANCE, {**session_vars(small), "first": 100}))["callSession"]
    assert len(data["participantSessions"]["edges"]) == size
    assert data["participantSessions"]["pageInfo"]["hasNextPage"] is False
    assert len(participant_calls(hub)) == 1


AWAY = """
query(
  $t: String!, $i: String!, $s: String!, $after: String, $filter: CallParticipantSessionFilter
) {
  callSession(callType: $t, callId: $i, sessionId: $s) {
    startTime
    ... on CallSession { participantSessions(first: 5, after: $after) { edges { node { userId } } } }
    ...Filtered
  }
}
fragment Filtered on CallSession { more: participantSessions(first: 2, filter: $filter) { totalCount } }
"""


@pytest.mark.parametrize(
    ("after", "filtered", "stats"),
    [(None, False, 0), ("cursor", False, 1), (None, True, 1)],
    ids=["from-the-start", "after-a-cursor", "filtered-in-a-fragment"],
)
async def test_the_session_comes_from_its_first_page_only_when_every_listing_starts_there(
    graphql: GraphQL,
    hub: EmulatorHub,
    big_session: CallSessionRow,
    *,
    after: str | None,
    filtered: bool,
    stats: int,
) -> None:
    """Whether any `participantSessions` below reads away from the start is read from the
    document: arguments given as literals or variables, inside inline and named fragments."""
    variables: dict[str, object] = dict(session_vars(big_session))
    if after is not None:
        first = await graphql(ATTENDANCE, {**variables, "first": 5})
        variables["after"] = first["callSession"]["participantSessions"]["pageInfo"]["endCursor"]
        hub.log.clear()
    variables["filter"] = {"live": False} if filtered else None
    data = (await graphql(AWAY, variables))["callSession"]
    assert data["startTime"] == rfc3339(big_session.started_at)
    assert len(data["participantSessions"]["edges"]) == 5
    assert len(stats_calls(hub)) == stats

"""RealtimeKit connections page by offset: both directions, exact pageInfo, bounded calls."""

from __future__ import annotations

from typing import Any

import pytest

from app.emulators import EmulatorHub
from tests.conftest import GraphQL
from tests.realtimekit.upstream import emulator, large_session, sessions_newest_first

PARTICIPANTS = """
query($id: String!, $first: Int, $after: String, $last: Int, $before: String) {
  realtimeSession(id: $id) {
    participants(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      edges { cursor node { participantId userId } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}"""

SESSIONS = """
query($first: Int, $after: String, $last: Int, $before: String, $filter: RealtimeSessionFilter) {
  realtimeSessions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    totalCount
    edges { node { sessionId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def _participants(graphql: GraphQL, session_id: str, **args: Any) -> dict[str, Any]:
    data = await graphql(PARTICIPANTS, {"id": session_id, **args})
    return data["realtimeSession"]["participants"]  # type: ignore[no-any-return]


async def test_forward_walk_visits_every_participant_once_in_order(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    session = large_session(hub)
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    calls: list[int] = []
    after: str | None = None
    while True:
        hub.log.clear()
        page = await _participants(graphql, session.id, first=100, after=after)
        calls.append(len(hub.log.entries("realtimekit")))
        pages.append(page)
        seen.extend(edge["node"]["participantId"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert len(session.participants) > 500
    assert seen == [p.id for p in session.participants]
    assert {page["totalCount"] for page in pages} == {len(session.participants)}
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False] + [True] * (
        len(pages) - 1
    )
    assert all(len(page["edges"]) == 100 for page in pages[:-1])
    # Session details plus at most two pages: a window of 100 plus the pager's peek item
    # is 101 items, one more than RealtimeKit's largest page.
    assert max(calls) <= 3


async def test_backward_walk_from_the_end_visits_every_participant_once(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    session = large_session(hub)
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    before: str | None = None
    while True:
        page = await _participants(graphql, session.id, last=100, before=before)
        pages.append(page)
        seen[:0] = [edge["node"]["participantId"] for edge in page["edges"]]
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]

    assert seen == [p.id for p in session.participants]
    assert {page["totalCount"] for page in pages} == {len(session.participants)}
    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [False] + [True] * (
        len(pages) - 1
    )


async def test_last_ten_costs_a_constant_number_of_calls(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    session = large_session(hub)
    total = len(session.participants)

    page = await _participants(graphql, session.id, last=10)

    assert [edge["node"]["participantId"] for edge in page["edges"]] == [
        p.id for p in session.participants[-10:]
    ]
    assert page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": page["edges"][0]["cursor"],
        "endCursor": page["edges"][-1]["cursor"],
    }
    calls = [e for e in hub.log.entries("realtimekit") if e.path.endswith("/participants")]
    # One probe for the total, one read of the tail: never a walk from the start.
    assert (calls[0].param("page_no"), calls[0].param("per_page")) == ("1", "1")
    assert len(calls) == 2
    tail_page, size = int(calls[1].param("page_no") or 0), int(calls[1].param("per_page") or 0)
    assert (tail_page - 1) * size <= total - 10
    assert tail_page * size >= total


async def test_backward_from_a_middle_cursor_has_exact_page_info(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    session = large_session(hub)
    forward = await _participants(graphql, session.id, first=15)
    cursor = forward["edges"][10]["cursor"]

    back = await _participants(graphql, session.id, last=4, before=cursor)
    head = await _participants(graphql, session.id, last=20, before=cursor)

    ids = [p.id for p in session.participants]
    assert [e["node"]["participantId"] for e in back["edges"]] == ids[6:10]
    assert back["pageInfo"]["hasPreviousPage"] is True
    assert back["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["participantId"] for e in head["edges"]] == ids[:10]
    assert head["pageInfo"]["hasPreviousPage"] is False


@pytest.mark.parametrize("placement", ["top", "none"])
async def test_walks_work_wherever_paging_sits(
    graphql: GraphQL, hub: EmulatorHub, placement: str
) -> None:
    session = large_session(hub)
    emulator(hub).knobs.options["participants_paging"] = placement
    seen: list[str] = []
    after: str | None = None
    while True:
        page = await _participants(graphql, session.id, first=100, after=after)
        seen.extend(edge["node"]["participantId"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == [p.id for p in session.participants]
    assert page["totalCount"] == (len(session.participants) if placement == "top" else None)


async def test_sessions_walk_both_ways_with_a_filter(graphql: GraphQL, hub: EmulatorHub) -> None:
    ended = [s.id for s in sessions_newest_first(hub) if s.ended_ms is not None]
    flt = {"status": "ENDED"}
    forward: list[str] = []
    after: str | None = None
    while True:
        page = (await graphql(SESSIONS, {"first": 100, "after": after, "filter": flt}))[
            "realtimeSessions"
        ]
        forward.extend(e["node"]["sessionId"] for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    backward: list[str] = []
    before: str | None = None
    while True:
        page = (await graphql(SESSIONS, {"last": 100, "before": before, "filter": flt}))[
            "realtimeSessions"
        ]
        backward[:0] = [e["node"]["sessionId"] for e in page["edges"]]
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]

    assert forward == ended
    assert backward == ended
    assert page["totalCount"] == len(ended)


async def test_a_cursor_from_another_connection_is_bad_user_input(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    session = large_session(hub)
    page = (await graphql(SESSIONS, {"first": 2, "filter": {"status": "ENDED"}}))[
        "realtimeSessions"
    ]
    hub.log.clear()

    body = await graphql(
        PARTICIPANTS,
        {"id": session.id, "first": 2, "after": page["pageInfo"]["endCursor"]},
        expect_errors=True,
    )
    other_filter = await graphql(
        SESSIONS,
        {"first": 2, "after": page["pageInfo"]["endCursor"], "filter": {"status": "LIVE"}},
        expect_errors=True,
    )

    assert body["errors"][0]["path"] == ["realtimeSession", "participants"]
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    assert other_filter["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert [e.path.rsplit("/", 1)[-1] for e in hub.log.entries("realtimekit")] == [session.id]


async def test_first_and_last_above_the_maximum_name_the_limit(graphql: GraphQL) -> None:
    body = await graphql("{ realtimeSessions(last: 101) { totalCount } }", expect_errors=True)

    assert body["errors"][0]["path"] == ["realtimeSessions"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "100" in body["errors"][0]["message"]

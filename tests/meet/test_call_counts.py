"""Meet participants: where the first page reports `totalSize`, no peek call is made."""

from __future__ import annotations

from typing import Any

from app.emulators import EmulatorHub
from tests.conftest import GraphQL
from tests.meet.upstream import walk

PARTICIPANTS = """
query($name: String!, $first: Int) {
  conferenceRecord(name: $name) {
    participants(first: $first) { edges { node { name } } pageInfo { hasNextPage } }
  }
}"""


async def _record_with_participants(hub: EmulatorHub, least: int) -> tuple[str, list[Any]]:
    for record in await walk(hub, "/v2/conferenceRecords", "conferenceRecords"):
        people = await walk(hub, f"/v2/{record['name']}/participants", "participants")
        if len(people) >= least:
            return record["name"], people
    raise AssertionError(f"no record with {least} participants")


def _participant_pages(hub: EmulatorHub) -> list[str | None]:
    return [
        e.param("pageSize") for e in hub.log.entries("meet") if e.path.endswith("/participants")
    ]


async def test_short_pages_stop_once_the_window_is_full(graphql: GraphQL, hub: EmulatorHub) -> None:
    name, people = await _record_with_participants(hub, 14)
    hub["meet"].knobs.short_pages = True  # 6 items where 11 are asked
    data = await graphql(PARTICIPANTS, {"name": name, "first": 10})
    page = data["conferenceRecord"]["participants"]
    assert [e["node"]["name"] for e in page["edges"]] == [p["name"] for p in people[:10]]
    assert page["pageInfo"]["hasNextPage"] is True
    # 6 + 6 items cover the 10 asked; the total says more exist: no third call.
    assert _participant_pages(hub) == ["11", "11"]


async def test_a_trailing_empty_page_is_not_read(graphql: GraphQL, hub: EmulatorHub) -> None:
    name, people = await _record_with_participants(hub, 3)
    hub["meet"].knobs.trailing_empty_page = True
    data = await graphql(PARTICIPANTS, {"name": name, "first": len(people)})
    page = data["conferenceRecord"]["participants"]
    assert len(page["edges"]) == len(people)
    assert page["pageInfo"]["hasNextPage"] is False
    assert _participant_pages(hub) == [str(len(people) + 1)]


async def test_the_exact_window_needs_no_peek(graphql: GraphQL, hub: EmulatorHub) -> None:
    name, people = await _record_with_participants(hub, 5)
    hub["meet"].knobs.short_pages = True
    first = len(people) - 1
    data = await graphql(PARTICIPANTS, {"name": name, "first": first})
    page = data["conferenceRecord"]["participants"]
    assert len(page["edges"]) == first
    assert page["pageInfo"]["hasNextPage"] is True
    served = (first + 2) // 2  # short pages serve half of the first + 1 asked
    assert len(_participant_pages(hub)) == (1 if served >= first else 2)

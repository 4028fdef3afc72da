"""`Query.sessions` reads each provider page by page as the merge consumes it.

Call counts come from the emulators' request log: every provider's first page,
then only the pages the merged window actually reaches into.
"""

from __future__ import annotations

import math
from collections import Counter

from app.emulators import EmulatorHub
from app.emulators.timeformat import rfc3339
from tests.conftest import GraphQL

SESSIONS = """
query($first: Int, $filter: SessionFilter) {
  sessions(first: $first, filter: $filter) {
    edges { node { __typename } }
    pageInfo { hasNextPage }
  }
}"""

_EMULATOR = {
    "ConferenceRecord": "meet",
    "Conversation": "discovery",
    "RealtimeSession": "realtimekit",
    "CallSession": "stream",
}


def _calls(hub: EmulatorHub) -> Counter[str]:
    return Counter(e.emulator for e in hub.log.entries())


async def test_one_page_per_provider_when_pages_are_full(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    data = await graphql(SESSIONS, {"first": 30})
    assert len(data["sessions"]["edges"]) == 30
    assert data["sessions"]["pageInfo"]["hasNextPage"] is True
    assert _calls(hub) == {"meet": 1, "discovery": 1, "realtimekit": 1, "stream": 1}


async def test_short_pages_cost_only_the_pages_the_merge_reaches(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    for name in ("meet", "discovery", "stream"):  # RealtimeKit pages by number: never short
        hub[name].knobs.short_pages = True
    data = await graphql(SESSIONS, {"first": 30})
    taken = Counter(_EMULATOR[e["node"]["__typename"]] for e in data["sessions"]["edges"])
    assert data["sessions"]["pageInfo"]["hasNextPage"] is True
    served = {"meet": 16, "discovery": 16, "stream": 16, "realtimekit": 31}  # of 31 asked
    expected = {name: max(1, math.ceil(taken[name] / size)) for name, size in served.items()}
    # A provider whose last page read was used up exactly needs no extra page: another
    # provider has an item left over, which is what makes hasNextPage true.
    assert _calls(hub) == expected


async def test_a_trailing_empty_page_is_read_once_to_know_the_end(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    starts = sorted((r.start_time for r in hub["meet"].dataset.conference_records()), reverse=True)
    since = starts[4]
    expected = sum(1 for start in starts if start >= since)
    hub["meet"].knobs.trailing_empty_page = True
    flt = {"providers": ["GOOGLE_MEET"], "startedAfter": rfc3339(since)}
    data = await graphql(SESSIONS, {"first": 10, "filter": flt})
    assert len(data["sessions"]["edges"]) == expected
    assert data["sessions"]["pageInfo"]["hasNextPage"] is False
    assert _calls(hub) == {"meet": 2}  # the full page, then the empty one it points to

"""The dashboard query costs the minimal number of upstream calls, one wave per nesting level."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.settings import Settings
from tests.meet.upstream import rounds, walk

DASHBOARD = """
{
  conferenceRecords(first: 20) {
    edges { node {
      name
      participants(first: 10) { edges { node { name displayName sessions(first: 5) { edges { node { name joinTime } } } } } }
      transcripts { edges { node { name entries(first: 50) { edges { node { text participant { displayName } } } } } } }
    } }
  }
}"""


@pytest.fixture
async def wide_client(settings: Settings, hub: EmulatorHub) -> AsyncIterator[httpx.AsyncClient]:
    # Enough upstream slots that a whole nesting level can be in flight at once.
    # The budget is not what this test is about: the query as written has a worst case
    # far over the default (docs/faults.md), its real cost is what is asserted.
    roomy = {"upstream_concurrency": 1024, "max_upstream_calls": 100_000}
    app = create_app(settings.model_copy(update=roomy), hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client


async def _minimal_calls(hub: EmulatorHub) -> int:
    """One call per distinct list page, plus one per speaker not already on a participants page."""
    records = (await walk(hub, "/v2/conferenceRecords", "conferenceRecords", size=21))[:20]
    calls = 1
    for record in records:
        calls += 2  # its participants page and its transcripts page
        # The gateway asks for first+1 to know hasNextPage; those participants are primed.
        people = (await walk(hub, f"/v2/{record['name']}/participants", "participants", size=250))[
            :11
        ]
        calls += min(10, len(people))  # one sessions page per participant shown
        transcripts = await walk(hub, f"/v2/{record['name']}/transcripts", "transcripts")
        known = {p["name"] for p in people}
        speakers: set[str] = set()
        for transcript in transcripts[:20]:
            calls += 1  # its entries page
            entries = (await walk(hub, f"/v2/{transcript['name']}/entries", "transcriptEntries"))[
                :50
            ]
            speakers |= {e["participant"] for e in entries if e.get("participant")}
        calls += len(speakers - known)
    return calls


async def test_dashboard_costs_the_minimal_number_of_calls(
    wide_client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    minimal = await _minimal_calls(hub)

    response = await wide_client.post("/graphql", json={"query": DASHBOARD})

    body: dict[str, Any] = response.json()
    assert "errors" not in body, body.get("errors")
    assert len(body["data"]["conferenceRecords"]["edges"]) == 20
    calls = hub.log.entries("meet")
    assert len(calls) == minimal
    paths = [(c.path, tuple(sorted((k, tuple(v)) for k, v in c.query.items()))) for c in calls]
    assert len(paths) == len(set(paths)), "no page or object is fetched twice"


async def test_dashboard_loads_each_nesting_level_concurrently(
    wide_client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    hub["meet"].knobs.latency_ms = 50

    response = await wide_client.post("/graphql", json={"query": DASHBOARD})

    assert "errors" not in response.json()
    calls = hub.log.entries("meet")
    assert len(calls) > 200
    # records → participants & transcripts → sessions & entries → speakers not yet loaded
    assert rounds(calls) <= 4
    second_level = [c for c in calls if c.path.endswith(("/participants", "/transcripts"))]
    overlapping = max(
        sum(
            1 for other in second_level if other.started < c.finished and c.started < other.finished
        )
        for c in second_level
    )
    assert overlapping == len(second_level) == 40

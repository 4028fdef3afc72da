"""Real Apollo Federation clients from npm (js/federation/, installed by `./dev` from the lockfile).

- `@apollo/composition` composes our exported SDL with a small second subgraph ("reviews",
  `@apollo/subgraph`) that extends `ConferenceRecord` by its natural key `name`;
- `@apollo/gateway` runs a query over both subgraphs whose plan needs our `_entities`; the
  result must equal what our gateway answers directly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, build_ast_schema, parse

from tests.e2e.processes import BIN, free_port, running, running_command

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "js"
FEDERATION = JS / "federation"

# Our fields of a ConferenceRecord, as both the Apollo gateway and our own gateway are asked.
RECORD_FIELDS = """
  id
  name
  startTime
  endTime
  isLive
  durationSeconds
  space { name meetingCode }
  participants(first: 3) {
    totalCount
    edges { cursor node { name displayName } }
    pageInfo { hasNextPage endCursor }
  }
"""
THROUGH_APOLLO = f"{{ pinnedRecords {{ notes {{ id text author }} {RECORD_FIELDS} }} }}"
DIRECT = f"query($name: String!) {{ conferenceRecord(name: $name) {{ {RECORD_FIELDS} }} }}"


def node() -> str:
    """The `node` binary, with the npm packages `./dev setup` installs from js/package-lock.json."""
    binary = shutil.which("node")
    if binary is None or not (JS / "node_modules" / "@apollo" / "gateway").is_dir():
        pytest.fail("node and js/node_modules are required: run `./dev setup` (npm ci in js/)")
    return binary


@pytest.fixture(scope="module")
def exported_sdl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`sessiongraph export-schema`, written to a file for the node scripts."""
    sdl = subprocess.run(  # noqa: S603 - our own console script
        [str(BIN), "export-schema"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    path = tmp_path_factory.mktemp("federation") / "sessiongraph.graphql"
    path.write_text(sdl)
    return path


def test_our_sdl_composes_with_a_subgraph_that_extends_conference_record(
    exported_sdl: Path,
) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [node(), str(FEDERATION / "compose.mjs"), str(exported_sdl)],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
        cwd=FEDERATION,
    )

    assert result.returncode == 0, f"composition failed:\n{result.stdout}\n{result.stderr}"
    supergraph = result.stdout
    assert 'SESSIONGRAPH @join__graph(name: "sessiongraph"' in supergraph
    assert 'REVIEWS @join__graph(name: "reviews"' in supergraph
    schema = build_ast_schema(parse(supergraph))
    record = schema.get_type("ConferenceRecord")
    assert isinstance(record, GraphQLObjectType)
    # One type, fields from both subgraphs.
    assert {"id", "name", "space", "participants", "notes"} <= set(record.fields)
    query = schema.query_type
    assert query is not None
    assert {"pinnedRecords", "conferenceRecord", "conferenceRecords", "node"} <= set(query.fields)
    assert schema.get_type("Note") is not None
    assert schema.get_type("PageInfo") is not None


def post(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(url, json={"query": query, "variables": variables or {}}, timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    return body


@pytest.fixture
def sessiongraph_url() -> Iterator[str]:
    port = free_port()
    with running(["demo", "--port", str(port)]):
        yield f"http://127.0.0.1:{port}/graphql"


def test_apollo_gateway_resolves_our_fields_through_entities_like_the_direct_query(
    exported_sdl: Path, sessiongraph_url: str
) -> None:
    records = post(sessiongraph_url, "{ conferenceRecords(first: 4) { nodes { name } } }")
    names = [r["name"] for r in records["data"]["conferenceRecords"]["nodes"]]
    pinned = [names[2], names[0], names[3]]  # not the listing's order
    reviews_port, apollo_port = free_port(), free_port()
    reviews_env = {**os.environ, "REVIEWS_PINNED_RECORDS": json.dumps(pinned)}
    apollo_args = [
        node(),
        str(FEDERATION / "gateway.mjs"),
        "--port",
        str(apollo_port),
        "--sdl",
        str(exported_sdl),
        "--sessiongraph-url",
        sessiongraph_url,
        "--reviews-url",
        f"http://127.0.0.1:{reviews_port}/",
    ]
    with (
        running_command(
            [node(), str(FEDERATION / "reviews-subgraph.mjs"), "--port", str(reviews_port)],
            ready="reviews subgraph ready at",
            env=reviews_env,
            cwd=FEDERATION,
        ),
        running_command(apollo_args, ready="apollo gateway ready at", cwd=FEDERATION),
    ):
        federated = post(f"http://127.0.0.1:{apollo_port}/", THROUGH_APOLLO)
    direct = [
        post(sessiongraph_url, DIRECT, {"name": name})["data"]["conferenceRecord"]
        for name in pinned
    ]

    through_apollo = federated["data"]["pinnedRecords"]
    assert [r["name"] for r in through_apollo] == pinned
    for record in through_apollo:
        notes = record.pop("notes")
        assert notes, "the reviews subgraph has notes for every record"
        assert all(record["name"] in note["text"] for note in notes)
    assert through_apollo == direct
    assert all(r["participants"]["edges"] for r in direct), "a meaningful comparison"

    # The plan: references from reviews, then one batched `_entities` call to us by `name`.
    fetches = federated["extensions"]["subgraphFetches"]
    assert [f["subgraph"] for f in fetches] == ["reviews", "sessiongraph"]
    ours = fetches[1]
    assert "_entities(representations:" in ours["query"]
    assert ours["variables"]["representations"] == [
        {"__typename": "ConferenceRecord", "name": name} for name in pinned
    ]

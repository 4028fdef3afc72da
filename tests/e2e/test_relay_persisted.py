"""relay-compiler's persisted-queries output, served as the gateway's persisted documents.

relay-compiler (js/package-lock.json) compiles tests/relay/src with a `persist`
config into a temporary folder; its JSON manifest is SESSIONGRAPH_PERSISTED_DOCUMENTS
and the artifacts' `params.id` is what a Relay client sends as `doc_id`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import httpx
import pytest

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.settings import Settings

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
COMPILER = ROOT / "js" / "node_modules" / ".bin" / "relay-compiler"
PARAMS_ID = re.compile(r'"id": "([0-9a-f]{64})"')


def _compile(out: Path) -> dict[str, str]:
    """{query name: doc id} of every query artifact; writes out/persisted.json."""
    if not COMPILER.exists():
        pytest.fail("relay-compiler is missing: run ./dev setup")
    (out / "persisted.json").write_text("{}")  # relay-compiler requires the file to exist
    relative = Path(os.path.relpath(out, ROOT))
    config = {
        "root": str(ROOT),
        "sources": {"tests/relay/src": "sessiongraph"},
        "excludes": ["**/node_modules/**", "**/__generated__/**"],
        "projects": {
            "sessiongraph": {
                "schema": "schema/schema.graphql",
                "language": "javascript",
                "output": str(relative / "__generated__"),
                "persist": {"file": str(out / "persisted.json"), "algorithm": "SHA256"},
            }
        },
    }
    (out / "relay.config.json").write_text(json.dumps(config))
    subprocess.run(  # noqa: S603 - the project's own relay-compiler
        [str(COMPILER), str(out / "relay.config.json")], check=True, cwd=out, timeout=300
    )
    ids = {}
    for artifact in (out / "__generated__").glob("*Query.graphql.js"):
        found = PARAMS_ID.search(artifact.read_text())
        assert found, f"{artifact.name} has no persisted id"
        ids[artifact.name.removesuffix(".graphql.js")] = found.group(1)
    return ids


async def test_relay_clients_run_persisted_documents_only(
    tmp_path: Path, settings: Settings, hub: EmulatorHub
) -> None:
    ids = _compile(tmp_path)
    manifest = json.loads((tmp_path / "persisted.json").read_text())
    assert set(ids.values()) <= set(manifest)
    only = settings.model_copy(
        update={
            "persisted_documents": tmp_path / "persisted.json",
            "persisted_only": True,
            # The records query nests transcripts x entries x speaker lookups: its worst
            # case (539 calls) is over the default budget; the budget is not tested here.
            "max_upstream_calls": 10_000,
        }
    )
    app = create_app(only, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            persisted = await c.post(
                "/graphql", json={"doc_id": ids["MeetRecordsQuery"], "variables": {"count": 2}}
            )
            text = await c.post("/graphql", json={"query": "{ __typename }"})

    body = persisted.json()
    assert "errors" not in body, body
    assert len(body["data"]["conferenceRecords"]["edges"]) == 2
    assert text.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"

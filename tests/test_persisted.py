"""Persisted operations: Apollo APQ and Relay persisted documents, and persisted-only mode."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from strawberry.http import GraphQLRequestData

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.persisted import PersistedOperations
from app.settings import Settings

QUERY = "query Records { conferenceRecords(first: 1) { edges { node { name } } } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()
OTHER = "query Typename { __typename }"


def _apq(digest: str, query: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if query is not None:
        body["query"] = query
    return body


def _code(response: httpx.Response) -> str:
    body = response.json()
    assert body["data"] is None
    return str(body["errors"][0]["extensions"]["code"])


async def test_apq_not_found_then_register_then_hash_only(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    unknown = await client.post("/graphql", json=_apq(DIGEST))
    assert unknown.status_code == 200
    assert unknown.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    assert hub.log.entries() == []

    registered = await client.post("/graphql", json=_apq(DIGEST, QUERY))
    again = await client.post("/graphql", json=_apq(DIGEST.upper()))
    over_get = await client.get(
        "/graphql", params={"extensions": json.dumps(_apq(DIGEST)["extensions"])}
    )

    expected = registered.json()
    assert "errors" not in expected
    assert len(expected["data"]["conferenceRecords"]["edges"]) == 1
    assert again.json() == expected
    assert over_get.json() == expected


async def test_apq_with_a_wrong_hash_is_refused(client: httpx.AsyncClient) -> None:
    wrong = await client.post("/graphql", json=_apq("0" * 64, QUERY))
    assert _code(wrong) == "BAD_USER_INPUT"
    # Nothing was registered under either hash.
    assert _code(await client.post("/graphql", json=_apq("0" * 64))) == "PERSISTED_QUERY_NOT_FOUND"
    assert _code(await client.post("/graphql", json=_apq(DIGEST))) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "extension",
    [{"version": 2, "sha256Hash": DIGEST}, {"version": 1}, {"sha256Hash": 5}, "text"],
)
async def test_a_malformed_persisted_query_extension_is_bad_input(
    client: httpx.AsyncClient, extension: object
) -> None:
    response = await client.post("/graphql", json={"extensions": {"persistedQuery": extension}})
    assert _code(response) == "BAD_USER_INPUT"


def test_the_apq_store_is_bounded() -> None:
    store = PersistedOperations({}, apq_size=2)
    texts = [f"query Q{i} {{ __typename }}" for i in range(3)]
    for text in texts:
        assert not isinstance(store.resolve(_data(text, text), None), Exception)
    found = [store.resolve(_data(None, text), None) for text in texts]
    assert [getattr(f, "query", None) for f in found] == [None, texts[1], texts[2]]


def _data(query: str | None, for_hash: str) -> GraphQLRequestData:
    digest = hashlib.sha256(for_hash.encode()).hexdigest()
    return GraphQLRequestData(query, None, None, _apq(digest)["extensions"])


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "persisted_queries.json"
    path.write_text(json.dumps({"doc-records": QUERY}))
    return path


@pytest.fixture
async def persisted_only(
    settings: Settings, hub: EmulatorHub, manifest: Path
) -> AsyncIterator[httpx.AsyncClient]:
    only = settings.model_copy(update={"persisted_documents": manifest, "persisted_only": True})
    app = create_app(only, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            yield c


async def test_relay_documents_by_doc_id_or_document_id(
    persisted_only: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    by_doc_id = await persisted_only.post("/graphql", json={"doc_id": "doc-records"})
    by_document_id = await persisted_only.post("/graphql", json={"documentId": "doc-records"})
    over_get = await persisted_only.get("/graphql", params={"doc_id": "doc-records"})
    by_hash = await persisted_only.post("/graphql", json=_apq(DIGEST))

    assert "errors" not in by_doc_id.json()
    assert by_document_id.json() == by_doc_id.json() == over_get.json() == by_hash.json()
    assert len(hub.log.entries("meet")) == 4


async def test_persisted_only_refuses_other_documents(
    persisted_only: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    refused = [
        await persisted_only.post("/graphql", json={"query": OTHER}),
        await persisted_only.get("/graphql", params={"query": OTHER}),
        await persisted_only.post(
            "/graphql", json=_apq(hashlib.sha256(OTHER.encode()).hexdigest(), OTHER)
        ),
    ]
    unknown = await persisted_only.post("/graphql", json={"doc_id": "nope"})
    # With a text, the text is what runs (and must be persisted), whatever `doc_id` says.
    both = await persisted_only.post("/graphql", json={"doc_id": "doc-records", "query": OTHER})
    same_text = await persisted_only.post("/graphql", json={"query": QUERY})

    assert [_code(r) for r in refused] == ["PERSISTED_QUERY_REQUIRED"] * 3
    assert _code(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    assert _code(both) == "PERSISTED_QUERY_REQUIRED"
    assert "errors" not in same_text.json()  # the very text of a persisted document
    assert len(hub.log.entries("meet")) == 1


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"a": 1}'])
def test_a_bad_manifest_stops_the_start(settings: Settings, tmp_path: Path, content: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="SESSIONGRAPH_PERSISTED_DOCUMENTS"):
        create_app(settings.model_copy(update={"persisted_documents": path}))


async def test_refused_persisted_operations_are_counted(
    client: httpx.AsyncClient, hub: EmulatorHub
) -> None:
    """A hash the gateway does not know is answered before execution, and still counted."""

    def errors(text: str) -> float:
        found = [
            s.value
            for f in text_string_to_metric_families(text)
            for s in f.samples
            if s.name == "sessiongraph_operations_total" and s.labels.get("outcome") == "error"
        ]
        return sum(found)

    before = errors((await client.get("/metrics")).text)
    assert _code(await client.post("/graphql", json=_apq("0" * 64))) == "PERSISTED_QUERY_NOT_FOUND"
    assert errors((await client.get("/metrics")).text) == before + 1

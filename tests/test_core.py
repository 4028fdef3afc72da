"""The gateway shell: health endpoints, API keys, ids, operation limits, error shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.settings import Settings
from resolvers.cursors import CursorCodec
from resolvers.timestamps import Instant, InstantFromNanos, from_ns
from tests.conftest import GraphQL


async def test_healthz_and_readyz_report_the_emulators(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = (await client.get("/readyz")).json()
    assert ready == {
        "status": "ready",
        "upstreams": {
            name: {"state": "ok", "mode": "emulator"}
            for name in ("meet", "discovery", "realtimekit", "stream")
        },
    }


async def test_api_key_is_required_when_configured(settings: Settings, hub: EmulatorHub) -> None:
    keyed = Settings(**{**settings.model_dump(), "api_keys": "k-one,k-two"})
    app = create_app(keyed, hub=hub)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            denied = await c.post("/graphql", json={"query": "{ __typename }"})
            wrong = await c.post(
                "/graphql", json={"query": "{ __typename }"}, headers={"X-API-Key": "nope"}
            )
            allowed = await c.post(
                "/graphql", json={"query": "{ __typename }"}, headers={"X-API-Key": "k-two"}
            )
    assert denied.status_code == 401
    assert denied.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert wrong.status_code == 401
    assert allowed.json() == {"data": {"__typename": "Query"}}
    assert "k-one" not in denied.text


@pytest.mark.parametrize("bad_id", ["", "x", "Zm9v", "bm9wZTpmb28", "%%%"])
async def test_bad_global_ids_are_bad_user_input(graphql: GraphQL, bad_id: str) -> None:
    body = await graphql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": bad_id}, expect_errors=True
    )
    assert body["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["node"]


async def test_nodes_fails_only_the_bad_entries(graphql: GraphQL) -> None:
    body = await graphql('{ nodes(ids: ["x", "y"]) { id } }', expect_errors=True)
    assert body["data"] == {"nodes": [None, None]}
    assert sorted(tuple(e["path"]) for e in body["errors"]) == [("nodes", 0), ("nodes", 1)]


async def test_depth_alias_and_token_limits_answer_query_too_complex(graphql: GraphQL) -> None:
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(60)) + " }"
    body = await graphql(aliases, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    tokens = "{ " + " ".join("__typename" for _ in range(5000)) + " }"
    body = await graphql(tokens, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_unknown_field_is_bad_user_input(graphql: GraphQL) -> None:
    body = await graphql("{ nope }", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_introspection_is_not_limited_by_depth(graphql: GraphQL) -> None:
    nested = "ofType { " * 7 + "name" + " }" * 7
    deep = "{ __schema { types { fields { type { " + nested + " } } } } }"
    data = await graphql(deep)
    assert data["__schema"]["types"]


def test_cursor_codec_rejects_tampering_and_other_scopes() -> None:
    codec = CursorCodec(b"0123456789abcdef0123")
    cursor = codec.encode("meet|participants|a", {"t": "tok", "i": 3})
    assert codec.decode("meet|participants|a", cursor) == {"t": "tok", "i": 3}
    for scope, text in [
        ("meet|participants|b", cursor),
        ("meet|participants|a", cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")),
        ("meet|participants|a", "v2" + cursor[2:]),
        ("meet|participants|a", "garbage"),
    ]:
        with pytest.raises(Exception, match="not a valid cursor"):
            codec.decode(scope, text)


@pytest.mark.parametrize(
    ("wire", "out"),
    [
        ("2024-05-01T10:00:00.123456789Z", "2024-05-01T10:00:00.123456789Z"),
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"),
        ("2024-05-01T12:00:00.5+02:00", "2024-05-01T10:00:00.500Z"),
        ("2023-02-01T10:51:08.030Z", "2023-02-01T10:51:08.030Z"),
        ("2024-05-01T10:00:00.1234567Z", "2024-05-01T10:00:00.123456700Z"),
    ],
)
def test_instant_keeps_nanoseconds_and_normalises_to_z(wire: str, out: str) -> None:
    assert Instant.parse(wire).isoformat() == out


def test_instant_reads_stream_nanosecond_integers() -> None:
    assert Instant.coerce(1714557600123456789).isoformat() == "2024-05-01T10:00:00.123456789Z"


@pytest.mark.parametrize("ns", [0, -5, 7, 1714557600123456789, 10**20])
def test_an_instant_made_from_nanoseconds_is_the_dataclass_s_own(ns: int) -> None:
    made, built = from_ns(ns), Instant(ns)
    assert type(made) is Instant
    assert [getattr(made, name) for name in Instant.__slots__] == [
        getattr(built, name) for name in Instant.__slots__
    ]
    assert (made, hash(made), repr(made)) == (built, hash(built), repr(built))
    assert made.isoformat() == built.isoformat()
    assert from_ns(ns + 1) > made
    with pytest.raises(AttributeError):
        made.ns = 1  # type: ignore[misc]
    parsed = _TimedFromNanos.model_validate_json(f'{{"at": {ns}}}').at
    assert type(parsed) is Instant
    assert parsed == built


class _Timed(BaseModel):
    at: Instant | None = None


class _TimedFromNanos(BaseModel):
    at: InstantFromNanos | None = None


@pytest.mark.parametrize(
    "value",
    [
        1714557600123456789,
        -5,
        10**20,
        0,
        1.6,
        "2024-05-01T12:00:00.5+02:00",
        Instant(7),
        datetime(2024, 5, 1, 10, tzinfo=UTC),
        True,
        "yesterday",
        "",
        None,
        [1],
        {"ns": 1},
    ],
)
@pytest.mark.parametrize("model", [_Timed, _TimedFromNanos])
def test_a_wire_model_reads_a_time_as_coerce_does(
    model: type[_Timed | _TimedFromNanos], value: object
) -> None:
    # `InstantFromNanos` reads integers without `coerce` (pydantic-core checks them):
    # the same values must pass and fail, with the same Instant, from Python and JSON.
    try:
        expected: Instant | None = None if value is None else Instant.coerce(value)
    except ValueError:
        with pytest.raises(ValidationError):
            model.model_validate({"at": value})
        return
    read = model.model_validate({"at": value}).at
    assert read == expected
    assert type(read) is type(expected)
    if isinstance(value, int | float | str) or value is None:
        assert model.model_validate_json(json.dumps({"at": value})).at == expected
    assert model.model_validate({"at": value}).model_dump(mode="json") == {
        "at": None if expected is None else expected.isoformat()
    }


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "message"),
    [
        (
            "POST",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "JSON",
        ),
        ("POST", {"json": {"variables": {}}}, 400, "No GraphQL query"),
        ("POST", {"json": [1, 2]}, 400, "Batching"),
        (
            "GET",
            {"params": {"query": 'mutation { deleteConversation(name: "x") { deletedName } }'}},
            400,
            "GET",
        ),
        ("PUT", {"json": {"query": "{ __typename }"}}, 405, "Method Not Allowed"),
    ],
)
async def test_malformed_requests_get_graphql_errors_not_plain_text(
    client: httpx.AsyncClient, method: str, kwargs: dict[str, object], status: int, message: str
) -> None:
    response = await client.request(method, "/graphql", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    assert message in body["errors"][0]["message"]


async def test_several_operations_need_an_operation_name(graphql: GraphQL) -> None:
    document = "query A { __typename } query B { __typename }"
    body = await graphql(document, expect_errors=True)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "operationName" in body["errors"][0]["message"]


async def test_the_named_operation_runs(client: httpx.AsyncClient) -> None:
    document = "query A { a: __typename } query B { b: __typename }"
    response = await client.post("/graphql", json={"query": document, "operationName": "B"})
    assert response.json() == {"data": {"b": "Query"}}

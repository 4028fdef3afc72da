"""Request logs: one JSON object per line, a request id in and out, no credentials."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.observability import configure_logging
from app.settings import Settings
from tests.observability.conftest import NESTED


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Everything logged, formatted by `configure_logging("json")`, into a buffer."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stderr", buffer)
    configure_logging("json", level=logging.DEBUG)
    yield buffer
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


def _records(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def _access(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [r for r in _records(buffer) if r["logger"] == "sessiongraph.access"]


async def test_a_request_logs_one_json_line_with_its_id(
    client: httpx.AsyncClient, hub: EmulatorHub, log_lines: io.StringIO
) -> None:
    response = await client.post(
        "/graphql", json={"query": NESTED}, headers={"X-Request-Id": "req-42.a"}
    )

    assert response.headers["x-request-id"] == "req-42.a"
    [record] = _access(log_lines)
    assert record["request_id"] == "req-42.a"
    assert record["operation_name"] == "Records"
    assert record["operation_type"] == "query"
    assert record["outcome"] == "success"
    assert record["upstream_calls"] == len(hub.log.entries()) == 3
    assert record["status"] == 200
    assert record["path"] == "/graphql"
    assert record["level"] == "INFO"
    assert isinstance(record["duration_ms"], float)
    assert "timestamp" in record


@pytest.mark.parametrize("sent", [None, "", "has space", "x" * 200, 'quote"d', "tab\there"])
async def test_a_missing_or_odd_request_id_is_replaced(
    client: httpx.AsyncClient, log_lines: io.StringIO, sent: str | None
) -> None:
    headers = {"X-Request-Id": sent} if sent is not None else {}
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    minted = response.headers["x-request-id"]
    assert minted != sent
    assert len(minted) == 32
    [record] = _access(log_lines)
    assert record["request_id"] == minted
    assert record["operation_name"] is None


async def test_errors_are_logged_with_their_outcome(
    client: httpx.AsyncClient, hub: EmulatorHub, log_lines: io.StringIO
) -> None:
    hub["meet"].knobs.error_rate = 1.0

    await client.post("/graphql", json={"query": NESTED})

    [record] = _access(log_lines)
    assert record["outcome"] == "error"
    assert record["upstream_calls"] == 3  # the retries count: each is an upstream request


async def test_no_credential_reaches_logs_or_responses(
    settings: Settings, hub: EmulatorHub, log_lines: io.StringIO
) -> None:
    secrets = {
        "api_keys": "key-s3cr3t-one,key-s3cr3t-two",
        "cursor_secret": "cursor-s3cr3t-value-0123456789",
        "google_access_token": "google-s3cr3t-token",
        "stream_api_key": "stream-s3cr3t-key",
        "stream_api_secret": "stream-s3cr3t-secret",
        "realtimekit_api_token": "rtk-s3cr3t-token",
    }
    app = create_app(Settings(**{**settings.model_dump(), **secrets}), hub=hub)
    bodies: list[str] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            headers = {"X-API-Key": "key-s3cr3t-two", "Authorization": "Bearer caller-s3cr3t"}
            for query in (NESTED, "{ nope }", "query {", '{ node(id: "x") { id } }'):
                r = await c.post("/graphql", json={"query": query}, headers=headers)
                bodies.append(r.text + str(r.headers))
            denied = await c.post("/graphql", json={"query": NESTED}, headers={"X-API-Key": "bad"})
            bodies.append(denied.text + str(denied.headers))
            bodies.append((await c.get("/metrics")).text)
    logged = log_lines.getvalue()
    assert "sessiongraph.access" in logged
    for secret in [*secrets.values(), "key-s3cr3t-one", "key-s3cr3t-two", "caller-s3cr3t"]:
        for value in secret.split(","):
            assert value not in logged
            assert all(value not in body for body in bodies)


def test_console_format_is_one_readable_line(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    saved = root.handlers[:]
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stderr", buffer)
    try:
        configure_logging("console")
        logging.getLogger("sessiongraph.access").info(
            "request", extra={"request_id": "r1", "operation_name": "Records"}
        )
    finally:
        root.handlers[:] = saved
    line = buffer.getvalue().strip()
    assert line.endswith("INFO request request_id=r1 operation_name=Records")
    assert "{" not in line

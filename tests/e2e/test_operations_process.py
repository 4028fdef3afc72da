"""`sessiongraph serve` in a real process: OTLP traces, JSON logs, no credential in output."""

from __future__ import annotations

import json

import httpx
import pytest

from app.emulators.config import DEMO_CREDENTIALS
from tests.e2e.otlp_receiver import otlp_receiver
from tests.e2e.processes import free_port, running

pytestmark = pytest.mark.e2e

QUERY = "query Records { conferenceRecords(first: 2) { edges { node { name participants(first: 2) { nodes { name } } } } } }"
TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT = "b7ad6b7169203331"


def test_serve_exports_traces_and_logs_json_without_secrets() -> None:
    upstream_port, gateway_port = free_port(), free_port()
    base = f"http://127.0.0.1:{upstream_port}"
    creds = DEMO_CREDENTIALS
    secrets = {
        "SESSIONGRAPH_GOOGLE_ACCESS_TOKEN": creds.google_token,
        "SESSIONGRAPH_STREAM_API_KEY": creds.stream_api_key,
        "SESSIONGRAPH_STREAM_API_SECRET": creds.stream_api_secret,
        "SESSIONGRAPH_REALTIMEKIT_API_TOKEN": creds.realtimekit_api_token,
        "SESSIONGRAPH_API_KEYS": "ops-e2e-key-1,ops-e2e-key-2",
        "SESSIONGRAPH_CURSOR_SECRET": "ops-e2e-cursor-secret-0123456789",
    }
    with otlp_receiver() as (endpoint, received):
        env = {
            **{
                f"SESSIONGRAPH_{u}_URL": base
                for u in ("MEET", "DISCOVERY", "STREAM", "REALTIMEKIT")
            },
            "SESSIONGRAPH_REALTIMEKIT_ACCOUNT_ID": creds.realtimekit_account_id,
            "SESSIONGRAPH_REALTIMEKIT_APP_ID": creds.realtimekit_app_id,
            **secrets,
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "OTEL_SERVICE_NAME": "sessiongraph-e2e",
            "OTEL_BSP_SCHEDULE_DELAY": "50",
        }
        with (
            running(["emulate", "--port", str(upstream_port)]),
            running(["serve", "--port", str(gateway_port)], env) as output,
        ):
            url = f"http://127.0.0.1:{gateway_port}/graphql"
            headers = {
                "X-API-Key": "ops-e2e-key-2",
                "X-Request-Id": "e2e-request-1",
                "traceparent": f"00-{TRACE}-{PARENT}-01",
            }
            response = httpx.post(url, json={"query": QUERY}, headers=headers, timeout=30)
            stream = httpx.post(
                url,
                json={"query": "{ callSessions(first: 1) { nodes { id } } }"},
                headers={"X-API-Key": "ops-e2e-key-1"},
                timeout=30,
            )
            log = httpx.get(f"{base}/_emulator/log", params={"emulator": "meet"}, timeout=10).json()
            spans = received.wait_for(lambda s: sum(x.name.startswith("GET ") for x in s) >= 3)
            lines = [line for line in output if line.strip()]

    assert "errors" not in response.json(), response.json()
    assert response.headers["x-request-id"] == "e2e-request-1"
    assert stream.status_code == 200
    assert received.service_names == {"sessiongraph-e2e"}
    [operation] = [s for s in spans if s.name == "query Records"]
    assert operation.trace_id.hex() == TRACE
    assert operation.parent_span_id.hex() == PARENT
    upstream = [s for s in spans if s.trace_id.hex() == TRACE and s is not operation]
    assert len(upstream) == len(log) == 3
    assert all(s.parent_span_id == operation.span_id for s in upstream)
    assert {entry["headers"]["traceparent"].split("-")[1] for entry in log} == {TRACE}

    records = [json.loads(line) for line in lines]  # every line is one JSON object
    [access] = [r for r in records if r.get("request_id") == "e2e-request-1"]
    assert access["operation_name"] == "Records"
    assert access["upstream_calls"] == 3
    text = "".join(lines) + response.text + stream.text
    for value in [*secrets.values(), "ops-e2e-key-1", "ops-e2e-key-2"]:
        for part in value.split(","):
            assert part not in text

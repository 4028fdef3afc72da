"""End to end over real sockets: the CLI's processes, real HTTP between gateway and upstreams."""

from __future__ import annotations

import httpx
import pytest

from app.emulators.config import DEMO_CREDENTIALS, EmulatorConfig
from app.emulators.meet.seed import build_dataset
from tests.e2e.processes import free_port, running

pytestmark = pytest.mark.e2e

RECORDS = "{ conferenceRecords(first: 3) { totalCount edges { node { name participants(first: 2) { totalCount nodes { displayName } } } } pageInfo { hasNextPage } } }"


def test_demo_serves_graphql_and_prints_the_graphiql_url() -> None:
    port = free_port()
    with running(["demo", "--port", str(port)]) as output:
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json={"query": RECORDS}, timeout=30
        )
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10).json()
    assert f"http://127.0.0.1:{port}/graphql" in "".join(output)
    body = response.json()
    assert "errors" not in body, body
    assert len(body["data"]["conferenceRecords"]["edges"]) == 3
    assert body["data"]["conferenceRecords"]["pageInfo"]["hasNextPage"] is True
    assert {u["mode"] for u in ready["upstreams"].values()} == {"emulator"}
    assert {u["state"] for u in ready["upstreams"].values()} == {"ok"}


def test_gateway_reaches_separately_served_upstreams_over_http() -> None:
    upstream_port, gateway_port = free_port(), free_port()
    base = f"http://127.0.0.1:{upstream_port}"
    creds = DEMO_CREDENTIALS
    env = {
        "SESSIONGRAPH_MEET_URL": base,
        "SESSIONGRAPH_DISCOVERY_URL": base,
        "SESSIONGRAPH_STREAM_URL": base,
        "SESSIONGRAPH_REALTIMEKIT_URL": base,
        "SESSIONGRAPH_GOOGLE_ACCESS_TOKEN": creds.google_token,
        "SESSIONGRAPH_STREAM_API_KEY": creds.stream_api_key,
        "SESSIONGRAPH_STREAM_API_SECRET": creds.stream_api_secret,
        "SESSIONGRAPH_REALTIMEKIT_ACCOUNT_ID": creds.realtimekit_account_id,
        "SESSIONGRAPH_REALTIMEKIT_APP_ID": creds.realtimekit_app_id,
        "SESSIONGRAPH_REALTIMEKIT_API_TOKEN": creds.realtimekit_api_token,
        "SESSIONGRAPH_API_KEYS": "e2e-key",
    }
    with (
        running(["emulate", "--port", str(upstream_port)]),
        running(["serve", "--port", str(gateway_port)], env) as output,
    ):
        url = f"http://127.0.0.1:{gateway_port}/graphql"
        denied = httpx.post(url, json={"query": RECORDS}, timeout=30)
        allowed = httpx.post(
            url, json={"query": RECORDS}, headers={"X-API-Key": "e2e-key"}, timeout=30
        )
        log = httpx.get(f"{base}/_emulator/log", params={"emulator": "meet"}, timeout=10).json()
        ready = httpx.get(f"http://127.0.0.1:{gateway_port}/readyz", timeout=10).json()

    assert denied.status_code == 401
    body = allowed.json()
    assert "errors" not in body, body
    assert len(body["data"]["conferenceRecords"]["edges"]) == 3
    assert len(log) == 4  # one records page, three participants pages, over real HTTP
    assert {u["mode"] for u in ready["upstreams"].values()} == {"configured"}
    assert {u["state"] for u in ready["upstreams"].values()} == {"ok"}
    printed = "".join(output)
    secrets = (
        creds.google_token,
        creds.stream_api_key,
        creds.stream_api_secret,
        creds.realtimekit_api_token,
    )
    for secret in secrets:
        assert secret not in printed
        assert secret not in allowed.text


def test_without_a_static_token_the_callers_bearer_token_is_forwarded_to_google() -> None:
    upstream_port, gateway_port = free_port(), free_port()
    base = f"http://127.0.0.1:{upstream_port}"
    env = {"SESSIONGRAPH_MEET_URL": base, "SESSIONGRAPH_DISCOVERY_URL": base}
    query = "{ conferenceRecords(first: 1) { edges { node { name } } } }"
    with (
        running(["emulate", "--port", str(upstream_port)]),
        running(["serve", "--port", str(gateway_port)], env),
    ):
        url = f"http://127.0.0.1:{gateway_port}/graphql"
        anonymous = httpx.post(url, json={"query": query}, timeout=30).json()
        wrong = httpx.post(
            url, json={"query": query}, headers={"Authorization": "Bearer not-a-token"}, timeout=30
        ).json()
        caller = httpx.post(
            url,
            json={"query": query},
            headers={"Authorization": f"Bearer {DEMO_CREDENTIALS.google_token}"},
            timeout=30,
        ).json()

    assert anonymous["errors"][0]["extensions"] == {
        "code": "UNAUTHENTICATED",
        "provider": "GOOGLE_MEET",
    }
    assert wrong["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert wrong["errors"][0]["extensions"]["upstreamStatus"] == 401
    assert "errors" not in caller
    assert len(caller["data"]["conferenceRecords"]["edges"]) == 1


def test_emulate_takes_its_seed_and_fault_knobs_from_the_environment() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "SESSIONGRAPH_EMULATOR_SEED": "7",
        "SESSIONGRAPH_EMULATOR_LATENCY_MS": "2.5",
        "SESSIONGRAPH_EMULATOR_ERROR_RATE": "1",
    }
    auth = {"Authorization": f"Bearer {DEMO_CREDENTIALS.google_token}"}
    with running(["emulate", "--port", str(port)], env):
        knobs = httpx.get(f"{base}/_emulator/knobs/stream", timeout=10).json()
        failing = httpx.get(f"{base}/v2/conferenceRecords", headers=auth, timeout=10)
        httpx.put(f"{base}/_emulator/knobs/meet", json={}, timeout=10).raise_for_status()
        page = httpx.get(
            f"{base}/v2/conferenceRecords", params={"pageSize": "1"}, headers=auth, timeout=10
        )

    assert (knobs["latency_ms"], knobs["error_rate"]) == (2.5, 1.0)
    assert failing.status_code == 503
    seeded = build_dataset(EmulatorConfig(seed=7)).conference_records()[0]
    assert page.json()["conferenceRecords"][0]["name"] == seeded.name
    assert seeded.name != build_dataset(EmulatorConfig()).conference_records()[0].name

"""RealtimeKit failures: unsafe ids, both error envelopes, rate limits, retries, partial data."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.emulators import EmulatorHub
from app.emulators.framework import FaultRule
from app.runtime import Runtime
from app.settings import Settings
from resolvers.errors import ErrorCode, GatewayError
from resolvers.realtimekit.errors import error_parser
from schema.relay import encode_global_id
from tests.conftest import GraphQL
from tests.realtimekit.upstream import emulator, large_session, session_with

ONE = "query($id: String!) { realtimeSession(id: $id) { sessionId } }"


@pytest.mark.parametrize(
    "bad_id", ["../sessions", "abc?page_no=2", "abc#frag", "a/b", "", "with space", "%2e%2e"]
)
async def test_unsafe_session_ids_are_bad_user_input_before_any_call(
    graphql: GraphQL, hub: EmulatorHub, bad_id: str
) -> None:
    body = await graphql(ONE, {"id": bad_id}, expect_errors=True)

    assert body["data"] == {"realtimeSession": None}
    assert body["errors"][0]["path"] == ["realtimeSession"]
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    assert hub.log.entries("realtimekit") == []


@pytest.mark.parametrize("key", ["s1/../x", "s1/p?x", "s1#/p1", "no-slash"])
async def test_unsafe_participant_node_keys_are_bad_user_input(
    graphql: GraphQL, hub: EmulatorHub, key: str
) -> None:
    node_id = encode_global_id("RealtimeParticipant", key)

    body = await graphql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": node_id}, expect_errors=True
    )

    assert body["errors"][0]["path"] == ["node"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert hub.log.entries("realtimekit") == []


async def test_unknown_session_is_null_with_not_found(graphql: GraphQL, hub: EmulatorHub) -> None:
    body = await graphql(ONE, {"id": "0b7c2d4e-0000-4000-8000-000000000000"}, expect_errors=True)

    assert body["data"] == {"realtimeSession": None}
    assert body["errors"][0]["path"] == ["realtimeSession"]
    assert body["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "provider": "CLOUDFLARE_REALTIMEKIT",
        "upstreamStatus": 404,
    }
    assert [e.status for e in hub.log.entries("realtimekit")] == [404]


@pytest.mark.parametrize(("status", "code"), [(401, "UNAUTHENTICATED"), (403, "FORBIDDEN")])
async def test_cloudflare_auth_errors_map_to_auth_codes(
    graphql: GraphQL, hub: EmulatorHub, status: int, code: str
) -> None:
    emulator(hub).knobs.rules.append(FaultRule(path_regex="/sessions$", status=status))

    body = await graphql("{ realtimeSessions(first: 1) { totalCount } }", expect_errors=True)

    assert body["data"] == {"realtimeSessions": None}
    assert body["errors"][0]["path"] == ["realtimeSessions"]
    assert body["errors"][0]["extensions"] == {
        "code": code,
        "provider": "CLOUDFLARE_REALTIMEKIT",
        "upstreamStatus": status,
        "upstreamReason": "Cloudflare error 10000",
    }
    assert "sessiongraph-demo-realtimekit-token" not in str(body)


async def test_exhausted_quota_is_rate_limited_with_retry_after(
    graphql: GraphQL, hub: EmulatorHub
) -> None:
    emulator(hub).knobs.options["rate_limit"] = 0

    body = await graphql(ONE, {"id": large_session(hub).id}, expect_errors=True)

    assert body["errors"][0]["path"] == ["realtimeSession"]
    ext = body["errors"][0]["extensions"]
    assert ext["code"] == "RATE_LIMITED"
    assert ext["retryAfterSeconds"] == 300
    assert ext["upstreamStatus"] == 429
    # A five-minute block is not waited out: one attempt, then the error.
    assert len(hub.log.entries("realtimekit")) == 1


async def test_transient_failures_of_reads_are_retried(graphql: GraphQL, hub: EmulatorHub) -> None:
    session = large_session(hub)
    emulator(hub).knobs.rules.append(FaultRule(path_regex="/sessions/[^/]+$", status=503, times=1))
    emulator(hub).knobs.rules.append(
        FaultRule(path_regex="/participants$", status=429, times=1, retry_after=0)
    )

    data = await graphql(
        "query($id: String!) { realtimeSession(id: $id) { sessionId participants(first: 1) { totalCount } } }",
        {"id": session.id},
    )

    assert data["realtimeSession"]["participants"]["totalCount"] == len(session.participants)
    assert [e.status for e in hub.log.entries("realtimekit")] == [503, 200, 429, 200]


async def test_a_failing_link_fails_only_its_own_field(graphql: GraphQL, hub: EmulatorHub) -> None:
    session = session_with(hub, has_chat=True, has_transcript=True)
    emulator(hub).knobs.rules.append(FaultRule(path_regex="/chat$", status=500))

    body = await graphql(
        "query($id: String!) { realtimeSession(id: $id) { sessionId chat { url } transcript { url } } }",
        {"id": session.id},
        expect_errors=True,
    )

    result = body["data"]["realtimeSession"]
    assert result["sessionId"] == session.id
    assert result["chat"] is None
    assert result["transcript"]["url"].endswith("transcript.csv")
    assert [e["path"] for e in body["errors"]] == [["realtimeSession", "chat"]]
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"


def _response(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    ("response", "code", "reason", "retry_after"),
    [
        (
            _response(
                404,
                {"success": False, "error": {"code": 404, "message": "No session found with id x"}},
            ),
            ErrorCode.NOT_FOUND,
            None,
            None,
        ),
        (
            _response(400, {"success": False, "error": {"code": 400, "message": "bad"}}),
            ErrorCode.BAD_USER_INPUT,
            None,
            None,
        ),
        (
            _response(
                401,
                {
                    "success": False,
                    "errors": [{"code": 10000, "message": "Authentication error"}],
                    "messages": [],
                    "result": None,
                },
            ),
            ErrorCode.UNAUTHENTICATED,
            "Cloudflare error 10000",
            None,
        ),
        (
            _response(
                404,
                {"success": False, "errors": [{"code": 7003, "message": "No route for the URI"}]},
            ),
            ErrorCode.NOT_FOUND,
            "Cloudflare error 7003",
            None,
        ),
        (
            _response(
                429,
                {"success": False, "errors": [{"code": 971, "message": "slow down"}]},
                {"Retry-After": "42"},
            ),
            ErrorCode.RATE_LIMITED,
            "Cloudflare error 971",
            42.0,
        ),
        (_response(408, None), ErrorCode.UPSTREAM_TIMEOUT, None, None),
        (_response(502, "<html>bad gateway</html>"), ErrorCode.UPSTREAM_UNAVAILABLE, None, None),
        (httpx.Response(503, content=b"not json"), ErrorCode.UPSTREAM_UNAVAILABLE, None, None),
    ],
)
def test_error_parser_reads_both_envelopes_and_decides_by_status(
    response: httpx.Response, code: ErrorCode, reason: str | None, retry_after: float | None
) -> None:
    error = error_parser(response)

    assert error.code is code
    assert error.reason == reason
    assert error.retry_after == retry_after
    assert error.upstream_status == response.status_code
    assert "No session found" not in error.message  # upstream text is never copied


async def test_session_loader_keeps_the_batch_contract(
    settings: Settings, hub: EmulatorHub
) -> None:
    sessions = emulator(hub).dataset.sessions
    failing = sessions[2].id
    emulator(hub).knobs.rules.append(FaultRule(path_regex=f"/sessions/{failing}$", status=500))
    runtime = Runtime.create(settings, hub)
    try:
        loader = runtime.context_for(None).loaders.realtimekit.session_by_id
        keys = [sessions[0].id, "0b7c2d4e-0000-4000-8000-000000000000", failing, sessions[1].id]

        # One tick, one batch; gather keeps each key's own outcome.
        results = await asyncio.gather(*(loader.load(k) for k in keys), return_exceptions=True)
    finally:
        await runtime.close()

    first, missing, failed, last = results
    assert getattr(first, "id", None) == sessions[0].id
    assert missing is None
    assert isinstance(failed, GatewayError)
    assert failed.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert getattr(last, "id", None) == sessions[1].id
    # The failing key was retried (3 attempts); the others were fetched once, concurrently.
    assert len(hub.log.entries("realtimekit")) == 3 + 3

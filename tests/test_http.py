"""The shared upstream HTTP layer's retry policy, with upstreams faked at the transport."""

from __future__ import annotations

import httpx
import pytest

from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.http import RetryPolicy, UpstreamHttp
from resolvers.stream.errors import error_parser as stream_errors


def _upstream(responses: list[httpx.Response]) -> tuple[UpstreamHttp, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://stream")
    http = UpstreamHttp(
        Provider.STREAM_VIDEO,
        client,
        parse_error=stream_errors,
        policy=RetryPolicy(attempts=3, base_delay=0, max_delay=0, retry_statuses=frozenset({429})),
        timeout=2,
        concurrency=4,
    )
    return http, seen


def _api_error(status: int, *, unrecoverable: bool) -> httpx.Response:
    body = {
        "code": 9,
        "message": "Too many requests",
        "StatusCode": status,
        "duration": "0.01ms",
        "more_info": "",
        "details": [],
        "unrecoverable": unrecoverable,
    }
    return httpx.Response(status, json=body, headers={"Retry-After": "0"})


async def test_recoverable_429_is_retried_until_it_succeeds() -> None:
    http, seen = _upstream([_api_error(429, unrecoverable=False), httpx.Response(200, json={})])

    response = await http.send("GET", "/video/call")

    assert response.status_code == 200
    assert len(seen) == 2


async def test_unrecoverable_429_is_not_retried() -> None:
    http, seen = _upstream([_api_error(429, unrecoverable=True), httpx.Response(200, json={})])

    with pytest.raises(GatewayError) as caught:
        await http.send("GET", "/video/call")

    assert caught.value.code is ErrorCode.RATE_LIMITED
    assert caught.value.reason == "RATE_LIMIT"
    assert len(seen) == 1


async def test_writes_are_never_retried() -> None:
    http, seen = _upstream([_api_error(429, unrecoverable=False), httpx.Response(200, json={})])

    with pytest.raises(GatewayError):
        await http.send("POST", "/video/call_stats", json={}, idempotent=False)

    assert len(seen) == 1


async def test_long_retry_after_is_returned_not_waited_out() -> None:
    slow = httpx.Response(429, json={"code": 9}, headers={"Retry-After": "300"})
    http, seen = _upstream([slow, httpx.Response(200, json={})])

    with pytest.raises(GatewayError) as caught:
        await http.send("GET", "/video/call")

    assert caught.value.extensions["retryAfterSeconds"] == 300
    assert len(seen) == 1

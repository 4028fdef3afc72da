"""Configured upstreams over real loopback sockets: failures keep their contract codes."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import httpx
import pytest

from app.asgi import create_app
from app.runtime import _client
from app.settings import Settings
from app.transport import UpstreamClient, UpstreamTransport
from resolvers.breaker import BreakerPolicy, BreakerState
from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.http import RetryPolicy, UpstreamHttp, status_error_parser
from resolvers.upstream_request import UpstreamRequests
from tests.loopback import JSON_OK, Recorder, answer, count_client_request_sends, recording

CALL = '{ callSession(callType: "default", callId: "a", sessionId: "b") { callId } }'


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens here any more


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_refused_connection_is_upstream_unavailable(transport: str) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        stream_url=f"http://127.0.0.1:{_closed_port()}",
        stream_api_key="key",  # type: ignore[arg-type]
        stream_api_secret="secret-0123456789-0123456789-0123456789",  # type: ignore[arg-type]
        upstream_transport=transport,  # type: ignore[arg-type]
        retry_base_delay=0.0,
        retry_max_delay=0.0,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        asgi = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=asgi, base_url="http://gateway") as client:
            body = (await client.post("/graphql", json={"query": CALL})).json()
    assert body["data"] == {"callSession": None}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["provider"] == "STREAM_VIDEO"


async def test_upstream_clients_keep_no_cookies(settings: Settings) -> None:
    """One pool serves every caller: a cookie set on one response never rides on the next."""
    seen: list[str | None] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, json={}, headers={"set-cookie": "session=caller-a; Path=/"})

    async with UpstreamClient(
        transport=httpx.MockTransport(upstream), base_url="http://up"
    ) as client:
        first = await client.get("/a")
        await client.get("/a", cookies=None)
        assert first.headers["set-cookie"].startswith("session=caller-a")
        assert seen == [None, None]
        assert len(client.cookies) == 0
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        clients = app.state.runtime.clients
        assert clients
        assert all(isinstance(c, UpstreamClient) for c in clients)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_configured_upstream_keeps_no_cookies_on_the_wire(transport: str) -> None:
    """Over real sockets too: neither httpx nor aiohttp's own session keeps a cookie."""
    settings = Settings(_env_file=None, upstream_transport=transport)  # type: ignore[call-arg]
    async with recording() as upstream:
        upstream.answer = answer(b"{}", "Set-Cookie: session=caller-a; Path=/")
        # A host name, not an IP address: aiohttp's jar ignores cookies from IP addresses.
        async with _client(settings, upstream.url("localhost"), None) as client:
            requests = UpstreamRequests(client)
            for _ in range(2):
                request = requests.build("GET", requests.url("/v2/x", None), None, None, {})
                assert (await requests.send(request)).headers["set-cookie"]
            assert (await client.get("/v2/y")).status_code == 200

    assert len(upstream.requests) == 3
    assert [b"\r\ncookie:" in r.lower() for r in upstream.requests] == [False, False, False]


def _upstream_http(
    client: httpx.AsyncClient, timeout: float = 5.0, attempts: int = 1
) -> UpstreamHttp:
    return UpstreamHttp(
        Provider.GOOGLE_MEET,
        client,
        parse_error=status_error_parser(Provider.GOOGLE_MEET),
        policy=RetryPolicy(attempts=attempts),
        timeout=timeout,
        concurrency=8,
        breaker=BreakerPolicy(failure_threshold=1),  # one counted failure opens it
    )


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_body_cut_short_is_upstream_unavailable(transport: str) -> None:
    settings = Settings(_env_file=None, upstream_transport=transport)  # type: ignore[call-arg]
    async with recording() as upstream:
        upstream.answer = answer(b'{"conferenceRecords": [')[:-5]  # promised more than sent
        upstream.then = "close"
        async with _client(settings, upstream.url(), None) as client:
            with pytest.raises(GatewayError) as caught:
                await _upstream_http(client).send("GET", "/v2/conferenceRecords")

    assert caught.value.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert len(upstream.requests) == 1


async def test_the_pool_times_no_read_of_its_own() -> None:
    """Each attempt is bounded as a whole by UpstreamHttp (the test below): a timer per
    read in the pool would only be rescheduled on every chunk received."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    async with _client(settings, "http://127.0.0.1:9", None) as client:
        assert client.timeout.read is None
        assert client.timeout.connect == settings.connect_timeout
        assert client.timeout.pool == settings.read_timeout


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_body_that_stops_coming_is_upstream_timeout(transport: str) -> None:
    settings = Settings(_env_file=None, upstream_transport=transport)  # type: ignore[call-arg]
    async with recording() as upstream:
        upstream.answer = answer(b'{"conferenceRecords": [')[:-5]
        upstream.then = "stall"
        async with _client(settings, upstream.url(), None) as client:
            with pytest.raises(GatewayError) as caught:
                await _upstream_http(client, timeout=0.2).send("GET", "/v2/conferenceRecords")
            assert len(upstream.requests) == 1
            # The half-read connection is not handed out again, nor held: the next read
            # goes out on a new one and is answered.
            upstream.answer, upstream.then = answer(JSON_OK), "keep"
            again = await _upstream_http(client, timeout=5.0).send("GET", "/v2/conferenceRecords")
            assert again.json()["totalSize"] == 1
            if isinstance(pool := client._transport, UpstreamTransport):
                assert not pool.get_client().connector._acquired  # type: ignore[union-attr]

    assert caught.value.code is ErrorCode.UPSTREAM_TIMEOUT
    assert len(upstream.requests) == 2


LIST = "/v2/conferenceRecords"


@asynccontextmanager
async def _stale_pool(
    transport: str, pooled: int, attempts: int
) -> AsyncIterator[tuple[Recorder, UpstreamHttp]]:
    """An upstream that closes each connection, unanswered, on its second request, and a
    client whose pool holds `pooled` such connections (the recorder answers none of the
    filling reads before all have come: one connection each)."""
    settings = Settings(_env_file=None, upstream_transport=transport)  # type: ignore[call-arg]
    async with recording() as upstream:
        upstream.then, upstream.together = "drop-next", pooled
        async with _client(settings, upstream.url(), None) as client:
            http = _upstream_http(client, attempts=attempts)
            await asyncio.gather(*(http.send("GET", LIST) for _ in range(pooled)))
            yield upstream, http


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_read_whose_pooled_connection_is_closed_under_it_is_sent_again(
    transport: str,
) -> None:
    """The server closes each pooled connection as it is reused (its idle timeout fired):
    the read is sent again at once and answered, and the breaker counts nothing."""
    async with _stale_pool(transport, pooled=2, attempts=3) as (upstream, http):
        response = await http.send("GET", LIST)
        assert response.status_code == 200
        assert http.breaker.state is BreakerState.CLOSED

    # Two filled the pool, both pooled connections dropped a request (aiohttp resends
    # once itself, httpcore not at all: the gateway's attempts make up the rest), and a
    # new connection answered.
    assert len(upstream.requests) == 5


@pytest.mark.parametrize(("transport", "sent"), [("aiohttp", 4), ("httpx", 2)])
async def test_a_read_dropped_on_its_last_attempt_is_upstream_unavailable(
    transport: str, sent: int
) -> None:
    async with _stale_pool(transport, pooled=4, attempts=2) as (upstream, http):
        with pytest.raises(GatewayError) as caught:
            await http.send("GET", LIST)
        # Only the last attempt's drop counted, and it opened the breaker.
        assert http.breaker.state is BreakerState.OPEN

    assert caught.value.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert caught.value.extensions["upstreamReason"] == "connection dropped"
    assert len(upstream.requests) == 4 + sent


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_write_dropped_under_it_is_not_sent_again(transport: str) -> None:
    async with _stale_pool(transport, pooled=2, attempts=3) as (upstream, http):
        with pytest.raises(GatewayError) as caught:
            await http.send("POST", LIST, json={}, idempotent=False)

    assert caught.value.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert len(upstream.requests) == 3  # the POST went out once


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_idle_upstream_connections_expire_before_the_servers_usual_5_seconds(
    transport: str,
) -> None:
    """The setting reaches the pool under the client, whichever it is."""
    settings = Settings(_env_file=None, upstream_transport=transport)  # type: ignore[call-arg]
    assert settings.upstream_keepalive_expiry < 5
    tuned = settings.model_copy(update={"upstream_keepalive_expiry": 2.5})
    async with _client(tuned, "http://127.0.0.1:9", None) as client:
        pool = client._transport  # what the client was built with
        if isinstance(pool, UpstreamTransport):
            expiry = pool.get_client().connector._keepalive_timeout  # type: ignore[union-attr]
        else:
            expiry = pool._pool._keepalive_expiry  # type: ignore[attr-defined]
    assert expiry == 2.5


def _spy_on_session_request(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs `ClientSession.request` is asked for, passed on as they are."""
    asked: list[str] = []
    request = aiohttp.ClientSession.request

    def spy(self: aiohttp.ClientSession, method: str, url: Any, **kw: Any) -> Any:
        asked.append(str(url))
        return request(self, method, url, **kw)

    monkeypatch.setattr(aiohttp.ClientSession, "request", spy)
    return asked


async def test_the_gateway_s_requests_go_to_the_pool_without_session_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reads, writes and httpx's own API alike (app/aiohttp_exchange.py), the reads
    written without `ClientRequest` (app/aiohttp_reads.py); what they send is checked
    byte for byte in tests/test_upstream_request.py and tests/test_aiohttp_reads.py."""
    asked = _spy_on_session_request(monkeypatch)
    built = count_client_request_sends(monkeypatch)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    async with recording() as upstream, _client(settings, upstream.url(), None) as client:
        http = _upstream_http(client)
        assert (await http.send("GET", LIST)).json()["totalSize"] == 1
        # Escapes in the query: text for aiohttp, parsed here as `request` parses it.
        assert (await http.send("GET", LIST, params={"fields": "a,b"})).status_code == 200
        written = await http.send("POST", LIST, json={"a": 1}, idempotent=False)
        assert written.status_code == 200
        assert (await client.get("/v2/y")).status_code == 200

    assert [r.split(b" ", 2)[:2] for r in upstream.requests] == [
        [b"GET", LIST.encode()],
        [b"GET", LIST.encode() + b"?fields=a,b"],
        [b"POST", LIST.encode()],
        [b"GET", b"/v2/y"],
    ]
    assert upstream.requests[2].endswith(b'{"a":1}')
    assert asked == []
    assert built == ["POST"]


async def test_a_proxied_request_is_left_to_session_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only `ClientSession.request` speaks to a proxy: the recorder plays the proxy."""
    asked = _spy_on_session_request(monkeypatch)
    async with recording() as proxy:
        transport = UpstreamTransport(proxy=httpx.Proxy(proxy.url()))
        async with httpx.AsyncClient(transport=transport, base_url="http://upstream.test") as c:
            assert (await c.get("/v2/x")).status_code == 200

    assert asked == ["http://upstream.test/v2/x"]
    assert proxy.requests[0].startswith(b"GET http://upstream.test/v2/x HTTP/1.1\r\n")

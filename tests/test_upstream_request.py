"""Upstream requests built and sent by `UpstreamRequests` (over `UpstreamTransport`)
are, on the wire, the ones `client.build_request` + `client.send` made (over
httpx-aiohttp's own transport), and their responses read the same: both ways it
sends them, `build` + `send`, and `call` (which over aiohttp makes no httpx request).

A loopback server keeps the bytes of every request it gets; each case is sent the
old way and the new way, on both transports the settings offer, and the two byte
strings are compared.
"""

from __future__ import annotations

import gzip
import itertools
import socket
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import pytest
from httpx_aiohttp import AiohttpTransport

from app.runtime import _client
from app.settings import Settings
from app.transport import UpstreamClient
from resolvers import httpx_internals
from resolvers.upstream_request import UpstreamRequests
from tests.loopback import JSON_OK, Recorder, answer, recording


@pytest.fixture
async def recorder() -> AsyncIterator[Recorder]:
    async with recording() as found:
        yield found


def _settings(transport: str) -> Settings:
    return Settings(_env_file=None, upstream_transport=transport)  # type: ignore[call-arg]


def _gateway_client(url: str, transport: str) -> httpx.AsyncClient:
    # The very client the gateway makes for a configured upstream.
    return _client(_settings(transport), url, None)


def _reference_client(url: str, transport: str) -> httpx.AsyncClient:
    # The client the gateway made before: on aiohttp, httpx-aiohttp's transport as it comes.
    if transport == "httpx":
        return _gateway_client(url, transport)
    settings = _settings(transport)
    n = settings.upstream_concurrency
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    return UpstreamClient(
        base_url=url,
        timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        limits=limits,
        transport=AiohttpTransport(limits=limits),
    )


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    params: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    json: Any = None
    extra: Mapping[str, str] = field(default_factory=dict)


TRACE = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
CASES = {
    "meet list": Case(
        "GET",
        "/v2/conferenceRecords",
        {"pageSize": "10", "filter": 'start_time>="2026-10-01T00:00:00Z"', "pageToken": "a/+="},
        {"Authorization": "Bearer token"},
        extra=TRACE,
    ),
    "meet get, no params": Case("GET", "/v2/conferenceRecords/a%20b", None, {"Authorization": "x"}),
    "stream, int params": Case(
        "GET",
        "/api/v2/video/call/default/a/session/b/participant_sessions",
        {"api_key": "k", "limit": 26, "filter_conditions": '{"a":{"$in":["ü"]}}'},
        {"Stream-Auth-Type": "jwt", "Authorization": "eyJ.x.y"},
    ),
    "defaults replaced, any case": Case(
        "GET", "/v1/x", {"b": True}, {"accept": "application/json", "USER-AGENT": "sg/1"}
    ),
    "post json, non-ASCII": Case(
        "POST",
        "/video/call_stats",
        {"api_key": "k"},
        {"Authorization": "jwt"},
        {"filter_conditions": {"name": "ü 日本"}, "n": [1, 2.5, None, True], "e": {}},
        TRACE,
    ),
    "patch json": Case("PATCH", "/v1/p/sessions/s", {"updateMask": "state,userPseudoId"}, {}, {}),
    "post, no body": Case("POST", "/v1/p/sessions", None, {"Authorization": "Bearer t"}),
    "delete": Case("DELETE", "/v1/p/sessions/s", None, {"Authorization": "Bearer t"}),
    "a repeated header": Case("GET", "/v2/x", None, {"X-Dup": "a", "x-dup": "b", "X-C": "c"}),
    "a non-ASCII header value": Case("GET", "/v2/x", None, None, extra={"X-Name": "Zoë"}),
    "extra replaces a header": Case(
        "GET", "/v2/x", None, {"Authorization": "Bearer t"}, extra={"authorization": "Bearer u"}
    ),
}


async def _old(client: httpx.AsyncClient, case: Case) -> httpx.Response:
    # What resolvers/http.py did before UpstreamRequests (the URL aside: see
    # tests/test_upstream_url.py).
    url = UpstreamRequests(client).url(case.path, case.params)
    request = client.build_request(case.method, url, headers=case.headers, json=case.json)
    for name, value in case.extra.items():
        request.headers[name] = value
    return await client.send(request)


async def _sent(client: httpx.AsyncClient, case: Case) -> httpx.Response:
    requests = UpstreamRequests(client)
    url = requests.url(case.path, case.params)
    built = requests.build(case.method, url, case.headers, case.json, case.extra)
    return await requests.send(built)


async def _call(requests: UpstreamRequests, case: Case) -> httpx.Response:
    return await requests.call(
        case.method,
        case.path,
        params=case.params,
        headers=case.headers,
        json=case.json,
        extra=case.extra,
    )


async def _called(client: httpx.AsyncClient, case: Case) -> httpx.Response:
    return await _call(UpstreamRequests(client), case)


WAYS = {"build and send": _sent, "call": _called}


def _same_response(new: httpx.Response, old: httpx.Response) -> None:
    assert new.status_code == old.status_code
    assert new.headers.multi_items() == old.headers.multi_items()
    assert new.content == old.content
    assert new.text == old.text
    assert new.json() == old.json()
    assert new.is_success is old.is_success
    assert new.is_closed
    assert old.is_closed
    assert new.request.url == old.request.url
    assert new.request.headers.raw == old.request.headers.raw
    assert new.request.content == old.request.content
    assert new.elapsed.total_seconds() >= 0
    assert new.reason_phrase == old.reason_phrase
    assert new.http_version == old.http_version


HEADER_SETS: list[dict[str, str] | None] = [
    None,
    {},
    {"Authorization": "Bearer t"},
    {"accept": "application/json", "USER-AGENT": "sg/1"},
    {"Host": "elsewhere:81"},
    {"content-type": "text/plain; charset=utf-8"},
    {"Content-Length": "5"},
    {"Transfer-Encoding": "chunked"},
    {"Authorization": "a", "authorization": "b"},
    {"CONNECTION": "close", "X-Empty": ""},
]
BODIES: list[Any] = [None, {}, [], {"a": "ü 日本", "n": [1, 2.5, None, True]}, "text", 0, False]
EXTRAS: list[dict[str, str]] = [
    {},
    TRACE,
    {"authorization": "Bearer u"},
    {"Accept": "x", **TRACE},
    {"host": "h", "CONTENT-TYPE": "x"},
]
METHODS = ["GET", "post", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@pytest.mark.parametrize(
    "defaults", [None, {"X-Client": "1", "Accept": "text/html", "accept": "*/*"}]
)
def test_a_built_request_is_the_one_build_request_makes(defaults: dict[str, str] | None) -> None:
    client = UpstreamClient(base_url="https://meet.googleapis.com", headers=defaults)
    requests = UpstreamRequests(client)
    url = requests.url("/v2/conferenceRecords", {"pageSize": "10"})
    for method, headers, body, extra in itertools.product(METHODS, HEADER_SETS, BODIES, EXTRAS):
        old = client.build_request(method, url, headers=headers, json=body)
        for name, value in extra.items():
            old.headers[name] = value
        new = requests.build(method, url, headers, body, extra)
        case = (method, headers, body, extra)
        assert new.method == old.method, case
        assert new.url == old.url, case
        assert new.headers.raw == old.headers.raw, case
        assert new.content == old.content, case
        assert new.extensions == old.extensions, case
        assert type(new.stream) is type(old.stream), case


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
@pytest.mark.parametrize("name", list(CASES))
async def test_a_request_is_byte_identical_on_the_wire(
    recorder: Recorder, transport: str, name: str, way: str
) -> None:
    case = CASES[name]
    async with (
        _reference_client(recorder.url(), transport) as reference,
        _gateway_client(recorder.url(), transport) as client,
    ):
        old = await _old(reference, case)
        new = await WAYS[way](client, case)

    assert len(recorder.requests) == 2
    assert recorder.requests[1] == recorder.requests[0]
    _same_response(new, old)
    if case.json is not None:
        sent = recorder.requests[1].partition(b"\r\n\r\n")[2]
        assert orjson.loads(sent) == case.json


ROW = {
    "get a": Case("GET", "/v2/x", {"n": 1}, {"Authorization": "Bearer a"}),
    "get b": Case("GET", "/v2/x", {"n": 1}, {"Authorization": "Bearer b"}),
    "get a, traced": Case("GET", "/v2/x", {"n": 1}, {"Authorization": "Bearer a"}, extra=TRACE),
    "post a": Case("POST", "/v2/x", None, {"Authorization": "Bearer a"}),
    "post a, json": Case("POST", "/v2/x", None, {"Authorization": "Bearer a"}, {"k": 1}),
    "escaped": Case("GET", "/v2/a%20b", None, {"Authorization": "Bearer a"}),
}


async def test_one_client_s_calls_in_a_row_are_each_byte_identical(recorder: Recorder) -> None:
    # `call` keeps the last headers it handed aiohttp: repeats, then calls that differ
    # only in the call's headers, the extra headers, the method, the body, the client's
    # own headers: each request as httpx makes it.
    order = [
        "get a", "get a", "get b", "get a", "get a, traced", "get a", "post a", "post a, json",
        "post a", "escaped", "get a", "client headers changed", "get a", "get a",
    ]  # fmt: skip
    async with (
        _reference_client(recorder.url(), "aiohttp") as reference,
        _gateway_client(recorder.url(), "aiohttp") as client,
    ):
        requests = UpstreamRequests(client)
        for step, name in enumerate(order):
            if name == "client headers changed":
                for side in (reference, client):
                    side.headers["X-Added"] = "1"
                continue
            case = ROW[name]
            await _old(reference, case)
            await _call(requests, case)
            old, new = recorder.requests[-2:]
            assert new == old, (step, name)
    assert b"x-added: 1" in recorder.requests[-1].lower()
    assert b"x-added" not in recorder.requests[-5].lower()


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_a_compressed_answer_is_decoded_the_same(
    recorder: Recorder, transport: str, way: str
) -> None:
    recorder.answer = answer(
        gzip.compress(JSON_OK), "Content-Type: application/json", "Content-Encoding: gzip"
    )
    case = CASES["meet list"]
    async with (
        _reference_client(recorder.url(), transport) as reference,
        _gateway_client(recorder.url(), transport) as client,
    ):
        old = await _old(reference, case)
        new = await WAYS[way](client, case)

    assert new.content == JSON_OK
    _same_response(new, old)


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_an_error_answer_reads_the_same(recorder: Recorder, transport: str, way: str) -> None:
    recorder.answer = answer(
        b'{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}',
        "Content-Type: application/json",
        "Retry-After: 3",
        status="429 Too Many Requests",
    )
    case = CASES["meet list"]
    async with (
        _reference_client(recorder.url(), transport) as reference,
        _gateway_client(recorder.url(), transport) as client,
    ):
        old = await _old(reference, case)
        new = await WAYS[way](client, case)

    assert new.status_code == 429
    assert new.headers["retry-after"] == "3"
    _same_response(new, old)


@pytest.mark.parametrize("way", list(WAYS))
async def test_a_client_with_auth_or_hooks_goes_through_client_send(
    recorder: Recorder, way: str
) -> None:
    seen: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        seen.append(f"request {request.method}")

    async def on_response(response: httpx.Response) -> None:
        seen.append(f"response {response.status_code}")

    hooks = {"request": [on_request], "response": [on_response]}
    async with httpx.AsyncClient(base_url=recorder.url(), event_hooks=hooks) as client:
        await WAYS[way](client, CASES["meet get, no params"])
    async with httpx.AsyncClient(base_url=recorder.url(), auth=("user", "secret")) as client:
        await WAYS[way](client, Case("GET", "/v2/x"))
    userinfo = recorder.url("user:secret@127.0.0.1")
    async with httpx.AsyncClient(base_url=userinfo) as client:
        await WAYS[way](client, Case("GET", "/v2/y"))

    assert seen == ["request GET", "response 200"]
    basic = b"authorization: Basic dXNlcjpzZWNyZXQ=\r\n"
    assert [basic.lower() in r.lower() for r in recorder.requests] == [False, True, True]


async def test_a_transport_failure_names_its_request() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")  # no request given, as httpx-aiohttp raises them

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url="http://up")
    requests = UpstreamRequests(client)
    built = requests.build("GET", requests.url("/v2/x", None), None, None, {})

    with pytest.raises(httpx.ConnectError) as caught:
        await requests.send(built)

    assert caught.value.request is built


async def test_a_closed_client_refuses_as_httpx_does() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    requests = UpstreamRequests(client)
    built = requests.build("GET", httpx.URL("http://up/v2/x"), None, None, {})
    await client.aclose()

    with pytest.raises(RuntimeError, match="client has been closed"):
        await requests.send(built)


async def test_changed_client_headers_and_timeout_are_used() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://up")
    requests = UpstreamRequests(client)
    await requests.send(requests.build("GET", requests.url("/a", None), None, None, {}))
    client.headers["X-Added"] = "1"
    client.timeout = httpx.Timeout(7.0)
    await requests.send(requests.build("GET", requests.url("/a", None), None, None, {}))

    assert "x-added" not in seen[0].headers
    assert seen[1].headers["x-added"] == "1"
    assert seen[0].extensions["timeout"] == httpx.Timeout(5.0).as_dict()  # httpx's default
    assert seen[1].extensions["timeout"] == httpx.Timeout(7.0).as_dict()


def test_the_httpx_transport_lookup_relied_on_is_still_there() -> None:
    # Fails when an httpx release renames how a client picks the transport for a URL.
    mock = httpx.MockTransport(lambda r: httpx.Response(200))
    mounted = httpx.MockTransport(lambda r: httpx.Response(204))
    client = httpx.AsyncClient(transport=mock, mounts={"http://proxied": mounted})

    assert httpx_internals.transport_for(client, httpx.URL("http://up/x")) is mock
    assert httpx_internals.transport_for(client, httpx.URL("http://proxied/x")) is mounted


@pytest.mark.parametrize("body", [b"", b"x", JSON_OK, "ü 日本".encode() * 5000])
@pytest.mark.parametrize(
    "headers",
    [
        [],
        [(b"Content-Type", b"application/json"), (b"Content-Length", b"3")],
        [(b"transfer-encoding", b"chunked"), (b"content-type", b"text/plain; charset=utf-8")],
    ],
)
def test_the_httpx_read_relied_on_leaves_what_read_leaves(
    body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    # Fails when an httpx release changes what reading a response leaves on it.
    request = httpx.Request("GET", "http://up/v2/x")

    def response() -> httpx.Response:
        stream = httpx.ByteStream(body)
        return httpx.Response(200, headers=headers, stream=stream, request=request)

    read, shortcut = response(), response()
    assert read.read() == body
    httpx_internals.read_in_memory(shortcut, body)

    def state(r: httpx.Response) -> dict[str, Any]:
        # Everything but the decoder read() made on the way (made again when needed).
        return {k: v for k, v in vars(r).items() if k not in {"_decoder", "stream"}}

    assert state(shortcut) == state(read)
    assert shortcut.content == read.content == body
    assert shortcut.text == read.text
    assert shortcut.num_bytes_downloaded == read.num_bytes_downloaded == len(body)
    assert list(shortcut.iter_bytes()) == list(read.iter_bytes())
    assert shortcut.is_closed
    assert shortcut.is_stream_consumed
    with pytest.raises(httpx.StreamConsumed):
        list(shortcut.iter_raw())


async def test_an_encoded_body_in_memory_is_decoded() -> None:
    raw = gzip.compress(JSON_OK)

    def upstream(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(raw))

    client = httpx.AsyncClient(transport=httpx.MockTransport(upstream), base_url="http://up")
    requests = UpstreamRequests(client)
    response = await requests.send(requests.build("GET", requests.url("/x", None), None, None, {}))

    assert response.content == JSON_OK
    assert response.num_bytes_downloaded == len(raw)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_call_over_aiohttp_makes_no_httpx_request(
    recorder: Recorder, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    build = UpstreamRequests.build

    def counted(self: UpstreamRequests, method: str, *args: Any) -> httpx.Request:
        built.append(method)
        return build(self, method, *args)

    monkeypatch.setattr(UpstreamRequests, "build", counted)
    async with _gateway_client(recorder.url(), transport) as client:
        for case in CASES.values():
            await _called(client, case)

    # Over aiohttp only a header httpx must encode (not ASCII) takes the httpx way.
    expected = ["GET"] if transport == "aiohttp" else [c.method for c in CASES.values()]
    assert built == expected
    assert len(recorder.requests) == len(CASES)


async def test_a_call_that_fails_names_its_request() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens there now: the connection is refused.
    async with _gateway_client(f"http://127.0.0.1:{port}", "aiohttp") as client:
        with pytest.raises(httpx.ConnectError) as caught:
            await _called(client, CASES["meet list"])

    assert caught.value.request.url == UpstreamRequests(client).url(
        "/v2/conferenceRecords", CASES["meet list"].params
    )

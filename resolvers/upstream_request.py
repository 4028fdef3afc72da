"""One upstream attempt as an `httpx.Request`, built and sent without httpx's per-call client work.

`AsyncClient.build_request` + `AsyncClient.send` cost more CPU than aiohttp spends on
the call itself. The URL's text is parsed and validated character by character
(~45 us for a Meet list URL here; a cache of parsed URLs rarely hits, since page
tokens, filters and parent names differ from call to call), the client's default
headers are normalized and merged again for every call, and the response passes
through the auth flow, the redirect loop and three layers of stream wrappers.

Here the URL is put together from its parts in httpx's normal form: the gateway
encoded every part itself (`path_of` quotes each path segment, the query is
urlencoded); text httpx would change still goes through its parser
(tests/test_upstream_url.py compares both). The request is the one `build_request`
makes (the same headers in the same order, the same body:
tests/test_upstream_request.py compares both byte for byte on the wire), handed to
the client's transport as `send` would, without what upstream calls never use:
auth flows, redirects, cookies (`UpstreamClient` keeps none) and event hooks. A
client with auth or event hooks goes through `client.send` instead.

Over `UpstreamTransport` (aiohttp's pool) `call` goes one step further: aiohttp takes
the URL as a `yarl.URL` or text and the headers as a dict of strings, so neither an
`httpx.URL` nor an `httpx.Request` is made only to be taken apart again (4 to 13 % of
`UpstreamHttp.send`'s CPU per call in six paired runs, 16 at a time against the
emulators out of process). What aiohttp gets is what it got from `send`, argument for argument
(tests/test_upstream_request.py compares the bytes on the wire; resolvers/exchange.py
holds what both ways share); the response's `request` is made if asked for.

The httpx internals this needs are in resolvers/httpx_internals.py, covered by tests
that fail if a new httpx changes them (httpx is pinned `<0.29`).
"""

from __future__ import annotations

import datetime
import functools
import re
import time
from collections.abc import Iterable, Mapping
from json import dumps as json_dumps
from typing import Any
from urllib.parse import quote_plus

import httpx
import yarl
from httpx._urlparse import MAX_URL_LENGTH, ParseResult

from resolvers import httpx_internals
from resolvers.exchange import (
    PLAIN_HOST,
    Exchanger,
    UpstreamResponse,
    aiohttp_headers,
    built_url,
)

__all__ = ["UpstreamRequests", "query_of"]

# Text httpx's URL parser keeps exactly as it is: printable ASCII except what it would
# percent-encode (path: space " # < > ? ` { }; query: space " # < >). `%` is kept by
# both, escape or not. A path with a segment starting with `.` goes the slow way, since
# `.` and `..` segments are normalized away (`path_of` refuses them anyway).
_KEPT_PATH = re.compile(r"/[\x21\x24-\x3b\x3d\x40-\x5f\x61-\x7a\x7c\x7e]*")
_KEPT_QUERY = re.compile(r"[\x21\x24-\x3b\x3d\x3f-\x7e]*")
# What httpx's `Request` adds: the json body's type; Content-Length: 0 for these methods.
_JSON_TYPE = (b"Content-Type", b"application/json")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def query_of(params: Mapping[str, Any] | None) -> str | None:
    """The query as httpx's QueryParams writes it (urlencode of its values as strings;
    booleans lower-case, None empty), or None without params (no `?` at all)."""
    if not params:
        return None
    if all(type(v) is str or type(v) is int for v in params.values()):
        # What QueryParams does for these (`urlencode`), at a fifth of its cost: most
        # names and many values (page sizes, keys, parents) recur from call to call.
        return "&".join(
            [
                f"{_plus(k if type(k) is str else str(k))}={_plus(v if type(v) is str else str(v))}"
                for k, v in params.items()
            ]
        )
    return str(httpx.QueryParams(params))


# urlencode's quoting of one name or value (a bounded memo: no input can grow it).
_plus = functools.lru_cache(maxsize=8192)(quote_plus)


class UpstreamRequests:
    """Builds and sends the requests of one `httpx.AsyncClient` (one upstream)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self._base_text = str(client.base_url).rstrip("/")
        base = httpx_internals.parts_of(httpx.URL(self._base_text))
        self._scheme, self._host, self._port = base.scheme, base.host, base.port
        self._base_path = base.path
        # Credentials in the base URL become a Basic auth header in `client.send`.
        self._userinfo = base.userinfo
        self._defaults: list[tuple[bytes, bytes]] = []
        self._default_names: list[bytes] = []
        self._timeout: httpx.Timeout | None = None
        self._extensions: dict[str, Any] = {}
        self._last_merge: (
            tuple[tuple[Any, ...], tuple[tuple[bytes, bytes], ...], tuple[bytes, ...]] | None
        ) = None
        self._base = httpx.URL(self._base_text)
        self._netloc = self._base.netloc if self._base.raw_host else None
        # A plain host (no IDNA, no IPv6) is what yarl keeps as it is, so a URL can be built.
        self._plain_host = PLAIN_HOST.fullmatch(self._host) is not None
        self._direct: tuple[object, Exchanger | None] | None = None
        self._last_wire: tuple[tuple[Any, ...], dict[str, str]] | None = None

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        json: Any,
        extra: Mapping[str, str],
    ) -> httpx.Response:
        """`send(build(method, url(path, params), headers, json, extra))`, its answer the same.

        Over a transport that takes aiohttp's parts (`Exchanger`), a URL httpx keeps as it
        is and ASCII headers go to it as `send` would have handed them to aiohttp, without
        an `httpx.URL` or `httpx.Request` made on the way; the response's `request` is
        then made only if it is asked for."""
        method = method.upper()
        exchanger = self._exchanger()
        target = self.aiohttp_url(path, params) if exchanger is not None else None
        if exchanger is not None and target is not None:
            wire, body = self._aiohttp_wire(method, headers, json, extra)
            if wire is not None:
                started = time.perf_counter()

                def request() -> httpx.Request:
                    return self.build(method, self.url(path, params), headers, json, extra)

                try:
                    answer = await exchanger.exchange(
                        method,
                        target,
                        headers=wire,
                        data=body or None,
                        timeouts=self._ext()["timeout"],
                    )
                except httpx.RequestError as exc:
                    exc.request = request()  # as `send` names it
                    raise
                response = UpstreamResponse.of(answer)
                response.make_request = request
                if _identity_raw(answer[1]):  # what `_read` would do, less its steps
                    httpx_internals.read_in_memory(response, answer[2])
                else:
                    await _read(response)
                response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
                return response
        return await self.send(self.build(method, self.url(path, params), headers, json, extra))

    def _aiohttp_wire(
        self,
        method: str,
        headers: Mapping[str, str] | None,
        json: Any,
        extra: Mapping[str, str],
    ) -> tuple[dict[str, str] | None, bytes]:
        """`aiohttp_headers` of `_wire`'s headers, and its body. Reads mostly carry the same
        headers (the credential) and no body: the last such dict is kept, per method,
        client, call and extra headers, and aiohttp gets a copy of it."""
        raw, items = self.client.headers.raw, tuple(headers.items()) if headers else ()
        key = (method, raw, items, tuple(extra.items()) if extra else ())
        last = self._last_wire
        if json is None and last is not None and last[0] == key:
            return dict(last[1]), b""
        pairs, body = self._wire(method, self._netloc, headers, json, extra)
        wire = aiohttp_headers(pairs)
        if json is None and wire is not None:
            self._last_wire = (key, dict(wire))
        return wire, body

    def aiohttp_url(self, path: str, params: Mapping[str, Any] | None) -> yarl.URL | str | None:
        """What aiohttp is handed for `url(path, params)` (app/transport.py `_aiohttp_url`),
        made from the parts: a `yarl.URL` where the text is in RFC 3986 normal form, the
        text where it holds escapes (aiohttp parses it, as it parses `str(request.url)`),
        or None where httpx's parser would change the text."""
        query = query_of(params)
        full = self._base_path + path
        if not self._canonical(path, full, query):
            return None
        built = built_url(self._scheme, self._host, self._port, full, query)
        if built is None:  # escapes: aiohttp parses the text, as it parses `str(request.url)`
            return self._base_text + path + ("" if query is None else f"?{query}")
        return built

    def _exchanger(self) -> Exchanger | None:
        client = self.client
        if client.auth is not None or self._userinfo or any(client.event_hooks.values()):
            return None
        if client.is_closed or not self._plain_host:
            return None
        transport = httpx_internals.transport_for(client, self._base)
        known = self._direct
        if known is None or known[0] is not transport:
            known = self._direct = (
                transport,
                transport if isinstance(transport, Exchanger) else None,
            )
        return known[1]

    def url(self, path: str, params: Mapping[str, Any] | None) -> httpx.URL:
        """`httpx.URL(base + path + "?" + query)`, without parsing text that is canonical."""
        query = query_of(params)
        full = self._base_path + path
        if self._canonical(path, full, query):
            return httpx_internals.url_of_parts(
                ParseResult(self._scheme, "", self._host, self._port, full, query, None)
            )
        return _parse(self._base_text + path + ("" if query is None else f"?{query}"))

    def _canonical(self, path: str, full: str, query: str | None) -> bool:
        # Text httpx's parser would keep as it is (the base's own parts are httpx's).
        return (
            _KEPT_PATH.fullmatch(full) is not None
            and "/." not in full
            and (query is None or (query != "" and _KEPT_QUERY.fullmatch(query) is not None))
            and len(self._base_text) + len(path) + len(query or "") < MAX_URL_LENGTH
            and not self._userinfo
        )

    def build(
        self,
        method: str,
        url: httpx.URL,
        headers: Mapping[str, str] | None,
        json: Any,
        extra: Mapping[str, str],
    ) -> httpx.Request:
        """The request `client.build_request(method, url, headers=headers, json=json)` makes,
        with `extra` set on it afterwards (`request.headers[name] = value`).

        Its headers are put together here as `httpx.Request` would (at half its CPU:
        httpx looks each one up by decoding every header again): the client's headers
        less those the call replaces, the call's, the body's where not given, `Host`
        (and `Content-Length: 0` for a POST, PUT or PATCH without one) first."""
        method = method.upper()
        pairs, body = self._wire(method, url.netloc if url.raw_host else None, headers, json, extra)
        request = httpx.Request(
            method, url, headers=pairs, stream=httpx.ByteStream(body), extensions=self._ext()
        )
        request.read()  # the body in memory, as `Request(json=...)` leaves it
        return request

    def _wire(
        self,
        method: str,
        netloc: bytes | None,
        headers: Mapping[str, str] | None,
        json: Any,
        extra: Mapping[str, str],
    ) -> tuple[list[tuple[bytes, bytes]], bytes]:
        # The headers (in order) and the body `build` gives its request.
        pairs, names = self._merged(headers)
        body = b""
        if json is not None:
            text = json_dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            body = text.encode("utf-8")
            for name, value in ((b"Content-Length", b"%d" % len(body)), _JSON_TYPE):
                if name.lower() not in names:
                    pairs.append((name, value))
                    names.append(name.lower())
        auto: list[tuple[bytes, bytes]] = []
        if b"host" not in names and netloc:
            auto.append((b"Host", netloc))
        if (
            method in _BODY_METHODS
            and b"content-length" not in names
            and b"transfer-encoding" not in names
        ):
            auto.append((b"Content-Length", b"0"))
        if auto:
            pairs[:0] = auto
            names[:0] = [name.lower() for name, _ in auto]
        for key, text in extra.items():
            _set(pairs, names, key.encode("utf-8"), text.encode("utf-8"))
        return pairs, body

    async def send(self, request: httpx.Request) -> httpx.Response:
        """`client.send(request)`: the response read, its `request` and `elapsed` set."""
        client = self.client
        if client.auth is not None or self._userinfo or any(client.event_hooks.values()):
            return await client.send(request)
        if client.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        started = time.perf_counter()
        try:
            response = await httpx_internals.transport_for(
                client, request.url
            ).handle_async_request(request)
        except httpx.RequestError as exc:
            exc.request = request  # as httpx's own `request_context` does
            raise
        response.request = request
        await _read(response)
        response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
        return response

    def _merged(
        self, headers: Mapping[str, str] | None
    ) -> tuple[list[tuple[bytes, bytes]], list[bytes]]:
        # What `client._merge_headers` gives, with each header's lower-case name: the
        # client's headers, less those a call header replaces (any case), then the
        # call's headers in their order (ASCII, as httpx.Headers encodes them).
        raw = self.client.headers.raw
        if raw != self._defaults:
            self._defaults = raw
            self._default_names = [name.lower() for name, _ in raw]
        if not headers:
            return list(self._defaults), list(self._default_names)
        # An upstream's calls mostly carry the same headers (its credential): the last
        # merge is kept, for the same client headers and the same call headers. (One
        # entry: a forwarded token stays only until a call with other headers.)
        key = (raw, tuple(headers.items()))
        last = self._last_merge
        if last is not None and last[0] == key:
            return list(last[1]), list(last[2])
        pairs, names = self._merge(headers)
        self._last_merge = (key, tuple(pairs), tuple(names))
        return pairs, names

    def _merge(self, headers: Mapping[str, str]) -> tuple[list[tuple[bytes, bytes]], list[bytes]]:
        call = [(name.encode("ascii"), value.encode("ascii")) for name, value in headers.items()]
        replaced = {name.lower() for name, _ in call}
        pairs: list[tuple[bytes, bytes]] = []
        names: list[bytes] = []
        for item, name in zip(self._defaults, self._default_names, strict=True):
            if name not in replaced:
                pairs.append(item)
                names.append(name)
        pairs.extend(call)
        names.extend(name.lower() for name, _ in call)
        return pairs, names

    def _ext(self) -> dict[str, Any]:
        # The timeout extension `build_request` sets: the client's, as a dict.
        timeout = self.client.timeout
        if timeout is not self._timeout:
            self._timeout = timeout
            self._extensions = {"timeout": timeout.as_dict()}
        return self._extensions


def _set(pairs: list[tuple[bytes, bytes]], names: list[bytes], key: bytes, value: bytes) -> None:
    # `httpx.Headers.__setitem__`: the first header of that name replaced, any other
    # dropped, or the header appended.
    lower = key.lower()
    if lower not in names:  # the usual case (trace headers): no index list to make
        pairs.append((key, value))
        names.append(lower)
        return
    found = [index for index, name in enumerate(names) if name == lower]
    for index in reversed(found[1:]):
        del pairs[index], names[index]
    if found:
        pairs[found[0]] = (key, value)
    else:
        pairs.append((key, value))
        names.append(lower)


async def _read(response: httpx.Response) -> None:
    try:
        stream = response.stream
        if not isinstance(stream, httpx.ByteStream):
            await response.aread()
        elif _identity(response.headers):
            # In memory already (UpstreamTransport, MockTransport) and needing no
            # decoding: httpx's read() would pass it through five layers (~9 us).
            httpx_internals.read_in_memory(response, b"".join(stream))
        else:
            response.read()
    except BaseException:
        await response.aclose()
        raise


def _identity(headers: httpx.Headers) -> bool:
    # No Content-Encoding: the body is the content as it is.
    return _identity_raw(headers.raw)


def _identity_raw(raw: Iterable[tuple[bytes, bytes]]) -> bool:
    return all(name.lower() != b"content-encoding" for name, _ in raw)


def _parse(text: str) -> httpx.URL:
    return httpx.URL(text)

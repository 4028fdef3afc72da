"""The HTTP client and transport for upstreams: httpx's API over aiohttp's connection pool.

`UpstreamClient` keeps no cookies, and neither does `UpstreamTransport`'s aiohttp
session. One client (one pool) per upstream serves every caller of the gateway,
so a `Set-Cookie` on one caller's response would ride on the next caller's
requests; no upstream API here uses cookies. It also spares httpx's cookie
extraction on every response (about an eighth of a bare httpx client's CPU per
call, measured with cProfile on 16 concurrent Meet list calls against the
emulators).

`httpx-aiohttp` maps every aiohttp connection error to `httpx.ConnectTimeout`,
so a refused connection or a dropped one would read as a timeout. Here only
aiohttp's real timeouts stay timeouts, and the rest map as httpx's own transport
would raise them: no connection made is `httpx.ConnectError`; a connection the
server closed or reset under a request is `httpx.RemoteProtocolError` or
`httpx.ReadError`, which the gateway retries at once for idempotent reads
(resolvers/http.py: a pooled connection the server closed as it went idle).

`UpstreamTransport` reads each answer whole before returning it (no upstream
answer is streamed), straight from aiohttp, and hands aiohttp the URL already
parsed where its text is in normal form (`_aiohttp_url`). On the session it
made itself, a request needing no proxy is made on the pool by
app/aiohttp_exchange.py rather than by `ClientSession.request`, a plain read written
there by app/aiohttp_reads.py.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import httpx
import yarl
from aiohttp import BasicAuth, ClientSession, ClientTimeout
from httpx_aiohttp import AiohttpTransport
from httpx_aiohttp.transport import map_aiohttp_exceptions

from app import aiohttp_exchange
from app.aiohttp_pool import READ_LIMITS, TIMEOUT_CEIL_THRESHOLD
from app.aiohttp_reads import Reads
from resolvers.exchange import Exchanged, UpstreamResponse, aiohttp_headers, built_url

__all__ = ["UpstreamClient", "UpstreamTransport"]


class _NoCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set_cookie_header(self, request: httpx.Request) -> None:
        return None


class UpstreamClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` whose cookie jar stays empty."""

    _no_cookies = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        return None  # nothing is kept


class UpstreamTransport(AiohttpTransport):
    _last_timeout: tuple[tuple[Any, Any, Any], ClientTimeout] | None = None
    _own: ClientSession | None = None  # the session made here (see `exchange`)
    _reads: Reads | None = None  # how its plain reads are written (app/aiohttp_reads.py)

    def get_client(self) -> ClientSession:
        if self.client is not None or self.uds:
            return super().get_client()
        # AiohttpTransport's own session, less aiohttp's cookie jar (which would keep
        # one caller's cookies for the next: the httpx client keeps none, see above).
        limit = self.limits.max_connections
        connector = aiohttp.TCPConnector(
            keepalive_timeout=self.limits.keepalive_expiry,
            ssl=self.ssl_context,
            local_addr=(self.local_address, 0) if self.local_address else None,
            limit=100 if limit is None else limit,  # aiohttp's default, as AiohttpTransport
            timeout_ceil_threshold=TIMEOUT_CEIL_THRESHOLD,
        )
        self._reads = Reads()
        self._own = ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            read_bufsize=READ_LIMITS.read_bufsize,
            max_line_size=READ_LIMITS.max_line_size,
            max_field_size=READ_LIMITS.max_field_size,
            max_headers=READ_LIMITS.max_headers,
        )
        return self._own

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """AiohttpTransport's request, with the body read whole before it returns.

        Every caller reads it whole anyway; read straight from aiohttp it spares the
        async stream layers of httpx and httpx-aiohttp (4 % of a gateway upstream
        call's instructions). The request aiohttp gets is AiohttpTransport's, argument
        for argument (tests/test_upstream_request.py compares the bytes sent).
        """
        try:
            data: bytes | httpx.AsyncByteStream | httpx.SyncByteStream | None
            data = request.content or None
        except httpx.RequestNotRead:
            data = request.stream
            request.headers.pop("transfer-encoding", None)  # aiohttp's to set
        try:
            wire = aiohttp_headers(request.headers.raw)
            answer = await self.exchange(
                request.method,
                _aiohttp_url(request.url),
                headers=request.headers if wire is None else wire,
                data=data,
                timeouts=request.extensions.get("timeout", {}),
                sni_hostname=request.extensions.get("sni_hostname"),
            )
        except httpx.TransportError as exc:
            exc.request = request
            raise
        return UpstreamResponse.of(answer, request)

    async def exchange(
        self,
        method: str,
        url: yarl.URL | str,
        *,
        headers: dict[str, str] | httpx.Headers,
        data: bytes | httpx.AsyncByteStream | httpx.SyncByteStream | None,
        timeouts: dict[str, Any],
        sni_hostname: str | None = None,
    ) -> Exchanged:
        """One request as aiohttp takes it, and its answer read whole: status, raw headers,
        body and reason phrase. What `handle_async_request` sends, for a caller that has
        the parts in aiohttp's form already (resolvers/upstream_request.py)."""
        if not isinstance(self.client, ClientSession):
            self.client = self.get_client()
        if isinstance(url, str) and self.client is self._own:
            url = _parsed(url, self.client)
        try:
            with map_aiohttp_exceptions():
                # The session made here, driven without `ClientSession.request` where
                # the request asks for nothing only it does (app/aiohttp_exchange.py): no
                # proxy, a URL without credentials, headers as aiohttp takes them, a body
                # in memory.
                if (
                    self.client is self._own
                    and self.proxy is None
                    and isinstance(url, yarl.URL)
                    and url.raw_user is None
                    and url.raw_password is None
                    and isinstance(headers, dict)
                    and (data is None or isinstance(data, bytes))
                ):
                    return await aiohttp_exchange.exchange(
                        self.client,
                        method,
                        url,
                        headers=headers,
                        data=data,
                        timeouts=self._timeouts(timeouts),
                        server_hostname=sni_hostname,
                        reads=self._reads,
                    )
                proxy = self.proxy
                async with self.client.request(
                    method=method,
                    url=url,
                    headers=headers,
                    data=data,
                    allow_redirects=False,
                    auto_decompress=False,
                    compress=False,
                    timeout=self._timeouts(timeouts),
                    server_hostname=sni_hostname,
                    proxy=str(proxy.url) if proxy else None,
                    proxy_auth=BasicAuth(*proxy.auth) if proxy and proxy.auth else None,
                    proxy_headers=proxy.headers if proxy else None,
                ) as answer:
                    body = await answer.read()
        except httpx.ConnectTimeout as exc:
            raise _unmasked(exc) from exc.__cause__
        return answer.status, answer.raw_headers, body, answer.reason

    def _timeouts(self, timeout: dict[str, Any]) -> ClientTimeout:
        # httpx's timeouts as AiohttpTransport maps them, made again only when they change
        # (a client's requests all carry the client's).
        key = (timeout.get("connect"), timeout.get("read"), timeout.get("pool"))
        last = self._last_timeout
        if last is not None and last[0] == key:
            return last[1]
        made = ClientTimeout(sock_connect=key[0], sock_read=key[1], connect=key[2])
        self._last_timeout = (key, made)
        return made


def _parsed(url: str, session: ClientSession) -> yarl.URL | str:
    """The URL `ClientSession.request` would parse from the text (`_build_url`: the
    session has no base URL), where it would go on with it: text it refuses (not a
    URL, or a scheme its connector does not speak) stays text, for it to refuse."""
    try:
        parsed = yarl.URL(url)
    except ValueError:
        return url
    connector = session.connector
    if connector is None or parsed.scheme not in connector.allowed_protocol_schema_set:
        return url
    return parsed


def _unmasked(exc: httpx.ConnectTimeout) -> httpx.TransportError:
    """The error httpx's own transport would raise where httpx-aiohttp says ConnectTimeout."""
    cause = exc.__cause__
    if not isinstance(cause, aiohttp.ClientConnectionError) or isinstance(cause, TimeoutError):
        return exc  # a real timeout
    if isinstance(cause, aiohttp.ClientConnectorError):
        return httpx.ConnectError(str(exc))  # no connection made
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(str(exc))  # closed, no answer
    if isinstance(cause, aiohttp.ClientOSError):
        return httpx.ReadError(str(exc))  # reset under the request
    return httpx.ConnectError(str(exc))


def _aiohttp_url(url: httpx.URL) -> yarl.URL | str:
    """The URL aiohttp would parse from `str(url)`, built from its parts where they are
    in normal form already (`built_url`: yarl caches parsed URLs, but page tokens, ids
    and filters rarely repeat). tests/test_transport_url.py checks both agree on
    generated URLs."""
    path, mark, query = url.raw_path.decode("ascii").partition("?")
    if (mark and not query) or url.userinfo or url.fragment:
        return str(url)  # a bare "?" (yarl keeps it, a built URL would not), credentials
    built = built_url(
        url.scheme, url.raw_host.decode("ascii"), url.port, path, query if mark else None
    )
    return str(url) if built is None else built

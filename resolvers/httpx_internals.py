"""The few httpx internals the gateway's upstream requests rely on (httpx is pinned `<0.29`).

An `httpx.URL` keeps its parsed, normalized form in `_uri_reference`; a response read
whole keeps its body in `_content`; a client picks the transport for a URL in
`_transport_for_url`. resolvers/upstream_request.py uses them to build and send
requests without httpx's per-call client work, and tests/test_upstream_url.py and
tests/test_upstream_request.py fail if a new httpx changes any of them.
"""

from __future__ import annotations

import httpx
from httpx._urlparse import ParseResult

__all__ = ["parts_of", "read_in_memory", "transport_for", "url_of_parts"]


def parts_of(url: httpx.URL) -> ParseResult:
    """The normalized parts of `url` (the host IDNA-encoded, the path percent-encoded)."""
    return url._uri_reference


def url_of_parts(parts: ParseResult) -> httpx.URL:
    """The `httpx.URL` of parts already in httpx's normal form."""
    url = httpx.URL.__new__(httpx.URL)
    url._uri_reference = parts
    return url


def read_in_memory(response: httpx.Response, body: bytes) -> None:
    """What `response.read()` leaves on a response whose body needs no decoding: the
    content in `_content`, its size in `_num_bytes_downloaded`, the stream consumed
    and closed (a ByteStream's close does nothing)."""
    response._content = body
    response._num_bytes_downloaded = len(body)
    response.is_stream_consumed = True
    response.is_closed = True


def transport_for(client: httpx.AsyncClient, url: httpx.URL) -> httpx.AsyncBaseTransport:
    """The transport `client.send` uses for `url` (its own, or a mounted proxy's)."""
    return client._transport_for_url(url)

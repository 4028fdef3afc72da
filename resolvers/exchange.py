"""What aiohttp takes of an upstream request, and the response made of its answer.

`UpstreamTransport` (app/transport.py) is httpx's transport API over aiohttp's pool:
given an `httpx.Request` it takes it apart again into what aiohttp's
`ClientSession.request` takes (a `yarl.URL` or text, and a dict of string headers).
A caller that has those parts already (`UpstreamRequests.call`) hands them to its
`exchange` directly; both ways meet here, so they cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import httpx
import yarl

__all__ = [
    "PLAIN_HOST",
    "Exchanged",
    "Exchanger",
    "UpstreamResponse",
    "aiohttp_headers",
    "built_url",
]

# RFC 3986 (sections 2.2, 2.3, 3.3, 3.4): the characters a path and a query carry as
# they are (unreserved, sub-delimiters, ":" "@" "/", and "?" in a query). Text made
# only of them is in normal form for yarl as for httpx; a "%" escape or a dot segment
# is left to their parsers.
_AS_IS_PATH = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")
_AS_IS_QUERY = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*")
PLAIN_HOST = re.compile(r"[a-z0-9.-]+")

# An answer read whole: status, raw headers, body, reason phrase.
Exchanged = tuple[int, tuple[tuple[bytes, bytes], ...], bytes, str | None]


@runtime_checkable
class Exchanger(Protocol):
    """A transport that takes a request as aiohttp does (app/transport.py)."""

    async def exchange(
        self,
        method: str,
        url: yarl.URL | str,
        *,
        headers: dict[str, str],
        data: bytes | None,
        timeouts: dict[str, Any],
    ) -> Exchanged: ...


def built_url(
    scheme: str, host: str, port: int | None, path: str, query: str | None
) -> yarl.URL | None:
    """The URL aiohttp would parse from `scheme://host[:port]path[?query]`, built from
    its parts where they are in normal form (parsing the text again took 6 us of a
    call's CPU, building it takes 2); None where aiohttp is to parse the text."""
    if (
        _AS_IS_PATH.fullmatch(path) is None
        or "/." in path
        or (query is not None and _AS_IS_QUERY.fullmatch(query) is None)
        or PLAIN_HOST.fullmatch(host) is None
    ):
        return None
    return yarl.URL.build(
        scheme=scheme, host=host, port=port, path=path, query_string=query or "", encoded=True
    )


def aiohttp_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str] | None:
    """The headers as aiohttp reads them from `httpx.Headers` (what AiohttpTransport
    passes): lower-case names, the values of a repeated name joined by ", ", in order
    of first appearance. None where one is not ASCII (httpx then decodes it)."""
    merged: dict[str, str] = {}
    try:
        for key, value in raw:
            name, text = key.lower().decode("ascii"), value.decode("ascii")
            merged[name] = f"{merged[name]}, {text}" if name in merged else text
    except UnicodeDecodeError:
        return None
    return merged


class UpstreamResponse(httpx.Response):
    """An `httpx.Response` whose `request`, when it has none, is made when first asked
    for: nothing on the gateway's path asks, and making it is most of what `call`
    spares."""

    make_request: Callable[[], httpx.Request] | None = None

    @classmethod
    def of(cls, answer: Exchanged, request: httpx.Request | None = None) -> UpstreamResponse:
        """The response to an exchange, its body in memory (not read yet)."""
        status, raw, content, reason = answer
        extensions = {"http_version": b"HTTP/1.1"}
        if reason:
            extensions["reason_phrase"] = reason.encode()
        stream = httpx.ByteStream(content)
        return cls(status, headers=raw, stream=stream, request=request, extensions=extensions)

    @property
    def request(self) -> httpx.Request:
        if self._request is None and self.make_request is not None:
            self._request = self.make_request()
        return super().request

    @request.setter
    def request(self, value: httpx.Request) -> None:
        self._request = value

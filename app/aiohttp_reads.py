"""The gateway's plain reads, written on aiohttp's pool as `ClientRequest` writes them.

For every request `ClientRequest` builds its headers again (a case-insensitive
multidict: its Host first, the caller's in order, then aiohttp's defaults where the
caller gave none) and wraps the writer and the answer in objects that a read with
no body leaves idle. A plain read (GET, no body, no header `ClientRequest` shapes
itself) is written here instead, as `ClientRequest.send` writes it: the same
headers in the same order through aiohttp's own serializer (which refuses control
characters, as there), the read timeout started before the head is written, and a
closing transport refused with aiohttp's error. Its answer is read from the
connection's protocol as `ClientResponse.start` and `read` read it: informational
answers skipped, a malformed one raised as `ClientResponseError`, the connection
released once the body is in (kept for reuse unless the answer or the protocol says
otherwise) and closed if anything fails. tests/test_upstream_request.py compares
the bytes sent with those `ClientSession.request` sends, and
tests/test_aiohttp_reads.py the answers read.

Under 128 concurrent reads of the emulators a read took 119-131 us of CPU here
against 160-179 us through `ClientRequest` (one process, the same pool, alternating
runs); on the Meet dashboard (269 reads at 25 ms) the gateway's CPU per operation
fell 6-7 % (paired runs, 0.941 and 0.927).

One difference, on purpose: with the transport's write buffer full, `send` hands
even a bodiless request to a writer task that waits for the buffer to drain; here
the head is written at once. The bytes and their order on the wire are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import yarl
from aiohttp import (
    ClientConnectionResetError,
    ClientRequest,
    ClientResponseError,
    ClientSession,
    ClientTimeout,
    RequestInfo,
    hdrs,
)
from aiohttp.connector import Connection
from aiohttp.http import SERVER_SOFTWARE, HttpProcessingError, RawResponseMessage
from aiohttp.http_writer import _serialize_headers
from aiohttp.streams import StreamReader
from multidict import CIMultiDict, CIMultiDictProxy

from app.aiohttp_pool import connect, request_for

__all__ = ["Reads", "read_body", "read_head"]

# Headers `ClientRequest` treats as more than text to send: Expect can ask for
# 100-continue, and the framing ones are its to write. A read carrying one is left
# to `ClientRequest`. (Connection is text to it unless its connector forces
# connections closed, which is checked; a Host header replaces its own, as below.)
_SHAPING: Final = frozenset({"expect", "content-length", "transfer-encoding", "content-encoding"})

Head = tuple[Connection, RawResponseMessage, StreamReader]


@dataclass
class Reads:
    """What one session's plain reads are written with, made once and kept."""

    # A request per origin and SNI name, only to ask the connector for a connection:
    # `connect` reads its connection key (host, port, TLS, proxy) and, for a new
    # connection, where to connect and how.
    origins: dict[tuple[yarl.URL, str | None], ClientRequest] = field(default_factory=dict)
    # The last headers and their wire form: reads mostly carry the same ones (the
    # upstream's credential and the client's defaults).
    last: tuple[tuple[str, tuple[tuple[str, str], ...]], CIMultiDict[str] | None] | None = None

    def wire(
        self,
        session: ClientSession,
        method: str,
        url: yarl.URL,
        headers: dict[str, str],
        data: bytes | None,
    ) -> CIMultiDict[str] | None:
        """The headers as `ClientRequest` would send them, for a request written here;
        None for one `ClientRequest` is to build."""
        connector = session.connector
        if method != "GET" or data is not None or url.raw_fragment:
            return None
        if connector is None or connector.force_close:
            return None  # `send` would add Connection: close
        host = url.host_port_subcomponent
        return None if host is None else self._headers(host, headers)

    def _headers(self, host: str, headers: dict[str, str]) -> CIMultiDict[str] | None:
        key = (host, tuple(headers.items()))
        last = self.last
        if last is not None and last[0] == key:
            return last[1]
        wire: CIMultiDict[str] | None = None
        if _SHAPING.isdisjoint(name.lower() for name in headers):
            # `update_headers` (its Host first, replaced in place by the caller's), then
            # `update_auto_headers` (aiohttp's defaults, then its User-Agent, each where
            # the caller gave none).
            wire = CIMultiDict()
            wire[hdrs.HOST] = host
            for name, value in headers.items():
                if name in hdrs.HOST_ALL:
                    wire[name] = value
                else:
                    wire.add(name, value)
            for name, value in ClientRequest.DEFAULT_HEADERS.items():
                wire.setdefault(name, value)
            wire.setdefault(hdrs.USER_AGENT, SERVER_SOFTWARE)
        self.last = (key, wire)
        return wire

    def connect_as(
        self, session: ClientSession, url: yarl.URL, server_hostname: str | None
    ) -> ClientRequest:
        origin = url.origin()
        request = self.origins.get((origin, server_hostname))
        if request is None:
            request = self.origins[(origin, server_hostname)] = request_for(
                session, "GET", origin, server_hostname=server_hostname
            )
        return request


async def read_head(
    session: ClientSession,
    connect_as: ClientRequest,
    url: yarl.URL,
    wire: CIMultiDict[str],
    timeouts: ClientTimeout,
) -> Head:
    """The read sent, and its answer's status line and headers read (`send`, `start`);
    the connection closed if either fails."""
    connection, protocol = await connect(session, connect_as, timeouts, "GET")
    try:
        # `write_headers` serializes; with no body `send` starts the read timeout and
        # `set_eof` writes the head (`_write` refusing a closing transport).
        head = _serialize_headers(f"GET {url.raw_path_qs} HTTP/1.1", wire)
        protocol.start_timeout()
        transport = protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        transport.write(head)
        while True:
            try:
                message, payload = await protocol.read()
            except HttpProcessingError as exc:
                info = RequestInfo(url, "GET", CIMultiDictProxy(wire), url)
                raise ClientResponseError(
                    info, (), status=exc.code, message=exc.message, headers=exc.headers
                ) from exc
            if message.code < 100 or message.code > 199 or message.code == 101:
                return connection, message, payload
    except BaseException:
        connection.close()
        raise


async def read_body(connection: Connection, payload: StreamReader) -> bytes:
    """The body read whole (`ClientResponse.read`), then the connection released (as
    at the payload's end) or, if reading failed, closed."""
    try:
        body = await payload.read()
    except BaseException:
        connection.close()
        raise
    connection.release()
    return body

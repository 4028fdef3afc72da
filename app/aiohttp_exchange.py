"""One upstream exchange on aiohttp's pool, made without `ClientSession.request`.

`ClientSession.request` serves every use of aiohttp: cookies, auth, proxies,
redirects, trace hooks, middlewares, a total timeout. The gateway's own session
(`UpstreamTransport.get_client`) has none of these and its requests ask for none: no
redirects followed, no decompression, no proxy, no total timeout (the gateway bounds
each attempt itself). Under 128 concurrent reads of the emulators, a read made here
took 74-82 us of CPU against 106-108 us through `request` (one process, the same
pool); on the Meet dashboard (269 calls at 25 ms) the gateway's CPU per operation
fell 6 % (paired runs, 0.937 to 0.940). Plain reads go one step further: they are
written without `ClientRequest` (app/aiohttp_reads.py).

What it keeps of `request`, step for step (aiohttp 3.14, `ClientSession._request`):
the request is aiohttp's own `ClientRequest` built from the same arguments, so the
bytes on the wire are the same (tests/test_upstream_request.py compares them); the
connection comes from the connector with the same timeouts (app/aiohttp_pool.py);
an idempotent request whose pooled connection the server closed under it is sent
once more on a new one, as aiohttp does; an `OSError` is raised as `ClientOSError`
unless it is one of aiohttp's own errors; and the answer is released as
`async with` releases it.
"""

from __future__ import annotations

import yarl
from aiohttp import (
    ClientConnectorError,
    ClientError,
    ClientOSError,
    ClientRequest,
    ClientResponse,
    ClientSession,
    ClientTimeout,
    ConnectionTimeoutError,
    ServerDisconnectedError,
)
from aiohttp.client import IDEMPOTENT_METHODS

from app.aiohttp_pool import connect, request_for
from app.aiohttp_reads import Head, Reads, read_body, read_head
from resolvers.exchange import Exchanged

__all__ = ["exchange"]


async def exchange(
    session: ClientSession,
    method: str,
    url: yarl.URL,
    *,
    headers: dict[str, str],
    data: bytes | None,
    timeouts: ClientTimeout,
    server_hostname: str | None,
    reads: Reads | None = None,
) -> Exchanged:
    """The request sent on `session`'s connector and its answer read whole (a plain
    read written by app/aiohttp_reads.py, where `reads` is given). No two of the
    header names differ only in case, as `aiohttp_headers` makes them: that is where
    `ClientRequest` and `ClientSession.request` take headers alike."""
    if session.closed:
        raise RuntimeError("Session is closed")
    wire = None if reads is None else reads.wire(session, method, url, headers, data)
    # RFC 9112 section 9.3.1: an idempotent request may be sent again on a new
    # connection when the persistent one closed under it; aiohttp does so once.
    resend = method in IDEMPOTENT_METHODS
    while True:
        request: ClientRequest | None = None
        head: Head | None = None
        try:
            if reads is not None and wire is not None:
                connect_as = reads.connect_as(session, url, server_hostname)
                head = await read_head(session, connect_as, url, wire, timeouts)
            else:
                request = request_for(
                    session,
                    method,
                    url,
                    headers=headers,
                    data=data,
                    server_hostname=server_hostname,
                )
                response = await _send(session, request, timeouts)
        except Exception as exc:  # `_raise_unless_sent_again` sorts them
            _raise_unless_sent_again(exc, resend)
            resend = False
            if request is not None:
                await request.close()
            continue
        if head is not None:
            connection, message, payload = head
            body = await read_body(connection, payload)
            return message.code, message.raw_headers, body, message.reason
        try:
            body = await response.read()
        finally:
            response.release()
            await response.wait_for_close()
        return response.status, response.raw_headers, body, response.reason


def _raise_unless_sent_again(exc: Exception, resend: bool) -> None:
    """What `_request` does with a failure to send and start reading: returns where the
    request is to be sent again, raises (aiohttp's error) otherwise."""
    if isinstance(exc, (ConnectionTimeoutError, ClientConnectorError)):
        raise exc  # no connection made (its certificate and TLS errors too): none sent
    if isinstance(exc, (ClientOSError, ServerDisconnectedError)):
        if resend:
            return
        raise exc
    if isinstance(exc, ClientError) or not isinstance(exc, OSError):
        raise exc
    if exc.errno is None and isinstance(exc, TimeoutError):
        raise exc
    raise ClientOSError(*exc.args) from exc


async def _send(
    session: ClientSession, request: ClientRequest, timeouts: ClientTimeout
) -> ClientResponse:
    connection, _ = await connect(session, request, timeouts, request.method)
    try:
        response = await request.send(connection)
        try:
            await response.start(connection)
        except BaseException:
            response.close()
            raise
    except BaseException:
        connection.close()
        raise
    return response

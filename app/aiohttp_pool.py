"""A connection from aiohttp's pool, set to read one answer as `ClientSession` reads it.

Shared by the two ways the gateway sends on the pool without `ClientSession.request`
(app/aiohttp_exchange.py, app/aiohttp_reads.py), so both take connections and read
answers the way aiohttp 3.14's `ClientSession._request` does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

import yarl
from aiohttp import (
    ClientRequest,
    ClientResponse,
    ClientSession,
    ClientTimeout,
    ConnectionTimeoutError,
)
from aiohttp.client_proto import ResponseHandler
from aiohttp.connector import Connection
from aiohttp.helpers import EMPTY_BODY_METHODS, TimerNoop

__all__ = ["NO_TIMER", "READ_LIMITS", "TIMEOUT_CEIL_THRESHOLD", "connect", "request_for"]


@dataclass(frozen=True)
class ReadLimits:
    """What an answer is read with: the session is made with them, and each
    connection's protocol is set to them (aiohttp's defaults, said once here)."""

    read_bufsize: int = 2**16
    max_line_size: int = 8190
    max_field_size: int = 8190
    max_headers: int = 128


READ_LIMITS: Final = ReadLimits()
TIMEOUT_CEIL_THRESHOLD: Final = 5.0  # the connector's (aiohttp's default)
NO_TIMER: Final = TimerNoop()  # what `request` times with when no total timeout is set


def request_for(
    session: ClientSession,
    method: str,
    url: yarl.URL,
    *,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    server_hostname: str | None,
) -> ClientRequest:
    """aiohttp's own request, made as `ClientSession._request` makes it for the
    gateway's requests (no compression, no total timeout, no trace hooks)."""
    return ClientRequest(
        method,
        url,
        headers=headers,
        data=data,
        compress=False,
        loop=asyncio.get_running_loop(),
        response_class=ClientResponse,
        timer=NO_TIMER,
        session=session,
        server_hostname=server_hostname,
        traces=[],
    )


async def connect(
    session: ClientSession, request: ClientRequest, timeouts: ClientTimeout, method: str
) -> tuple[Connection, ResponseHandler]:
    """A connection for `request` from the session's connector, with the same timeouts
    (a connect timeout raised as `ConnectionTimeoutError`), its protocol set to read
    the answer to `method` with the session's limits."""
    connector = session.connector
    assert connector is not None  # noqa: S101 - an open session has its connector
    try:
        connection = await connector.connect(request, traces=[], timeout=timeouts)
    except TimeoutError as exc:
        raise ConnectionTimeoutError(f"Connection timeout to host {request.url}") from exc
    protocol = connection.protocol
    assert protocol is not None  # noqa: S101 - a connection just handed out has one
    protocol.set_response_params(
        timer=NO_TIMER,
        skip_payload=method in EMPTY_BODY_METHODS,
        read_until_eof=True,  # `request`'s default: a body without length ends at the close
        auto_decompress=False,
        read_timeout=timeouts.sock_read,
        read_bufsize=READ_LIMITS.read_bufsize,
        timeout_ceil_threshold=TIMEOUT_CEIL_THRESHOLD,
        max_line_size=READ_LIMITS.max_line_size,
        max_field_size=READ_LIMITS.max_field_size,
        max_headers=READ_LIMITS.max_headers,
    )
    return connection, protocol

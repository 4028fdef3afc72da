"""A connection from aiohttp's pool, set to read one answer as `ClientSession` reads it.

Shared by the two ways the gateway sends on the pool without `ClientSession.request`
(app/aiohttp_exchange.py, app/aiohttp_reads.py), so both take connections and read
answers the way aiohttp 3.14's `ClientSession._request` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from aiohttp import ClientRequest, ClientSession, ClientTimeout, ConnectionTimeoutError
from aiohttp.client_proto import ResponseHandler
from aiohttp.connector import Connection
from aiohttp.helpers import EMPTY_BODY_METHODS, TimerNoop

__all__ = ["NO_TIMER", "READ_LIMITS", "TIMEOUT_CEIL_THRESHOLD", "connect"]


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

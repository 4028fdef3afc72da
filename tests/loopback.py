"""A loopback HTTP/1.1 server that keeps the bytes of every request it gets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
import pytest

JSON_OK = b'{"conferenceRecords":[{"name":"conferenceRecords/a"}],"totalSize":1}'


def answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    """A whole HTTP/1.1 response with `headers` and a Content-Length."""
    head = [f"HTTP/1.1 {status}", *headers, f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@dataclass
class Recorder:
    """Keeps each request's bytes (head and body) and answers each with `answer`, then
    keeps the connection (`then="keep"`), closes it (`"close"`) or sends nothing more
    until the client gives up and closes it (`"stall"`). With `"drop-next"` it keeps
    the connection but closes it, unanswered, on the next request that comes on it: a
    server whose idle timeout fires just as the client reuses the connection.

    No answer goes out before `together` requests have come (on as many connections,
    since each waits for its answer), so a client's pool holds that many."""

    answer: bytes = answer(JSON_OK, "Content-Type: application/json", "X-RateLimit-Remaining: 7")
    then: Literal["keep", "close", "stall", "drop-next"] = "keep"
    together: int = 1
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0  # how many were opened to it
    port: int = 0
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        answered = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                self.requests.append(head + await reader.readexactly(length))
                if self.then == "drop-next" and answered:
                    break
                async with self._arrived:
                    self._arrived.notify_all()
                    await self._arrived.wait_for(lambda: len(self.requests) >= self.together)
                writer.write(self.answer)
                answered += 1
                await writer.drain()
                if self.then == "close":
                    break
                if self.then == "stall":
                    await reader.read()  # returns once the client has closed
                    break
        except asyncio.IncompleteReadError:
            pass  # the client closed its connection
        finally:
            writer.close()


@asynccontextmanager
async def recording(found: Recorder | None = None) -> AsyncIterator[Recorder]:
    """`found` (a default `Recorder` if none) served on a free loopback port."""
    found = Recorder() if found is None else found
    server = await asyncio.start_server(found.serve, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    async with server:
        yield found


def count_client_request_sends(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The methods of the requests sent through aiohttp's `ClientRequest.send` (a
    plain read written by app/aiohttp_reads.py makes none), passed on as they are."""
    sent: list[str] = []
    send = aiohttp.ClientRequest.send

    async def counted(self: aiohttp.ClientRequest, conn: Any) -> aiohttp.ClientResponse:
        sent.append(self.method)
        return await send(self, conn)

    monkeypatch.setattr(aiohttp.ClientRequest, "send", counted)
    return sent

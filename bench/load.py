"""A small closed-loop HTTP/1.1 load generator: N keep-alive connections for a bounded time.

Written on raw asyncio streams (no HTTP client library) so the loader costs the
shared CPU as little as possible; every connection sends one POST, reads the
whole response (Content-Length framed, as uvicorn answers) and sends the next.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_error: bytes | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def _request(host: str, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _connection(
    url: str, payload: bytes, until: float, result: LoadResult, check: bytes | None
) -> None:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    request = _request(parts.netloc, parts.path, payload)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            status, body = await _read_response(reader)
            result.latencies.append(time.perf_counter() - started)
            result.requests += 1
            if status != 200 or (check is not None and check not in body) or b'"errors"' in body:
                result.errors += 1
    finally:
        writer.close()


async def drive_count(
    url: str,
    payloads: list[bytes],
    *,
    connections: int,
    total: int,
    on_done: Callable[[int], None],
) -> LoadResult:
    """Send `total` requests cycling through `payloads`; `on_done(n)` after the n-th answer."""
    parts = urlsplit(url)
    requests = [_request(parts.netloc, parts.path, p) for p in payloads]
    result = LoadResult()
    sent = 0

    async def connection() -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while sent < total:
                request = requests[sent % len(requests)]
                sent += 1
                writer.write(request)
                status, body = await _read_response(reader)
                result.requests += 1
                if status != 200 or b'"errors"' in body:
                    result.errors += 1
                    result.first_error = result.first_error or _error_part(body)
                on_done(result.requests)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


async def drive(
    url: str, payload: bytes, *, connections: int, seconds: float, check: bytes | None = None
) -> LoadResult:
    """POST `payload` to `url` from `connections` connections for `seconds`."""
    result = LoadResult()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(_connection(url, payload, until, result, check) for _ in range(connections))
    )
    result.seconds = time.perf_counter() - started
    return result


def _error_part(body: bytes) -> bytes:
    """What to show of a failed answer: its `errors` member (data can be long), else its start."""
    at = body.find(b'"errors"')
    return body[at : at + 600] if at >= 0 else body[:600]

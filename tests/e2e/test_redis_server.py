"""The Redis test helper really starts Debian's redis-server and stops it."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest

from tests.e2e.redis_server import redis_server


def _ping(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64)


@pytest.mark.e2e
def test_redis_server_answers_ping_then_is_gone() -> None:
    with redis_server() as url:
        port = urlparse(url).port
        assert port is not None
        assert _ping(port) == b"+PONG\r\n"
    with pytest.raises(ConnectionRefusedError):
        _ping(port)

"""A real Redis (Debian's `redis-server`) on a free loopback port, for the tests that need one."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from tests.e2e.processes import free_port, running_command

__all__ = ["redis_server"]


@contextmanager
def redis_server() -> Iterator[str]:
    """Start `redis-server` (no persistence, loopback only); yields its `redis://` URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: run ./dev setup")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="sessiongraph-redis-") as folder:
        command = [
            binary,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", folder,
        ]  # fmt: skip
        with running_command(command, ready="Ready to accept connections", label="redis-server"):
            yield f"redis://127.0.0.1:{port}/0"

"""Start sessiongraph processes on free loopback ports and wait for uvicorn's startup line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent / "sessiongraph"
READY = "Application startup complete"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[list[str]]:
    """Run `sessiongraph *args` until the block ends; yields its output lines so far."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONGRAPH_")}
    full_env.update(env or {})
    process = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
        [str(BIN), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=full_env,
    )
    lines: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if READY in line:
                ready.set()
        ready.set()  # process ended: stop waiting either way

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        if not ready.wait(timeout) or process.poll() is not None:
            raise RuntimeError(f"sessiongraph {args} did not start:\n{''.join(lines)}")
        yield lines
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)

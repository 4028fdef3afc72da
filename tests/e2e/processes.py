"""Start processes (sessiongraph, node) on free loopback ports and wait for their ready line."""

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
# uvicorn logs "startup complete" once the lifespan ran but before it binds the socket;
# "running on" comes after the bind, so a client can connect as soon as it is seen.
READY = "Uvicorn running on"


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
    with running_command(
        [str(BIN), *args], ready=READY, env=full_env, timeout=timeout, label=f"sessiongraph {args}"
    ) as lines:
        yield lines


@contextmanager
def running_command(
    command: list[str],
    *,
    ready: str,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
    label: str | None = None,
) -> Iterator[list[str]]:
    """Run `command` until the block ends, once a line of its output contains `ready`.

    `env` is the whole environment of the process (`os.environ` when None). Yields the
    output lines (stdout and stderr) so far; the list keeps growing while the process runs.
    """
    process = subprocess.Popen(  # noqa: S603 - fixed arguments chosen by the tests
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=cwd,
    )
    lines: list[str] = []
    started = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if ready in line:
                started.set()
        started.set()  # process ended: stop waiting either way

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        if not started.wait(timeout) or process.poll() is not None:
            raise RuntimeError(f"{label or command} did not start:\n{''.join(lines)}")
        yield lines
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)

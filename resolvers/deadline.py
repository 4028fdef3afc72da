"""One deadline per GraphQL operation, shared by every upstream call it makes.

The schema layer opens the deadline when an operation starts
(`operation_deadline`); `UpstreamHttp` asks `remaining()` before every attempt
and every retry wait, so however many calls and retries an operation makes, a
hung upstream is answered with UPSTREAM_TIMEOUT by the deadline. The value
lives in a context variable: asyncio tasks (dataloader batches, gathered
fields) copy it when they are created, so every call of the operation sees it.
Outside an operation (readiness probes, scripts) there is no deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["Deadline", "begin", "current", "operation_deadline", "remaining"]

Clock = Callable[[], float]


@dataclass(frozen=True)
class Deadline:
    """An absolute point on `clock` by which the operation must be answered."""

    at: float
    clock: Clock = time.monotonic

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())

    @classmethod
    def after(cls, seconds: float, clock: Clock = time.monotonic) -> Deadline:
        return cls(at=clock() + seconds, clock=clock)


_CURRENT: ContextVar[Deadline | None] = ContextVar("sessiongraph_deadline", default=None)


def current() -> Deadline | None:
    """The running operation's deadline, if any."""
    return _CURRENT.get()


def remaining() -> float | None:
    """Seconds left of the running operation (None: no deadline applies)."""
    deadline = _CURRENT.get()
    return None if deadline is None else deadline.remaining()


def begin(seconds: float, clock: Clock = time.monotonic) -> Deadline:
    """Start the deadline of the request the running task serves (it ends with the task).

    The HTTP layer calls this as a request arrives, so parsing and validation count
    against the deadline too; `operation_deadline` then keeps it instead of starting
    a later one.
    """
    deadline = Deadline.after(seconds, clock)
    _CURRENT.set(deadline)
    return deadline


@contextmanager
def operation_deadline(seconds: float, clock: Clock = time.monotonic) -> Iterator[Deadline]:
    """Run the enclosed operation under a deadline `seconds` from now (or the one begun)."""
    deadline = _CURRENT.get() or Deadline.after(seconds, clock)
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)

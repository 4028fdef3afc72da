"""The resolver helpers graphql-core's executor hands out, holding the executor weakly.

graphql-core builds `GraphQLResolveInfoHelpers` from two of the executor's bound
methods and keeps it on the executor: a reference cycle, so every finished
operation's executor (and through it the request's context, loaders and what
they read) would wait for a full cyclic collection (tests/test_gc_cycles.py).
The same methods held weakly break it; the executor outlives every resolver call
it makes, and a helper called after it is gone does what graphql-core's would
have done without tracking.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql import GraphQLResolveInfoHelpers
from graphql.execution.executor import Executor
from graphql.pyutils import gather_with_cancel

__all__ = ["weak_helpers"]


def weak_helpers(executor: Executor[Any]) -> GraphQLResolveInfoHelpers:
    gather = weakref.WeakMethod(executor.gather_async_work)
    track = weakref.WeakMethod(executor.track_async_work)

    def gather_async_work(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        bound = gather()
        return gather_with_cancel(*values) if bound is None else bound(values)

    def track_async_work(values: Sequence[Any]) -> None:
        bound = track()
        if bound is not None:
            bound(values)

    return GraphQLResolveInfoHelpers(gather=gather_async_work, track=track_async_work)

"""One parse per upstream response, however many operations share it.

In-flight sharing (resolvers/cache) hands the *same* `httpx.Response` to every
operation that asked for the same read at the same time: sixteen concurrent
requests for one attendance page share one call, and without this each of them
validated the same 100 items again (pydantic was the largest single cost of the
page under load). The parsed value is kept beside the response, keyed by what
was parsed out of it, and lives exactly as long as the response does.

Parsed values are shared between operations, so callers treat them as read-only
(every client and loader does: pages are sliced and mapped, never edited).
A parse that fails is not remembered: each caller raises its own error.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import httpx

__all__ = ["parse_once"]

T = TypeVar("T")

_PARSED: weakref.WeakKeyDictionary[httpx.Response, dict[Hashable, Any]] = (
    weakref.WeakKeyDictionary()
)


def parse_once(response: httpx.Response, key: Hashable, parse: Callable[[], T]) -> T:
    """`parse()` the first time `key` is read from `response`, the same value after."""
    memo = _PARSED.get(response)
    if memo is None:
        memo = _PARSED[response] = {}
    elif key in memo:
        value: T = memo[key]
        return value
    value = memo[key] = parse()
    return value

"""The routes table every emulator declares: (method, path template, target) rows.

Templates name path segments in braces (`/v2/conferenceRecords/{record}`); a
segment matches one non-empty path segment, as the upstreams' routers do. Rows
are tried in order, so a literal row (`/sessions/peer-report/{}`) listed before
a parameter row (`/sessions/{session}`) wins. A miss says which methods the
path would take, so each emulator can answer 404 or 405 the way its upstream does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["RouteMatch", "RouteTable"]

T = TypeVar("T")
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class RouteMatch(Generic[T]):
    """`target` and its path parameters, or (target None) the methods the path accepts."""

    target: T | None
    params: dict[str, str] = field(default_factory=dict)
    allowed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Row(Generic[T]):
    method: str
    pattern: re.Pattern[str]
    target: T


def _compile(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)
    # Odd items are parameter names, even items literal text.
    regex = "".join(
        f"(?P<{part}>[^/]+)" if odd else re.escape(part)
        for odd, part in ((i % 2 == 1, p) for i, p in enumerate(parts))
    )
    return re.compile(regex)


class RouteTable(Generic[T]):
    """Ordered routing rows; `match` finds the first row for a method and path."""

    def __init__(self, rows: Iterable[tuple[str, str, T]]) -> None:
        self._rows = [_Row(method.upper(), _compile(path), target) for method, path, target in rows]

    def match(self, method: str, path: str) -> RouteMatch[T]:
        allowed: set[str] = set()
        for row in self._rows:
            found = row.pattern.fullmatch(path)
            if found is None:
                continue
            if row.method == method.upper():
                return RouteMatch(row.target, found.groupdict())
            allowed.add(row.method)
        return RouteMatch(None, allowed=frozenset(allowed))

"""The `ListSessions` orderBy: `field [desc]` items, comma-separated (docs/upstreams/discovery.md).

Fields: `update_time`, `create_time`, `session_name`, `is_pinned`; ascending
unless followed by `desc` (`asc` is accepted too). With no orderBy the emulator
orders by `update_time desc`; ties are always broken by name ascending, so every
order is total and page tokens (offsets) are stable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.emulators.discovery.store import StoredSession
from app.emulators.google import GoogleApiError

__all__ = ["parse_order", "sort_sessions"]

_KEYS: dict[str, Callable[[StoredSession], Any]] = {
    "update_time": lambda s: s.update_time,
    "create_time": lambda s: s.create_time,
    "session_name": lambda s: s.name,
    "is_pinned": lambda s: s.is_pinned,
}
_ITEM = re.compile(r"\s*([a-z_]+)(?:\s+(asc|desc))?\s*")

Order = list[tuple[str, bool]]  # (field, descending)


def parse_order(text: str | None) -> Order:
    """[(field, descending)], or 400 INVALID_ARGUMENT for anything undocumented."""
    if text is None or not text.strip():
        return [("update_time", True)]
    order: Order = []
    for item in text.split(","):
        match = _ITEM.fullmatch(item)
        if match is None or match[1] not in _KEYS:
            raise GoogleApiError(400, f"Invalid order_by: unsupported item {item.strip()!r}.")
        if any(field == match[1] for field, _ in order):
            raise GoogleApiError(400, f"Invalid order_by: {match[1]!r} appears twice.")
        order.append((match[1], match[2] == "desc"))
    return order


def sort_sessions(sessions: list[StoredSession], order: Order) -> list[StoredSession]:
    """Sorted by `order`, ties by name ascending (stable sorts, least significant first)."""
    result = sorted(sessions, key=lambda s: s.name)
    for field, descending in reversed(order):
        result.sort(key=_KEYS[field], reverse=descending)
    return result

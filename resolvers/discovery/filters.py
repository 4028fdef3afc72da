"""Typed session filters and orders, written as Discovery Engine `filter`/`orderBy` strings.

Only the documented forms are generated (docs/upstreams/discovery.md): `=`, `>` on times,
`:` on labels, `AND`, `NOT`. Every string is one double-quoted literal with `\\`
and `"` escaped, so no value — whatever quotes, `OR`, `NOT`, parentheses or
backslashes it holds — can change the filter's meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from resolvers.errors import bad_input
from resolvers.timestamps import Instant

__all__ = ["ORDER_FIELDS", "SessionFilter", "order_by", "quote", "session_filter"]

# Upstream order fields (snake_case, as the emulator and the service accept).
ORDER_FIELDS = ("update_time", "create_time", "session_name", "is_pinned")
DEFAULT_ORDER = "update_time desc"
_MAX_VALUE = 1024
_MAX_LABELS = 20


def quote(value: str) -> str:
    """A double-quoted filter literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class SessionFilter:
    """What `ConversationFilter` asks for; time bounds are inclusive."""

    user_pseudo_id: str | None = None
    display_name: str | None = None
    labels: Sequence[str] = field(default_factory=tuple)
    is_pinned: bool | None = None
    created_after: Instant | None = None
    created_before: Instant | None = None
    updated_after: Instant | None = None
    updated_before: Instant | None = None


def _literal(value: str, name: str) -> str:
    if len(value) > _MAX_VALUE:
        raise bad_input(f"`{name}` takes at most {_MAX_VALUE} characters", field=name)
    return quote(value)


def _time_terms(upstream: str, after: Instant | None, before: Instant | None) -> list[str]:
    terms: list[str] = []
    # Only `>` is documented: "at or after t" is "> t minus 1 ns" (the service keeps
    # nanoseconds), and "at or before t" is "NOT > t".
    # At the earliest writable instant every time is "at or after": no term (and none
    # that would have to be written before year 1).
    if after is not None and after > Instant.EARLIEST:
        terms.append(f"{upstream} > {quote(Instant(after.ns - 1).isoformat())}")
    if before is not None:
        terms.append(f"NOT {upstream} > {quote(before.isoformat())}")
    return terms


def session_filter(flt: SessionFilter) -> str:
    """The `filter` for sessions.list ("" for none)."""
    terms: list[str] = []
    if flt.user_pseudo_id is not None:
        terms.append(f"user_pseudo_id = {_literal(flt.user_pseudo_id, 'userPseudoId')}")
    if flt.display_name is not None:
        terms.append(f"display_name = {_literal(flt.display_name, 'displayName')}")
    if len(flt.labels) > _MAX_LABELS:
        raise bad_input(f"`labels` takes at most {_MAX_LABELS} labels", field="labels")
    terms.extend(f"labels:{_literal(label, 'labels')}" for label in flt.labels)
    if flt.is_pinned is not None:
        terms.append(f"is_pinned = {'true' if flt.is_pinned else 'false'}")
    terms += _time_terms("create_time", flt.created_after, flt.created_before)
    terms += _time_terms("update_time", flt.updated_after, flt.updated_before)
    return " AND ".join(terms)


def order_by(items: Sequence[tuple[str, bool]]) -> str:
    """`field [desc]` items, comma-separated; `update_time desc` when none are given."""
    if not items:
        return DEFAULT_ORDER
    seen: set[str] = set()
    parts: list[str] = []
    for upstream, descending in items:
        if upstream not in ORDER_FIELDS:
            raise bad_input(f"cannot order conversations by {upstream!r}", field="orderBy")
        if upstream in seen:
            raise bad_input("each field may appear once in `orderBy`", field="orderBy")
        seen.add(upstream)
        parts.append(f"{upstream} desc" if descending else upstream)
    return ",".join(parts)

"""Typed filters written as Stream `filter_conditions`.

Only the explicit operator form the reference documents is produced
(`{field: {"$eq"|"$in"|"$gte"|"$lte": value}}`), built as data and serialised
as JSON, so a value carrying JSON text or `$` operators stays a string literal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from resolvers.errors import bad_input
from resolvers.stream.ids import check_segment
from resolvers.stream.models import CallStatsSession
from resolvers.timestamps import Instant

__all__ = [
    "CallSessionFilterInput",
    "ParticipantFilterInput",
    "call_stats_conditions",
    "call_stats_predicate",
    "participant_conditions",
]

_MAX_VALUES = 100
_MAX_VALUE_LENGTH = 256


@dataclass(frozen=True)
class ParticipantFilterInput:
    """`CallParticipantSessionFilter` as the data layer sees it."""

    user_ids: tuple[str, ...] | None = None
    publisher_types: tuple[str, ...] | None = None
    live: bool | None = None


@dataclass(frozen=True)
class CallSessionFilterInput:
    """`CallSessionFilter` as the data layer sees it."""

    call_type: str | None = None
    call_id: str | None = None
    live: bool | None = None
    started_after: Instant | None = None
    started_before: Instant | None = None


def _values(values: tuple[str, ...], field: str) -> list[str]:
    if len(values) > _MAX_VALUES:
        raise bad_input(f"`{field}` takes at most {_MAX_VALUES} values", field=field)
    for value in values:
        if len(value) > _MAX_VALUE_LENGTH:
            raise bad_input(
                f"`{field}` values must be at most {_MAX_VALUE_LENGTH} characters", field=field
            )
    return list(values)


def participant_conditions(flt: ParticipantFilterInput) -> dict[str, Any]:
    """QueryCallParticipantSessions conditions ({} for no filter)."""
    conditions: dict[str, Any] = {}
    if flt.user_ids is not None:
        conditions["user_id"] = {"$in": _values(flt.user_ids, "userIds")}
    if flt.publisher_types is not None:
        conditions["publisher_type"] = {"$in": _values(flt.publisher_types, "publisherTypes")}
    if flt.live is not None:
        conditions["is_live"] = {"$eq": flt.live}
    return conditions


def call_stats_conditions(flt: CallSessionFilterInput) -> dict[str, Any]:
    """QueryCallSessionStats conditions. Type and id filter upstream only together (as a cid)."""
    conditions: dict[str, Any] = {}
    call_type = _checked(flt.call_type, "callType", extra=":")
    call_id = _checked(flt.call_id, "callId")
    if call_type is not None and call_id is not None:
        conditions["call_cid"] = {"$eq": f"{call_type}:{call_id}"}
    if flt.live is not None:
        conditions["is_active"] = {"$eq": flt.live}
    started: dict[str, str] = {}
    if flt.started_after is not None:
        started["$gte"] = flt.started_after.isoformat()
    if flt.started_before is not None:
        started["$lte"] = flt.started_before.isoformat()
    if len(started) == 2:
        # One operator per condition is the only documented form; a range is
        # the `$gte` upstream plus the `$lte` checked locally.
        conditions["session_started_at"] = {"$gte": started["$gte"]}
    elif started:
        conditions["session_started_at"] = started
    return conditions


def call_stats_predicate(flt: CallSessionFilterInput) -> Callable[[CallStatsSession], bool] | None:
    """What the upstream cannot filter (a type or an id alone; the range's upper end)."""
    call_type, call_id = flt.call_type, flt.call_id
    only_one = (call_type is None) != (call_id is None)
    before = flt.started_before if flt.started_after is not None else None
    if not only_one and before is None:
        return None

    def keep(item: CallStatsSession) -> bool:
        if only_one and call_type is not None and item.call_type != call_type:
            return False
        if only_one and call_id is not None and item.call_id != call_id:
            return False
        start = item.started_at
        return before is None or (start is not None and start <= before)

    return keep


def _checked(value: str | None, field: str, *, extra: str = "") -> str | None:
    return None if value is None else check_segment(value, field, extra=extra)

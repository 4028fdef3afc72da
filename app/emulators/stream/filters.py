"""Strict `filter_conditions` and `sort` parsing, per the fields the spec documents.

Only `{field: {$op: value}}` is accepted, with the field's documented operators;
several top-level keys combine with AND; `$in` takes an array. Anything else
(unknown fields, `$and`/`$or`, several operators in one condition, wrong value
types) is a 400 code 4, never silently ignored.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from app.emulators.stream.wire import bad_request
from app.emulators.timeformat import parse_wire_time

__all__ = [
    "CALL_STATS_FIELDS",
    "PARTICIPANT_FIELDS",
    "Condition",
    "parse_conditions",
    "parse_query_conditions",
    "parse_sort",
]

_COMPARE = frozenset({"$eq", "$gt", "$gte", "$lt", "$lte"})
_EQ_IN = frozenset({"$eq", "$in"})
_EQ = frozenset({"$eq"})

# field -> (value kind, operators)
PARTICIPANT_FIELDS: dict[str, tuple[str, frozenset[str]]] = {
    "user_id": ("str", _EQ_IN),
    "session_id": ("str", _EQ_IN),
    "publisher_type": ("str", _EQ_IN),
    "published_tracks": ("str", _EQ_IN),
    "is_live": ("bool", _EQ),
    "is_tech_user": ("bool", _EQ),
}
CALL_STATS_FIELDS: dict[str, tuple[str, frozenset[str]]] = {
    "call_cid": ("str", _EQ),
    "call_session_id": ("str", _EQ),
    "is_active": ("bool", _EQ),
    "generated_at": ("date", _COMPARE),
    "session_started_at": ("date", _COMPARE),
    "session_ended_at": ("date", _COMPARE),
    "updated_at": ("date", _COMPARE),
    "counts.cq_score": ("num", _COMPARE),
    "counts.avg_user_rating": ("num", _COMPARE),
    "counts.min_user_rating": ("num", _COMPARE),
}
_SORT_FIRST = frozenset({"generated_at", "updated_at", "session_started_at", "session_ended_at"})
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": operator.eq,
    "$gt": operator.gt,
    "$gte": operator.ge,
    "$lt": operator.lt,
    "$lte": operator.le,
}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any

    def matches(self, actual: Any) -> bool:
        """Lists (e.g. `published_tracks`) match when any element does; null never matches."""
        if actual is None:
            return False
        values = actual if isinstance(actual, (list, tuple)) else (actual,)
        if self.op == "$in":
            return any(v in self.value for v in values)
        return any(_OPS[self.op](v, self.value) for v in values)


def parse_query_conditions(
    raw: str | None, fields: Mapping[str, tuple[str, frozenset[str]]]
) -> list[Condition]:
    """`filter_conditions` from a query string: URL-decoded JSON."""
    if raw is None or raw == "":
        return []
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request("filter_conditions must be a JSON object") from exc
    return parse_conditions(decoded, fields)


def parse_conditions(raw: Any, fields: Mapping[str, tuple[str, frozenset[str]]]) -> list[Condition]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise bad_request("filter_conditions must be a JSON object")
    return [_condition(name, spec, fields) for name, spec in raw.items()]


def _condition(name: str, spec: Any, fields: Mapping[str, tuple[str, frozenset[str]]]) -> Condition:
    if name not in fields:
        raise bad_request(f"filter_conditions: field {name[:64]!r} is not filterable")
    kind, allowed = fields[name]
    if not isinstance(spec, dict) or len(spec) != 1:
        raise bad_request(f"filter_conditions: {name} needs exactly one operator, e.g. $eq")
    ((op, value),) = spec.items()
    if op not in allowed:
        raise bad_request(f"filter_conditions: operator {op[:16]!r} not allowed on {name}")
    if op == "$in":
        if not isinstance(value, list):
            raise bad_request(f"filter_conditions: $in on {name} takes an array")
        return Condition(name, op, [_value(name, kind, v) for v in value])
    return Condition(name, op, _value(name, kind, value))


def _value(name: str, kind: str, value: Any) -> Any:
    wrong = bad_request(f"filter_conditions: wrong value type for {name}")
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "num" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if kind == "date" and isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            return parse_wire_time(value)
        except ValueError as exc:
            raise wrong from exc
    raise wrong


def parse_sort(raw: Any) -> list[tuple[str, int]]:
    """QueryCallSessionStats `sort`: `[time field]` or `[time field, call_cid]`."""
    if raw is None or raw == []:
        return [("generated_at", -1), ("call_cid", 1)]
    if not isinstance(raw, list) or len(raw) > 2:
        raise bad_request("sort must be an array of at most 2 items")
    result = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("field"), str):
            raise bad_request("sort items need a field")
        direction = item.get("direction", 1)
        if direction not in (1, -1) or isinstance(direction, bool):
            raise bad_request("sort direction must be 1 or -1")
        result.append((item["field"], int(direction)))
    names = [name for name, _ in result]
    if names[0] not in _SORT_FIRST or names[1:] not in ([], ["call_cid"]):
        raise bad_request(f"sort by {names} is not supported")
    return result

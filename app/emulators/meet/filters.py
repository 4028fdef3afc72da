"""The Meet list `filter` grammar (docs/upstreams/meet.md, "Filters"), parsed strictly.

Accepted language (nothing more)::

    filter     := condition ( "AND" condition )*
    condition  := FIELD ( "=" | ">=" | "<=" ) STRING
                | FIELD "IS" "NULL"
    FIELD      := name ( "." name )*          name := [A-Za-z_][A-Za-z0-9_]*
    STRING     := '"' ( any char but '"' or '\\' | '\\"' | '\\\\' )* '"'

Keywords are upper case. Whitespace around operators is optional. Each method
declares its fields (`FieldSpec`): string fields take only `=`, timestamp fields
take `=`, `>=`, `<=` and `IS NULL`, and timestamp values are RFC 3339 with any
offset. Everything else (`OR`, `NOT`, parentheses, `<`, `!=`, unknown fields,
unquoted values, bad escapes, bad timestamps) raises `FilterError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from app.emulators.google import FilterSyntaxError, Token, tokenize
from app.emulators.timeformat import parse_rfc3339

__all__ = ["Condition", "FieldSpec", "FilterError", "compile_filter", "parse_filter"]

T = TypeVar("T")
Op = Literal["=", ">=", "<=", "IS NULL"]
_KEYWORDS = frozenset({"AND", "OR", "NOT", "IS", "NULL"})
_OPS: dict[str, Op] = {"=": "=", ">=": ">=", "<=": "<="}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")

# The filter is not in the accepted language; the message says where.
FilterError = FilterSyntaxError


@dataclass(frozen=True)
class Condition:
    """One comparison; `value` is the unescaped literal (None for IS NULL)."""

    field: str
    op: Op
    value: str | None


def _tokenize(text: str) -> list[Token]:
    return tokenize(text, operators=tuple(_OPS), word=_NAME)


def parse_filter(text: str) -> list[Condition]:
    """The conditions of `text` (all ANDed); [] for an empty filter."""
    tokens = _tokenize(text)
    if tokens[0].kind == "end":
        return []
    conditions: list[Condition] = []
    pos = 0
    while True:
        condition, pos = _condition(tokens, pos)
        conditions.append(condition)
        token = tokens[pos]
        if token.kind == "end":
            return conditions
        if token.kind == "word" and token.text == "AND":
            pos += 1
            continue
        if token.kind == "word" and token.text in ("OR", "NOT"):
            raise FilterError(f"operator {token.text} is not supported (position {token.at})")
        raise FilterError(f"expected AND or end of filter at position {token.at}")


def _condition(tokens: list[Token], pos: int) -> tuple[Condition, int]:
    field = tokens[pos]
    if field.kind != "word" or field.text in _KEYWORDS:
        raise FilterError(f"expected a field name at position {field.at}")
    op = tokens[pos + 1]
    if op.kind == "op":
        value = tokens[pos + 2]
        if value.kind != "string":
            raise FilterError(f"expected a double-quoted value at position {value.at}")
        return Condition(field.text, _OPS[op.text], value.text), pos + 3
    if op.kind == "word" and op.text == "IS":
        null = tokens[pos + 2]
        if null.kind != "word" or null.text != "NULL":
            raise FilterError(f"expected NULL at position {null.at}")
        return Condition(field.text, "IS NULL", None), pos + 3
    raise FilterError(f"expected =, >=, <= or IS NULL at position {op.at}")


@dataclass(frozen=True)
class FieldSpec(Generic[T]):
    """A filterable field of one list method and how to read it from an item."""

    kind: Literal["string", "timestamp"]
    get: Callable[[T], str | int | None]
    case_insensitive: bool = False


def compile_filter(text: str, fields: Mapping[str, FieldSpec[T]]) -> Callable[[T], bool]:
    """A predicate for `text` over the method's `fields`; FilterError if invalid."""
    tests = [_compile_condition(c, fields) for c in parse_filter(text)]
    return lambda item: all(test(item) for test in tests)


def _compile_condition(
    condition: Condition, fields: Mapping[str, FieldSpec[T]]
) -> Callable[[T], bool]:
    spec = fields.get(condition.field)
    if spec is None:
        allowed = ", ".join(sorted(fields)) or "none"
        raise FilterError(f"unknown field {condition.field!r} (filterable fields: {allowed})")
    get = spec.get
    if condition.op == "IS NULL":
        if spec.kind != "timestamp":
            raise FilterError(f"IS NULL is not supported on {condition.field}")
        return lambda item: get(item) is None
    assert condition.value is not None  # noqa: S101 - the parser sets it for comparisons
    if spec.kind == "string":
        if condition.op != "=":
            raise FilterError(f"only = is supported on {condition.field}")
        wanted = condition.value.lower() if spec.case_insensitive else condition.value

        def match_string(item: T) -> bool:
            value = get(item)
            if not isinstance(value, str):
                return False
            return (value.lower() if spec.case_insensitive else value) == wanted

        return match_string
    try:
        bound = parse_rfc3339(condition.value)
    except ValueError as exc:
        raise FilterError(
            f"invalid timestamp {condition.value!r} for {condition.field}: expected RFC 3339"
        ) from exc
    compare: Callable[[int], bool] = {
        "=": lambda ns: ns == bound,
        ">=": lambda ns: ns >= bound,
        "<=": lambda ns: ns <= bound,
    }[condition.op]

    def match_time(item: T) -> bool:
        value = get(item)
        return isinstance(value, int) and compare(value)

    return match_time

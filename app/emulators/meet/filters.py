"""The Meet list `filter` grammar (§6.3), parsed strictly.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from resolvers.timestamps import Instant

__all__ = ["Condition", "FieldSpec", "FilterError", "compile_filter", "parse_filter"]

T = TypeVar("T")
Op = Literal["=", ">=", "<=", "IS NULL"]
_KEYWORDS = frozenset({"AND", "OR", "NOT", "IS", "NULL"})
_OPS: dict[str, Op] = {"=": "=", ">=": ">=", "<=": "<="}


class FilterError(ValueError):
    """The filter is not in the accepted language; the message says where."""


@dataclass(frozen=True)
class _Token:
    kind: Literal["name", "string", "op", "end"]
    text: str
    at: int


@dataclass(frozen=True)
class Condition:
    """One comparison; `value` is the unescaped literal (None for IS NULL)."""

    field: str
    op: Op
    value: str | None


def _is_name_start(char: str) -> bool:
    return char.isascii() and (char.isalpha() or char == "_")


def _is_name_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "_.")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == '"':
            value, i = _read_string(text, i)
            tokens.append(_Token("string", value, i))
        elif text.startswith((">=", "<="), i):
            tokens.append(_Token("op", text[i : i + 2], i))
            i += 2
        elif char == "=":
            tokens.append(_Token("op", "=", i))
            i += 1
        elif _is_name_start(char):
            start = i
            while i < n and _is_name_char(text[i]):
                i += 1
            name = text[start:i]
            if any(not part or not _is_name_start(part[0]) for part in name.split(".")):
                raise FilterError(f"invalid field name {name!r} at position {start}")
            tokens.append(_Token("name", name, start))
        else:
            raise FilterError(f"unexpected character {char!r} at position {i}")
    tokens.append(_Token("end", "", n))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    """A double-quoted literal starting at `start`; only `\\"` and `\\\\` are escapes."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == '"':
            return "".join(out), i + 1
        if char == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt not in ('"', "\\"):
                raise FilterError(f"invalid escape sequence at position {i}")
            out.append(nxt)
            i += 2
            continue
        out.append(char)
        i += 1
    raise FilterError(f"unterminated string starting at position {start}")


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
        if token.kind == "name" and token.text == "AND":
            pos += 1
            continue
        if token.kind == "name" and token.text in ("OR", "NOT"):
            raise FilterError(f"operator {token.text} is not supported (position {token.at})")
        raise FilterError(f"expected AND or end of filter at position {token.at}")


def _condition(tokens: list[_Token], pos: int) -> tuple[Condition, int]:
    field = tokens[pos]
    if field.kind != "name" or field.text in _KEYWORDS:
        raise FilterError(f"expected a field name at position {field.at}")
    op = tokens[pos + 1]
    if op.kind == "op":
        value = tokens[pos + 2]
        if value.kind != "string":
            raise FilterError(f"expected a double-quoted value at position {value.at}")
        return Condition(field.text, _OPS[op.text], value.text), pos + 3
    if op.kind == "name" and op.text == "IS":
        null = tokens[pos + 2]
        if null.kind != "name" or null.text != "NULL":
            raise FilterError(f"expected NULL at position {null.at}")
        return Condition(field.text, "IS NULL", None), pos + 3
    raise FilterError(f"expected =, >=, <= or IS NULL at position {op.at}")


@dataclass(frozen=True)
class FieldSpec(Generic[T]):
    """A filterable field of one list method and how to read it from an item."""

    kind: Literal["string", "timestamp"]
    get: Callable[[T], str | Instant | None]
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
        if condition.value != condition.value.strip():
            raise ValueError("surrounding whitespace")
        bound = Instant.parse(condition.value).ns
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
        return isinstance(value, Instant) and compare(value.ns)

    return match_time

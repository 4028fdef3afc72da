"""The `ListSessions` filter: the shared Google tokenizer and a strict recursive-descent parser.

Only the forms docs/upstreams/discovery.md documents are accepted: `=` on every field,
`>` on `create_time`/`update_time`, `:` (has) on `labels`, joined with `AND`,
`NOT` and parentheses; values quoted (with `\\"` and `\\\\` escapes) or bare
words; timestamps quoted RFC 3339. Anything else — `OR`, `<`, camelCase or
unknown field names, a malformed literal — is 400 INVALID_ARGUMENT, so a test
can trust that what the gateway sends is exactly one of the documented forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.emulators.discovery.store import StoredSession
from app.emulators.google import FilterSyntaxError, GoogleApiError, Token, tokenize
from app.emulators.timeformat import parse_rfc3339

__all__ = ["Predicate", "parse_filter"]

Predicate = Callable[[StoredSession], bool]

_WORD = re.compile(r"[A-Za-z0-9_.@+\-]+")
_KEYWORDS = {"AND", "NOT", "OR"}
_STRING_FIELDS = {"user_pseudo_id", "display_name"}
_BOOL_FIELDS = {"starred", "is_pinned"}
_TIME_FIELDS = {"create_time", "update_time"}
_STATES = {"STATE_UNSPECIFIED", "IN_PROGRESS"}
_OPERATORS: dict[str, set[str]] = {
    **{key: {"="} for key in _STRING_FIELDS | _BOOL_FIELDS | {"state"}},
    **{key: {"=", ">"} for key in _TIME_FIELDS},
    "labels": {"=", ":"},
}


def _bad(message: str) -> GoogleApiError:
    return GoogleApiError(400, f"Invalid filter syntax: {message}")


def _tokenize(text: str) -> list[Token]:
    """The tokens without the final `end` marker (the parser stops at the list's end)."""
    try:
        tokens = tokenize(text, operators=("=", ">", ":"), word=_WORD, parens=True)
    except FilterSyntaxError as exc:
        raise _bad(str(exc)) from exc
    return tokens[:-1]


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._at = 0

    def _peek(self) -> Token | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _next(self, what: str) -> Token:
        token = self._peek()
        if token is None:
            raise _bad(f"expected {what} at the end")
        self._at += 1
        return token

    def parse(self) -> Predicate:
        if not self._tokens:
            return lambda session: True
        predicate = self._conjunction()
        if self._peek() is not None:
            raise _bad(f"unexpected {self._peek().text!r}")  # type: ignore[union-attr]
        return predicate

    def _conjunction(self) -> Predicate:
        terms = [self._unary()]
        while (token := self._peek()) is not None and token.text in _KEYWORDS - {"NOT"}:
            if token.text == "OR":
                raise _bad("OR is not supported")
            self._at += 1
            terms.append(self._unary())
        return terms[0] if len(terms) == 1 else lambda s: all(term(s) for term in terms)

    def _unary(self) -> Predicate:
        token = self._next("a comparison")
        if token.kind == "word" and token.text == "NOT":
            inner = self._unary()
            return lambda s: not inner(s)
        if token.kind == "paren" and token.text == "(":
            inner = self._conjunction()
            closing = self._next("')'")
            if closing.text != ")":
                raise _bad(f"expected ')' but found {closing.text!r}")
            return inner
        return self._comparison(token)

    def _comparison(self, field_token: Token) -> Predicate:
        field = field_token.text
        if field_token.kind != "word" or field in _KEYWORDS:
            raise _bad(f"expected a field name but found {field!r}")
        if field not in _OPERATORS:
            raise _bad(f"unsupported field {field!r}")
        op = self._next("an operator")
        if op.kind != "op" or op.text not in _OPERATORS[field]:
            raise _bad(f"operator {op.text!r} is not supported on {field!r}")
        value = self._next("a value")
        if value.kind not in {"string", "word"} or (
            value.kind == "word" and value.text in _KEYWORDS
        ):
            raise _bad(f"expected a value for {field!r} but found {value.text!r}")
        return _compare(field, op.text, value)


def _compare(field: str, op: str, value: Token) -> Predicate:
    text = value.text  # strings arrive unescaped from the tokenizer
    if field in _BOOL_FIELDS:
        if value.kind != "word" or text not in {"true", "false"}:
            raise _bad(f"{field!r} takes true or false")
        wanted = text == "true"
        return lambda s: getattr(s, field) is wanted
    if field == "state":
        if text not in _STATES:
            raise _bad(f"unknown state {text!r}")
        return lambda s: s.state == text
    if field in _TIME_FIELDS:
        return _time_compare(field, op, value, text)
    if field == "labels":
        return lambda s: text in s.labels
    return lambda s: getattr(s, field) == text


def _time_compare(field: str, op: str, value: Token, text: str) -> Predicate:
    if value.kind != "string":
        raise _bad(f"{field!r} takes a quoted RFC 3339 timestamp")
    try:
        bound = parse_rfc3339(text.strip())
    except ValueError as exc:
        raise _bad(f"{text!r} is not an RFC 3339 timestamp") from exc
    if op == ">":
        return lambda s: int(getattr(s, field)) > bound
    return lambda s: int(getattr(s, field)) == bound


def parse_filter(text: str) -> Predicate:
    """A predicate over stored sessions, or 400 INVALID_ARGUMENT."""
    if len(text) > 4096:
        raise _bad("the filter is too long")
    return _Parser(_tokenize(text)).parse()

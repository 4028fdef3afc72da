"""Partial responses: the `fields` system parameter / `X-Goog-FieldMask` header.

Syntax (Google's "fields" selector)::

    selection := item ( "," item )*
    item      := path [ "(" selection ")" ]
    path      := name ( "/" name )*         name := identifier | "*"

`a/b` selects `b` inside `a` (inside each element when `a` is a list), `a(b,c)`
selects both, `a/*` or `a` selects all of `a`. Names may be snake_case; they are
compared in lowerCamelCase, as JSON names are. The top-level names must belong
to the response message, otherwise 400 (Google: "Invalid field selection").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.emulators.google import GoogleApiError

__all__ = ["Selection", "apply_selection", "parse_selection"]

# name -> sub-selection; None means "everything below".
Selection = dict[str, "Selection | None"]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self) -> GoogleApiError:
        return GoogleApiError(400, f"Invalid field selection {self.text}")

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos : self.pos + 1]

    def name(self) -> str:
        self.skip_space()
        start = self.pos
        if self.text.startswith("*", start):
            self.pos += 1
            return "*"
        while self.pos < len(self.text) and (
            self.text[self.pos].isascii()
            and (self.text[self.pos].isalnum() or self.text[self.pos] == "_")
        ):
            self.pos += 1
        if self.pos == start or self.text[start].isdigit():
            raise self.fail()
        return _camel(self.text[start : self.pos])

    def selection(self) -> Selection:
        result: Selection = {}
        while True:
            path = [self.name()]
            while self.peek() == "/":
                self.pos += 1
                path.append(self.name())
            sub: Selection | None = None
            if self.peek() == "(":
                self.pos += 1
                sub = self.selection()
                if self.peek() != ")":
                    raise self.fail()
                self.pos += 1
            _merge(result, path, sub)
            if self.peek() != ",":
                return result
            self.pos += 1


def _merge(into: Selection, path: list[str], sub: Selection | None) -> None:
    """Add `path` (with `sub` below it) to `into`; a whole-field selection wins over parts."""
    if len(path) > 1 and path[-1] == "*":  # `a/*` is all of `a`
        path, sub = path[:-1], None
    for name in reversed(path[1:]):
        sub = {name: sub}
    _union(into, path[0], sub)


def _union(into: Selection, key: str, sub: Selection | None) -> None:
    if key not in into:
        into[key] = sub
        return
    existing = into[key]
    if existing is None or sub is None:
        into[key] = None
        return
    for name, below in sub.items():
        _union(existing, name, below)


def parse_selection(text: str, top_level: Iterable[str]) -> Selection:
    """Parse `text`; 400 if malformed or naming a top-level field outside `top_level`."""
    parser = _Parser(text)
    selection = parser.selection()
    if parser.peek() != "":
        raise parser.fail()
    allowed = set(top_level)
    for name in selection:
        if name != "*" and name not in allowed:
            raise GoogleApiError(400, f"Invalid field selection {name}")
    return selection


def apply_selection(value: Any, selection: Selection | None) -> Any:
    """Keep only what `selection` names; lists are filtered element-wise."""
    if selection is None or "*" in selection:
        return value
    if isinstance(value, list):
        return [apply_selection(item, selection) for item in value]
    if not isinstance(value, dict):
        return value
    kept: dict[str, Any] = {}
    for key, sub in selection.items():
        if key in value:
            chosen = apply_selection(value[key], sub)
            if chosen not in ({}, []):  # ProtoJSON: an emptied message is omitted
                kept[key] = chosen
    return kept

"""The tokenizer of Google's list `filter` strings (AIP-160 syntax), shared by Meet and
Discovery Engine; each keeps its own grammar on top of the tokens.

Tokens: words (field names, keywords such as `AND`, bare values), double-quoted
strings (only `\\"` and `\\\\` escape; the token carries the unescaped text),
the operators a caller allows (longest first) and, if allowed, parentheses.
Anything else is a `FilterSyntaxError` naming the position, so a filter the
upstream would refuse never half-parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["FilterSyntaxError", "Token", "tokenize"]

TokenKind = Literal["word", "string", "op", "paren", "end"]


class FilterSyntaxError(ValueError):
    """The filter is not made of the accepted tokens; the message says where."""


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    at: int


def tokenize(
    text: str, *, operators: tuple[str, ...], word: re.Pattern[str], parens: bool = False
) -> list[Token]:
    """`text` as tokens, ending with an `end` token."""
    ops = sorted(operators, key=len, reverse=True)
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char == '"':
            value, end = _read_string(text, i)
            tokens.append(Token("string", value, i))
            i = end
            continue
        if parens and char in "()":
            tokens.append(Token("paren", char, i))
            i += 1
            continue
        op = next((o for o in ops if text.startswith(o, i)), None)
        if op is not None:
            tokens.append(Token("op", op, i))
            i += len(op)
            continue
        found = word.match(text, i)
        if found is None or found.end() == i:
            raise FilterSyntaxError(f"unexpected character {char!r} at position {i}")
        tokens.append(Token("word", found[0], i))
        i = found.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    """The unescaped literal opening at `start` and the position after its closing quote."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == '"':
            return "".join(out), i + 1
        if char == "\\":
            escaped = text[i + 1 : i + 2]
            if escaped not in ('"', "\\"):
                raise FilterSyntaxError(
                    f'invalid escape at position {i}: only \\" and \\\\ are allowed in a string'
                )
            out.append(escaped)
            i += 2
            continue
        out.append(char)
        i += 1
    raise FilterSyntaxError(f"unterminated string starting at position {start}")

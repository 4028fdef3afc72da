"""The Google filter tokenizer shared by the Meet and Discovery Engine emulators."""

from __future__ import annotations

import re

import pytest

from app.emulators.google import FilterSyntaxError, Token, tokenize

MEET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
DISCOVERY_WORD = re.compile(r"[A-Za-z0-9_.@+\-]+")


def meet(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text, operators=("=", ">=", "<="), word=MEET_NAME)]


def discovery(text: str) -> list[tuple[str, str]]:
    tokens = tokenize(text, operators=("=", ">", ":"), word=DISCOVERY_WORD, parens=True)
    return [(t.kind, t.text) for t in tokens]


def test_longest_operator_first_and_whitespace_is_optional() -> None:
    assert meet('start_time>="2026-01-01T00:00:00Z" AND space.name = "spaces/a"') == [
        ("word", "start_time"),
        ("op", ">="),
        ("string", "2026-01-01T00:00:00Z"),
        ("word", "AND"),
        ("word", "space.name"),
        ("op", "="),
        ("string", "spaces/a"),
        ("end", ""),
    ]


def test_strings_come_unescaped_and_keep_filter_syntax_inside() -> None:
    tokens = meet(r'display_name = "Q3 \"plan\" OR (NOT draft) \\ final"')
    assert tokens[2] == ("string", 'Q3 "plan" OR (NOT draft) \\ final')


def test_positions_point_at_each_token() -> None:
    tokens = tokenize('a = "x"', operators=("=",), word=MEET_NAME)
    assert tokens == [
        Token("word", "a", 0),
        Token("op", "=", 2),
        Token("string", "x", 4),
        Token("end", "", 7),
    ]


def test_parentheses_and_bare_values_only_where_the_grammar_takes_them() -> None:
    assert discovery("NOT (labels:vip AND is_pinned = true)") == [
        ("word", "NOT"),
        ("paren", "("),
        ("word", "labels"),
        ("op", ":"),
        ("word", "vip"),
        ("word", "AND"),
        ("word", "is_pinned"),
        ("op", "="),
        ("word", "true"),
        ("paren", ")"),
        ("end", ""),
    ]
    with pytest.raises(FilterSyntaxError, match=r"unexpected character '\(' at position 0"):
        meet('(space.name = "x")')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "bad \\n escape"', "invalid escape at position 12"),
        ('name = "unterminated', "unterminated string starting at position 7"),
        ('end_time < "2026-01-01T00:00:00Z"', "unexpected character '<' at position 9"),
        ('a != "x"', "unexpected character '!' at position 2"),
        ('a..b = "x"', "unexpected character '.' at position 1"),
    ],
)
def test_anything_else_is_an_error_naming_the_position(text: str, message: str) -> None:
    with pytest.raises(FilterSyntaxError, match=re.escape(message)):
        meet(text)


def test_an_empty_filter_is_just_the_end() -> None:
    assert meet("   ") == [("end", "")]

"""The emulators' own RFC 3339 code, checked against the gateway's independent `Instant`."""

from __future__ import annotations

import random

import pytest

from app.emulators.timeformat import (
    FIXED_NOW_NS,
    parse_rfc3339,
    parse_wire_time,
    rfc3339,
    rfc3339_millis,
)
from resolvers.timestamps import Instant


def test_the_fixed_clock_is_noon_on_the_first_of_november_2026() -> None:
    assert rfc3339(FIXED_NOW_NS) == "2026-11-01T12:00:00Z"


@pytest.mark.parametrize(
    ("ns", "text"),
    [
        (0, "1970-01-01T00:00:00Z"),
        (1_500_000_000, "1970-01-01T00:00:01.500Z"),
        (1_000_123_000, "1970-01-01T00:00:01.000123Z"),
        (1_000_000_001, "1970-01-01T00:00:01.000000001Z"),
        (-1, "1969-12-31T23:59:59.999999999Z"),
    ],
)
def test_the_shortest_exact_fraction_of_0_3_6_or_9_digits(ns: int, text: str) -> None:
    assert rfc3339(ns) == text
    assert parse_rfc3339(text) == ns


def test_agrees_with_the_gateway_on_random_instants() -> None:
    rng = random.Random(20261101)
    for _ in range(2000):
        ns = rng.randrange(-(10**18), 4 * 10**18)
        text = rfc3339(ns)
        assert text == Instant(ns).isoformat()
        assert parse_rfc3339(text) == Instant.parse(text).ns == ns


def test_offsets_and_lower_case_separators() -> None:
    assert parse_rfc3339("2026-11-01T17:30:00+05:30") == FIXED_NOW_NS
    assert parse_rfc3339("2026-11-01t09:00:00.0-03:00") == FIXED_NOW_NS
    assert parse_rfc3339("2026-11-01 12:00:00z") == FIXED_NOW_NS


@pytest.mark.parametrize(
    "text",
    [
        " 2026-11-01T12:00:00Z",
        "2026-11-01T12:00:00Z\n",
        "2026-11-01T12:00:00",
        "2026-13-01T12:00:00Z",
        "2025-02-29T12:00:00Z",
        "2026-11-01T24:00:00Z",
        "2026-11-01T12:00:60Z",
        "2026-11-01T12:00:00+24:00",
        "2026-11-01T12:00:00.1234567890Z",
        "0000-01-01T00:00:00Z",
    ],
)
def test_strict_parsing(text: str) -> None:
    with pytest.raises(ValueError, match=r"timestamp|date|time of day|offset"):
        parse_rfc3339(text)


def test_millisecond_form_and_wire_values() -> None:
    assert rfc3339_millis(1_675_248_668_030) == "2023-02-01T10:51:08.030Z"
    assert rfc3339_millis(1_675_248_668_000) == "2023-02-01T10:51:08.000Z"
    assert parse_wire_time(" 2026-11-01T12:00:00Z ") == FIXED_NOW_NS
    assert parse_wire_time(FIXED_NOW_NS) == FIXED_NOW_NS
    with pytest.raises(ValueError, match="bool"):
        parse_wire_time(True)

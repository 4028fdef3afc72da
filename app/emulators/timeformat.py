"""The emulators' own wire timestamps: RFC 3339 text and integer nanoseconds.

Emulator times are plain `int` nanoseconds since the Unix epoch (UTC). This
module is deliberately separate from the gateway's `resolvers.timestamps`, and
built on `calendar`/`time.gmtime` rather than on `datetime` arithmetic: the
emulators stand in for the upstreams, so a formatting bug the gateway and an
emulator shared would pass every test.
"""

from __future__ import annotations

import calendar
import re
import time

__all__ = [
    "FIXED_NOW_NS",
    "NS_PER_S",
    "parse_rfc3339",
    "parse_wire_time",
    "rfc3339",
    "rfc3339_millis",
]

NS_PER_S = 1_000_000_000
# The emulators' fixed "now": 2026-11-01T12:00:00Z, the anchor of every seeded dataset.
FIXED_NOW_NS = calendar.timegm((2026, 11, 1, 12, 0, 0)) * NS_PER_S

_TEXT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def _base(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def rfc3339(ns: int) -> str:
    """`Z`-suffixed RFC 3339 with the fewest of 0, 3, 6 or 9 fractional digits that is exact."""
    seconds, frac = divmod(ns, NS_PER_S)
    if frac == 0:
        return f"{_base(seconds)}Z"
    digits = f"{frac:09d}"
    width = next(w for w in (3, 6, 9) if int(digits[w:] or "0") == 0)
    return f"{_base(seconds)}.{digits[:width]}Z"


def rfc3339_millis(ms: int) -> str:
    """`2023-02-01T10:51:08.030Z`: always three fractional digits (RealtimeKit's form)."""
    seconds, millis = divmod(ms, 1000)
    return f"{_base(seconds)}.{millis:03d}Z"


def parse_rfc3339(text: str) -> int:
    """Nanoseconds of an RFC 3339 date-time (0-9 fractional digits, any offset).

    Strict: no surrounding whitespace, real calendar dates, offsets under 24 h;
    ValueError otherwise. Callers that tolerate padding strip it themselves.
    """
    match = _TEXT.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text[:64]!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not (1 <= month <= 12 and year >= 1) or not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"no such date: {text[:64]!r}")
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"no such time of day: {text[:64]!r}")
    offset = 0
    if match[8] is None:
        off_hours, off_minutes = int(match[10]), int(match[11])
        if off_hours > 23 or off_minutes > 59:
            raise ValueError(f"invalid UTC offset: {text[:64]!r}")
        offset = (off_hours * 3600 + off_minutes * 60) * (1 if match[9] == "+" else -1)
    seconds = calendar.timegm((year, month, day, hour, minute, second)) - offset
    return seconds * NS_PER_S + int((match[7] or "").ljust(9, "0"))


def parse_wire_time(value: object) -> int:
    """An RFC 3339 string (padding tolerated) or integer nanoseconds; ValueError otherwise."""
    if isinstance(value, str):
        return parse_rfc3339(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return round(value)
    raise ValueError(f"cannot read a timestamp from {type(value).__name__}")

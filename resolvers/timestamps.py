"""`Instant`: a UTC point in time with nanosecond precision.

Python's `datetime` stops at microseconds, but Google timestamps carry up to nine
fractional digits and Stream's v2 surface sends integer nanoseconds. Every wire
model parses times into `Instant` so nothing is lost between upstream and client.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["Instant", "InstantFromNanos", "from_ns"]

_NS_PER_S = 1_000_000_000
_YEAR_10000 = 253_402_300_800  # seconds since the epoch; gmtime's fast path stays below it
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RFC3339 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}:\d{2})"
    r"(?:\.(?P<frac>\d{1,9}))?(?P<tz>[Zz]|[+-]\d{2}:\d{2})$"
)


@dataclass(frozen=True, order=True, slots=True)
class Instant:
    """Nanoseconds since the Unix epoch, UTC."""

    ns: int
    # isoformat's text, made on first use: one parsed upstream page is shared by every
    # operation that shared its read (resolvers/parsed.py), and each of them writes it.
    _text: str | None = field(default=None, init=False, compare=False, repr=False)
    # The first instant RFC 3339 can write (0001-01-01T00:00:00Z).
    EARLIEST: ClassVar[Instant]

    @classmethod
    def parse(cls, text: str) -> Instant:
        """Parse RFC 3339 with 0-9 fractional digits and any offset; ValueError if not."""
        if cls is Instant:
            return _parsed(text)
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str) -> Instant:
        match = _RFC3339.match(text.strip())
        if match is None:
            raise ValueError(f"not an RFC 3339 timestamp: {text[:64]!r}")
        tz = match["tz"].upper()
        base = datetime.fromisoformat(
            f"{match['date']}T{match['time']}{'+00:00' if tz == 'Z' else tz}"
        )
        frac = (match["frac"] or "").ljust(9, "0")
        ns = _seconds_ns(base) + int(frac or "0")
        if not _MIN_NS <= ns <= _MAX_NS:
            # An offset can push year 1 or 9999 out of what RFC 3339 can write in UTC.
            raise ValueError(f"outside the years 0001 to 9999 in UTC: {text[:64]!r}")
        return cls(ns)

    @classmethod
    def from_datetime(cls, value: datetime) -> Instant:
        """From an aware datetime (naive values are taken as UTC)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        whole = value.replace(microsecond=0)
        return cls(_seconds_ns(whole) + value.microsecond * 1000)

    @classmethod
    def from_unix_ns(cls, value: int) -> Instant:
        return cls(int(value))

    @classmethod
    def coerce(cls, value: Any) -> Instant:
        """Accept an Instant, an RFC 3339 string, a datetime or integer nanoseconds."""
        if type(value) is int:  # the common case first (Stream's v2 wire): checked cheaply
            return from_ns(value) if cls is Instant else cls(value)
        if isinstance(value, Instant):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        if isinstance(value, datetime):
            return cls.from_datetime(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return cls.from_unix_ns(value)
        if isinstance(value, float):
            return cls.from_unix_ns(round(value))
        raise ValueError(f"cannot read a timestamp from {type(value).__name__}")

    def isoformat(self) -> str:
        """RFC 3339, always `Z`, with the shortest of 0, 3, 6 or 9 fractional digits."""
        text = self._text
        if text is None:
            text = _rfc3339(self.ns)
            object.__setattr__(self, "_text", text)  # a cache, not state: frozen for users
        return text

    def to_datetime(self) -> datetime:
        """Microsecond-truncated datetime, for arithmetic and comparisons with stdlib values."""
        return _EPOCH + timedelta(microseconds=self.ns // 1000)

    def seconds_until(self, later: Instant) -> float:
        return (later.ns - self.ns) / _NS_PER_S

    def plus_seconds(self, seconds: float) -> Instant:
        return Instant(self.ns + round(seconds * _NS_PER_S))

    def __str__(self) -> str:
        return self.isoformat()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.coerce,
            serialization=_SERIALIZE,
        )


_SERIALIZE = core_schema.plain_serializer_function_ser_schema(lambda value: value.isoformat())


class _NanosFirst:
    """`Annotated[Instant, _NanosFirst]`: for fields whose wire sends integer nanoseconds
    (Stream's v2 surface, 200 per attendance page). pydantic-core checks the integer
    itself and hands it to the class: a quarter less CPU for such a page than the
    Python validator per value. Anything else goes through `coerce` as before, at the
    price of the failed integer check (which is why text times do not take this way)."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.union_schema(
            [
                core_schema.no_info_after_validator_function(
                    from_ns, core_schema.int_schema(strict=True)
                ),
                handler(source),
            ],
            mode="left_to_right",
            serialization=_SERIALIZE,
        )


InstantFromNanos = Annotated[Instant, _NanosFirst]

# `Instant(ns)` sets each field through `object.__setattr__` (it is frozen), 0.34 us;
# the slots' own setters take 0.20 (an attendance page makes 200 of them).
_new_object = object.__new__
_set_ns = getattr(Instant, "ns").__set__  # noqa: B009 - the slot descriptor, not a value
_set_text = getattr(Instant, "_text").__set__  # noqa: B009


def from_ns(ns: int) -> Instant:
    """`Instant(ns)`, made without the frozen dataclass's `__init__` (same fields set)."""
    instant: Instant = _new_object(Instant)
    _set_ns(instant, ns)
    _set_text(instant, None)
    return instant


# Bounded memos by value: the same sessions are read again and again (dashboards refresh,
# cached pages are parsed again on every hit), and each read parses the same times.
@functools.lru_cache(maxsize=16384)
def _parsed(text: str) -> Instant:
    return Instant._parse(text)  # ValueError is not cached: lru_cache keeps results only


@functools.lru_cache(maxsize=16384)
def _rfc3339(ns: int) -> str:
    seconds, frac = divmod(ns, _NS_PER_S)
    if 0 <= seconds < _YEAR_10000:
        # time.gmtime + formatting: about 3x faster than datetime arithmetic, and every
        # timestamp of every page goes through here.
        t = time.gmtime(seconds)
        base = (
            f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
            f"T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
        )
    else:
        base = _slow_base(seconds)
    if frac == 0:
        return f"{base}Z"
    if frac % 1_000_000 == 0:
        return f"{base}.{frac // 1_000_000:03d}Z"
    if frac % 1_000 == 0:
        return f"{base}.{frac // 1_000:06d}Z"
    return f"{base}.{frac:09d}Z"


def _slow_base(seconds: int) -> str:
    when = _EPOCH + timedelta(seconds=seconds)
    # Not strftime("%Y"): it does not pad years below 1000 to four digits.
    return (
        f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
        f"T{when.hour:02d}:{when.minute:02d}:{when.second:02d}"
    )


def _seconds_ns(value: datetime) -> int:
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * _NS_PER_S


_MIN_NS = _seconds_ns(datetime(1, 1, 1, tzinfo=UTC))
_MAX_NS = _seconds_ns(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)) + _NS_PER_S - 1
Instant.EARLIEST = Instant(_MIN_NS)

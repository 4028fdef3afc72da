"""Typed filters written as Meet filter strings (AIP-160 subset Meet documents).

Only the confirmed operators are generated: `=`, `>=`, `<=`, `AND`, `IS NULL`.
Every literal is double-quoted with `\\` and `"` escaped, and values are also
validated first, so no input can change the filter's meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.meet.names import check_meeting_code, check_name
from resolvers.timestamps import Instant

__all__ = [
    "ConferenceRecordFilterInput",
    "LiveFilter",
    "conference_record_filter",
    "live_filter",
    "quote",
]

# "Ended" has no operator of its own (no NOT, no IS NOT NULL): an end time at or
# after the epoch is true exactly for the ones that have an end time.
_EPOCH = "1970-01-01T00:00:00Z"


def quote(value: str) -> str:
    """A double-quoted filter literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class LiveFilter:
    """`ParticipantFilter` / `ParticipantSessionFilter` as the data layer sees them."""

    live: bool | None = None

    def encode(self, end_field: str) -> str:
        """The `filter` on `end_field` ("" for none)."""
        return "" if self.live is None else live_filter(end_field, live=self.live)


@dataclass(frozen=True)
class ConferenceRecordFilterInput:
    """`ConferenceRecordFilter` as the data layer sees it (also a space's records)."""

    space_name: str | None = None
    meeting_code: str | None = None
    started_after: Instant | None = None
    started_before: Instant | None = None
    live: bool | None = None


def conference_record_filter(flt: ConferenceRecordFilterInput) -> str:
    """The `filter` for conferenceRecords.list ("" for none)."""
    terms: list[str] = []
    if flt.space_name is not None:
        terms.append(
            f"space.name = {quote(check_name('space', flt.space_name, field='spaceName'))}"
        )
    if flt.meeting_code is not None:
        code = check_meeting_code(flt.meeting_code, field="meetingCode")
        terms.append(f"space.meeting_code = {quote(code)}")
    if flt.started_after is not None:
        terms.append(f"start_time >= {quote(flt.started_after.isoformat())}")
    if flt.started_before is not None:
        terms.append(f"start_time <= {quote(flt.started_before.isoformat())}")
    if flt.live is not None:
        terms.append(live_filter("end_time", live=flt.live))
    return " AND ".join(terms)


def live_filter(field: str, *, live: bool) -> str:
    """`field IS NULL` for live objects, `field >= epoch` for ended ones."""
    return f"{field} IS NULL" if live else f"{field} >= {quote(_EPOCH)}"

"""The typed list queries the gateway sends to RealtimeKit.

Every value travels as its own query parameter (httpx percent-encodes it), so a
search text such as `{"$ne": 1}` reaches RealtimeKit only as a literal `search`
string. Sort parameters are always sent: the default sorts are undocumented.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from resolvers.timestamps import Instant

__all__ = ["ParticipantQuery", "ParticipantSort", "SessionQuery", "SessionStatus"]


class SessionStatus(StrEnum):
    LIVE = "LIVE"
    ENDED = "ENDED"


class ParticipantSort(StrEnum):
    """`sort_by` plus `sort_order` of the participants list."""

    JOINED_AT_ASC = "joinedAt:ASC"
    JOINED_AT_DESC = "joinedAt:DESC"
    DURATION_ASC = "duration:ASC"
    DURATION_DESC = "duration:DESC"


@dataclass(frozen=True)
class SessionQuery:
    """`GET /sessions` minus paging; newest first unless said otherwise."""

    status: SessionStatus | None = None
    meeting_id: str | None = None
    search: str | None = None
    started_after: Instant | None = None
    started_before: Instant | None = None
    sort_by: str = "createdAt"
    sort_order: str = "DESC"

    def params(self) -> dict[str, str]:
        params = {"sort_by": self.sort_by, "sort_order": self.sort_order}
        if self.status is not None:
            params["status"] = self.status.value
        if self.meeting_id is not None:
            params["associated_id"] = self.meeting_id
        if self.search:
            params["search"] = self.search
        # The emulator (and, we assume, the service) bounds `started_at` with these.
        if self.started_after is not None:
            params["start_time"] = self.started_after.isoformat()
        if self.started_before is not None:
            params["end_time"] = self.started_before.isoformat()
        return params


@dataclass(frozen=True)
class ParticipantQuery:
    """`GET /sessions/{id}/participants` minus paging."""

    sort: ParticipantSort = ParticipantSort.JOINED_AT_ASC
    search: str | None = None

    def params(self) -> dict[str, str]:
        sort_by, _, sort_order = self.sort.value.partition(":")
        params = {"sort_by": sort_by, "sort_order": sort_order}
        if self.search:
            params["search"] = self.search
        return params

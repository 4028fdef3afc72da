"""How long Stream Video answers may be cached.

Stream documents attendance (QueryCallParticipantSessions) as not real-time:
"Final data is available after the call ends and the `call.stats_report_ready`
webhook has been received." The gateway learns that a session's report is
ready from QueryCallSessionStats (`call_stats`): an entry with a session end
and a `generated_at` at or after it. Attendance of such a session is kept long,
but never past the 90-day retention after which Stream returns it empty.
Everything else, the `call_stats` pages included, is live.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from resolvers.cache import ENDED, LIVE, CachePolicy, Lifetime, Read, epoch_of

__all__ = ["StreamCachePolicy"]

_RETENTION_SECONDS = 90 * 86400


def _session_of(read: Read) -> str | None:
    """`type/id/session` of a `…/call/{type}/{id}/session/{session}/participant_sessions` read."""
    segments = read.segments
    if len(segments) < 6 or segments[-1] != "participant_sessions":
        return None
    call, kind, call_id, marker, session = segments[-6:-1]
    if call != "call" or marker != "session":
        return None
    return f"{kind}/{call_id}/{session}"


@dataclass(frozen=True)
class StreamCachePolicy(CachePolicy):
    """Stream: attendance of an ended session with a ready stats report is final."""

    def is_read(self, method: str, path: str) -> bool:
        # QueryCallSessionStats is a query sent as POST.
        return method == "GET" or (method == "POST" and path.endswith("/call_stats"))

    def learn(self, read: Read, body: Any) -> dict[str, float]:
        if not read.path.endswith("/call_stats") or not isinstance(body, dict):
            return {}
        facts: dict[str, float] = {}
        for entry in body.get("call_stats") or ():
            if not isinstance(entry, dict):
                continue
            ended = epoch_of(entry.get("session_ended_at") or entry.get("call_ended_at"))
            generated = epoch_of(entry.get("generated_at"))
            if ended is None or generated is None or generated < ended:
                continue
            parts = (entry.get("call_type"), entry.get("call_id"), entry.get("call_session_id"))
            if all(isinstance(part, str) and part for part in parts):
                facts["/".join(str(part) for part in parts)] = ended
        return facts

    def facts_needed(self, read: Read) -> tuple[str, ...]:
        session = _session_of(read)
        return (session,) if session else ()

    def lifetime(self, read: Read, body: Any, facts: Mapping[str, float], now: float) -> Lifetime:
        session = _session_of(read)
        ended = facts.get(session) if session else None
        if ended is None:
            return LIVE
        return ENDED.capped(ended + _RETENTION_SECONDS)

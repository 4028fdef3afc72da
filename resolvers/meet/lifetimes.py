"""How long Meet answers may be cached, from what the Meet API says about each resource.

- A conference record with `endTime` is a past conference: "Set for past
  conferences. Unset if the conference is ongoing." Its participants and their
  sessions cannot change after it ended, so they are kept long too.
- A participant session with `endTime` is final even in a live conference:
  a new join is a new session with a new id.
- Recordings and transcripts are still generated after the conference ends
  (`STARTED` → `ENDED` → `FILE_GENERATED`): kept long only once the conference
  ended more than `settle_seconds` ago and every one listed is `FILE_GENERATED`;
  a transcript's entries once that transcript is `FILE_GENERATED`.
- The list of conference records and spaces can change at any time: live.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from resolvers.cache import ENDED, LIVE, CachePolicy, Lifetime, Read, epoch_of

__all__ = ["MeetCachePolicy"]

_LISTED = ("conferenceRecords", "recordings", "transcripts", "participantSessions")
_FINAL = "FILE_GENERATED"


def _items(body: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(body, dict):
        return
    if isinstance(body.get("name"), str):
        yield body
    for field in _LISTED:
        for item in body.get(field) or ():
            if isinstance(item, dict):
                yield item


def _record_path(read: Read) -> list[str]:
    """The segments under `conferenceRecords/{id}` (`[]` for anything else)."""
    segments = read.segments[1:]  # drop the `v2` prefix
    if len(segments) < 2 or segments[0] != "conferenceRecords":
        return []
    return segments


@dataclass(frozen=True)
class MeetCachePolicy(CachePolicy):
    """Meet: ended conferences and what they contain are immutable."""

    # Artifacts of a conference that ended less than this long ago may still change.
    settle_seconds: float = 3600.0

    def learn(self, read: Read, body: Any) -> dict[str, float]:
        facts: dict[str, float] = {}
        for item in _items(body):
            name = item["name"] if isinstance(item.get("name"), str) else ""
            ended = epoch_of(item.get("endTime"))
            kind = name.split("/")[-2] if name.count("/") >= 1 else ""
            if kind == "conferenceRecords" and ended is not None:
                facts[name] = ended
            elif kind in ("recordings", "transcripts") and item.get("state") == _FINAL:
                facts[name] = ended or 0.0
        return facts

    def facts_needed(self, read: Read) -> tuple[str, ...]:
        segments = _record_path(read)
        if not segments:
            return ()
        record = "/".join(segments[:2])
        if len(segments) >= 5 and segments[2] == "transcripts" and segments[4] == "entries":
            return (record, "/".join(segments[:4]))
        return (record,)

    def lifetime(self, read: Read, body: Any, facts: Mapping[str, float], now: float) -> Lifetime:
        segments = _record_path(read)
        if not segments:
            return LIVE
        ended = facts.get("/".join(segments[:2]))
        if len(segments) >= 6 and segments[4] == "participantSessions":
            # One join: final once it has an end, whatever the conference does.
            single = isinstance(body, dict) and epoch_of(body.get("endTime")) is not None
            if single and len(segments) == 6:
                return ENDED
        if ended is None:
            return LIVE
        if len(segments) == 2 or segments[2] == "participants":
            return ENDED
        if segments[2] in ("recordings", "transcripts"):
            return self._artifacts(read, body, facts, now - ended)
        return LIVE

    def _artifacts(
        self, read: Read, body: Any, facts: Mapping[str, float], since_end: float
    ) -> Lifetime:
        segments = _record_path(read)
        if len(segments) >= 5 and segments[4] == "entries":
            return ENDED if "/".join(segments[:4]) in facts else LIVE
        if since_end < self.settle_seconds:
            return LIVE
        listed = list(_items(body))
        return ENDED if all(item.get("state") == _FINAL for item in listed) else LIVE

"""How long RealtimeKit answers may be cached.

- A session whose `status` is `ENDED` is over: a meeting's next join starts a
  new session with a new id, so the ended one, its participants and their
  details no longer change. Kept long.
- A `LIVE` session (and the list of sessions, which gains new ones) is live.
- Chat, transcript and summary answers are download URLs with an expiry
  (`*_download_url_expiry`): never served past it. The summary can be
  regenerated (POST), which invalidates the cached link.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from resolvers.cache import ENDED, LIVE, CachePolicy, Lifetime, Read, epoch_of

__all__ = ["RealtimeKitCachePolicy"]

_LINKS = ("chat", "transcript", "summary")


def _tail(read: Read) -> list[str] | None:
    """The segments after `…/realtime/kit/{app}/sessions` (None for any other path)."""
    segments = read.segments
    if "sessions" not in segments:
        return None
    return segments[segments.index("sessions") + 1 :]


def _sessions(body: Any) -> Iterator[dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return
    listed = data.get("sessions")
    if isinstance(listed, list):
        yield from (item for item in listed if isinstance(item, dict))
        return
    nested = data.get("session")  # older specs nest the details
    yield nested if isinstance(nested, dict) else data


def _expiry(body: Any) -> float | None:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return None
    stamps = [epoch_of(value) for key, value in data.items() if key.lower().endswith("expiry")]
    known = [stamp for stamp in stamps if stamp is not None]
    return min(known) if known else None


@dataclass(frozen=True)
class RealtimeKitCachePolicy(CachePolicy):
    """RealtimeKit: ended sessions and their participants are immutable."""

    def learn(self, read: Read, body: Any) -> dict[str, float]:
        tail = _tail(read)
        if tail is None or len(tail) > 1:
            return {}
        facts: dict[str, float] = {}
        for session in _sessions(body):
            if session.get("status") == "ENDED" and isinstance(session.get("id"), str):
                facts[f"sessions/{session['id']}"] = epoch_of(session.get("ended_at")) or 0.0
        return facts

    def facts_needed(self, read: Read) -> tuple[str, ...]:
        tail = _tail(read)
        if not tail or tail[0] == "peer-report":
            return ()
        return (f"sessions/{tail[0]}",)

    def lifetime(self, read: Read, body: Any, facts: Mapping[str, float], now: float) -> Lifetime:
        tail = _tail(read)
        if not tail or tail[0] == "peer-report":
            return LIVE
        kind = ENDED if f"sessions/{tail[0]}" in facts else LIVE
        if len(tail) == 2 and tail[1] in _LINKS:
            expiry = _expiry(body)
            # A link without a readable expiry is treated as about to expire.
            return kind.capped(expiry if expiry is not None else now)
        return kind

"""Route templates for upstream paths: `/v2/conferenceRecords/{id}`, never the id itself.

Span attributes and log fields must not carry ids (cardinality, and ids can be
personal data). Google's APIs name resources as `collection/id` pairs after the
version (AIP-122, https://google.aip.dev/122), so every second segment is an
id. RealtimeKit and Stream paths mix fixed words and ids; a segment is kept
only if it is one of that API's fixed words.
"""

from __future__ import annotations

import functools

from resolvers.errors import Provider

__all__ = ["route_template"]

_ID = "{id}"
_GOOGLE = frozenset({Provider.GOOGLE_MEET, Provider.VERTEX_AI_SEARCH})
_WORDS: dict[Provider, frozenset[str]] = {
    Provider.CLOUDFLARE_REALTIMEKIT: frozenset(
        {
            "client",
            "v4",
            "accounts",
            "realtime",
            "kit",
            "sessions",
            "participants",
            "peer-report",
            "summary",
            "transcript",
            "chat",
            "recordings",
            "meetings",
        }
    ),
    Provider.STREAM_VIDEO: frozenset(
        {"video", "call", "session", "participant_sessions", "call_stats", "calls", "stats"}
    ),
}


@functools.lru_cache(maxsize=1024)
def route_template(provider: Provider, path: str) -> str:
    """`path` with every id segment replaced by `{id}`."""
    segments = path.strip("/").split("/")
    if provider in _GOOGLE:
        return "/" + "/".join(_google(i, s) for i, s in enumerate(segments))
    words = _WORDS.get(provider, frozenset())
    return "/" + "/".join(s if s in words else _ID for s in segments)


def _google(index: int, segment: str) -> str:
    # Index 0 is the version; then collection (odd), id (even). A custom method
    # (`…/sessions/x:answer`) keeps its verb.
    if index == 0 or index % 2 == 1:
        # Collections are camelCase words; anything else is not trusted as a label.
        return segment if segment.isalnum() and segment.isascii() else _ID
    _, colon, verb = segment.partition(":")
    return _ID + (colon + verb if colon else "")

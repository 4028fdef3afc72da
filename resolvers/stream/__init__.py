"""The Stream Video data layer (client, wire models, ids, filters, cursor paging, loaders),
and its face: what the schema may import from it."""

from __future__ import annotations

from resolvers.errors import Provider
from resolvers.spec import CredentialMode, UpstreamSpec
from resolvers.stream.client import probe
from resolvers.stream.errors import error_parser
from resolvers.stream.filters import CallSessionFilterInput, ParticipantFilterInput
from resolvers.stream.ids import (
    ParticipantKey,
    SessionKey,
    key_text,
    participant_key_of,
    session_key,
    session_key_of,
)
from resolvers.stream.lifetimes import StreamCachePolicy
from resolvers.stream.loaders import StreamLoaders
from resolvers.stream.models import CallStatsSession, ParticipantRecord
from resolvers.stream.timeline import TIMELINE
from resolvers.stream.webhook import StreamReceiver
from resolvers.throttle import Quota, QuotaRule

__all__ = [
    "SPEC",
    "CallSessionFilterInput",
    "CallStatsSession",
    "ParticipantFilterInput",
    "ParticipantKey",
    "ParticipantRecord",
    "SessionKey",
    "StreamLoaders",
    "key_text",
    "participant_key_of",
    "session_key",
    "session_key_of",
]

SPEC = UpstreamSpec(
    provider=Provider.STREAM_VIDEO,
    name="stream",
    credential_mode=CredentialMode.SERVER,
    required_settings=("stream_api_key", "stream_api_secret"),
    error_parser=error_parser,
    # The server SDKs retry only 429 (and transport errors), and only GETs: call_stats
    # is a POST and is sent as non-idempotent, so only GETs are ever retried.
    retry_statuses=frozenset({429}),
    build_loaders=StreamLoaders.build,
    timeline=TIMELINE,
    cache_policy=StreamCachePolicy(),
    # Per endpoint, one-minute windows; the per-endpoint server limit is not published, so
    # the default is a guess corrected by the `X-RateLimit-*` headers Stream sends.
    quota=Quota(
        rules=(QuotaRule(1000, 60.0, "endpoint", from_headers=True),), headers="x-ratelimit"
    ),
    readiness=probe,
    webhook=StreamReceiver.build,
)

"""The Cloudflare RealtimeKit data layer and its face for the schema.

The facts it relies on are described in docs/upstreams/realtimekit.md.
"""

from __future__ import annotations

from resolvers.errors import Provider
from resolvers.realtimekit import models
from resolvers.realtimekit.client import LinkKind, probe
from resolvers.realtimekit.errors import RETRY_STATUSES, error_parser
from resolvers.realtimekit.lifetimes import RealtimeKitCachePolicy
from resolvers.realtimekit.loaders import RealtimeKitLoaders
from resolvers.realtimekit.queries import (
    ParticipantQuery,
    ParticipantSort,
    SessionQuery,
    SessionStatus,
)
from resolvers.realtimekit.timeline import TIMELINE
from resolvers.realtimekit.webhook import RealtimeKitReceiver
from resolvers.spec import CredentialMode, UpstreamSpec
from resolvers.throttle import Quota, QuotaRule

__all__ = [
    "SPEC",
    "LinkKind",
    "ParticipantQuery",
    "ParticipantSort",
    "RealtimeKitLoaders",
    "SessionQuery",
    "SessionStatus",
    "models",
]

SPEC = UpstreamSpec(
    provider=Provider.CLOUDFLARE_REALTIMEKIT,
    name="realtimekit",
    credential_mode=CredentialMode.SERVER,
    required_settings=("realtimekit_account_id", "realtimekit_app_id", "realtimekit_api_token"),
    error_parser=error_parser,
    retry_statuses=RETRY_STATUSES,
    build_loaders=RealtimeKitLoaders.build,
    timeline=TIMELINE,
    cache_policy=RealtimeKitCachePolicy(),
    # Cloudflare's API limit: 1200 requests per 5 minutes per token; `Ratelimit` on every answer.
    quota=Quota(
        rules=(QuotaRule(1200, 300.0, "upstream", from_headers=True),), headers="ratelimit"
    ),
    readiness=probe,
    webhook=RealtimeKitReceiver.build,
)

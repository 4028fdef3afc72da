"""The Vertex AI Search (Discovery Engine) sessions data layer, and its face for the schema."""

from __future__ import annotations

from resolvers.cache import CachePolicy
from resolvers.discovery import models
from resolvers.discovery.client import probe
from resolvers.discovery.filters import SessionFilter
from resolvers.discovery.loaders import DiscoveryLoaders
from resolvers.discovery.timeline import TIMELINE
from resolvers.discovery.writes import NewSession, create_session, delete_session, update_session
from resolvers.errors import Provider
from resolvers.google import google_error_parser
from resolvers.spec import CredentialMode, UpstreamSpec

__all__ = [
    "SPEC",
    "DiscoveryLoaders",
    "NewSession",
    "SessionFilter",
    "create_session",
    "delete_session",
    "models",
    "update_session",
]

SPEC = UpstreamSpec(
    provider=Provider.VERTEX_AI_SEARCH,
    name="discovery",
    credential_mode=CredentialMode.CALLER_BEARER,
    required_settings=(),
    error_parser=google_error_parser(Provider.VERTEX_AI_SEARCH),
    # The client-library policy retries UNAVAILABLE; 429 is backed off too.
    retry_statuses=frozenset({429, 503}),
    build_loaders=DiscoveryLoaders.build,
    timeline=TIMELINE,
    # Sessions change whenever their user converses or a mutation writes: always live.
    # Creates, patches and deletes invalidate the session and its parent's lists.
    cache_policy=CachePolicy(),
    # No quota is documented in the sessions reference: set SESSIONGRAPH_QUOTA_DISCOVERY.
    quota=None,
    readiness=probe,
)

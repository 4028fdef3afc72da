"""The Cloudflare RealtimeKit data layer (facts it relies on: docs/upstreams/realtimekit.md)."""

from __future__ import annotations

from resolvers.errors import Provider
from resolvers.realtimekit.errors import RETRY_STATUSES, error_parser
from resolvers.realtimekit.loaders import RealtimeKitLoaders
from resolvers.spec import CredentialMode, UpstreamSpec

__all__ = ["SPEC", "RealtimeKitLoaders"]

SPEC = UpstreamSpec(
    provider=Provider.CLOUDFLARE_REALTIMEKIT,
    name="realtimekit",
    credential_mode=CredentialMode.SERVER,
    required_settings=("realtimekit_account_id", "realtimekit_app_id", "realtimekit_api_token"),
    error_parser=error_parser,
    retry_statuses=RETRY_STATUSES,
    build_loaders=RealtimeKitLoaders.build,
)

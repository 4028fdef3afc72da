"""The Cloudflare RealtimeKit data layer (reference: shared/upstreams/cloudflare-realtimekit.md)."""

from __future__ import annotations

from resolvers.realtimekit.errors import RETRY_STATUSES, error_parser
from resolvers.realtimekit.loaders import RealtimeKitLoaders

__all__ = ["RETRY_STATUSES", "RealtimeKitLoaders", "error_parser"]

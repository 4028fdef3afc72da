"""The RealtimeKit data layer (placeholder until implemented)."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.errors import Provider
from resolvers.http import ErrorParser, status_error_parser
from resolvers.paging import Paging
from resolvers.upstreams import Caller, Upstreams

__all__ = ["RETRY_STATUSES", "RealtimeKitLoaders", "error_parser"]

error_parser: ErrorParser = status_error_parser(Provider.CLOUDFLARE_REALTIMEKIT)
RETRY_STATUSES = frozenset({429, 503})


@dataclass
class RealtimeKitLoaders:
    """Per-request loaders for RealtimeKit."""

    @classmethod
    def build(cls, upstreams: Upstreams, caller: Caller, paging: Paging) -> RealtimeKitLoaders:
        return cls()
